import { useState } from 'react';

/** Copies text to the clipboard and says so; clipboard refusals (no permission) just say "Copy failed". */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="td-copy"
      aria-label={label}
      title={label}
      onClick={() => {
        // The clipboard API is missing outside secure contexts.
        const write = navigator.clipboard
          ? navigator.clipboard.writeText(text)
          : Promise.reject(new Error('no clipboard'));
        write.then(() => setState('copied')).catch(() => setState('failed'));
        window.setTimeout(() => setState('idle'), 1500);
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}
