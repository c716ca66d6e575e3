import { useState } from 'react';
import { detectChatMessages } from '../../core/chat-messages.ts';
import { ChatConversation } from './ChatConversation.tsx';
import { JsonViewer } from './JsonViewer.tsx';

/** A span's inputs or outputs: a conversation when chat-shaped (with a JSON toggle), else the JSON tree. */
export function SpanPayload({ title, value }: { title: string; value: unknown }) {
  const messages = detectChatMessages(value);
  const [asJson, setAsJson] = useState(false);
  return (
    <section className="td-block" aria-label={title}>
      <div className="td-block-head">
        <h4>{title}</h4>
        {messages && (
          <button type="button" className="td-link-button" onClick={() => setAsJson(!asJson)}>
            {asJson ? 'Show as conversation' : 'Show JSON'}
          </button>
        )}
      </div>
      {value === undefined ? (
        <p className="td-muted">None recorded.</p>
      ) : messages && !asJson ? (
        <ChatConversation messages={messages} label={`${title} conversation`} />
      ) : (
        <JsonViewer value={value} label={title.toLowerCase()} />
      )}
    </section>
  );
}
