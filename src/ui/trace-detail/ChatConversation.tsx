import type { ChatMessage } from '../../core/chat-messages.ts';

/** Chat messages as a conversation. Content is shown as plain text (pre-wrapped), never markdown or HTML. */
export function ChatConversation({ messages, label }: { messages: ChatMessage[]; label: string }) {
  return (
    <ol className="chat" aria-label={label}>
      {messages.map((message, i) => (
        <li
          key={i}
          className={`chat-message chat-${message.role === 'user' || message.role === 'assistant' || message.role === 'system' || message.role === 'tool' ? message.role : 'other'}`}
        >
          <div className="chat-role">{message.role}</div>
          {message.text && <div className="chat-text">{message.text}</div>}
          {message.toolCalls.map((call, k) => (
            <div key={k} className="chat-tool-call mono">
              → {call.name}({call.arguments})
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}
