import { useEffect, useRef } from 'react';

/** Every keyboard shortcut of the explorer, in one place (`?` opens it). */
const SHORTCUTS: { group: string; keys: [string, string][] }[] = [
  {
    group: 'Traces table',
    keys: [
      ['/', 'Focus the search bar'],
      ['j / k', 'Next / previous trace (also in the open trace)'],
      ['↓ / ↑', 'Move in the table when it has focus'],
      ['Enter', 'Open the highlighted trace'],
      ['x', 'Select or unselect the highlighted trace'],
      ['Shift + click, Shift + x', 'Select a range of rows (in grouped views too)'],
      ['Esc', 'Clear the selection, else close the open trace'],
    ],
  },
  {
    group: 'Labelling (open trace)',
    keys: [
      ['+ / -', 'Pass / fail (thumbs up / down) on the focused pass/fail label'],
      ['1 – 9', "Set the focused label's value (n-th option; pass = 1, fail = 2)"],
      ['c', 'Comment: focus the comment box'],
      ['t', 'Tag: focus the new-tag box'],
    ],
  },
  {
    group: 'Review queue',
    keys: [
      ['n', 'Done: record this item as reviewed and open the next undone one'],
      ['s', 'Skip: it comes back after the other items'],
      ['+ / -, 1 – 9, c', 'Label and comment, as in an open trace'],
    ],
  },
  { group: 'Anywhere', keys: [['?', 'Show these shortcuts']] },
];

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
  }, []);
  return (
    <dialog
      ref={ref}
      className="shortcuts-dialog"
      aria-labelledby="shortcuts-title"
      onClose={onClose}
      onCancel={onClose}
    >
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      {SHORTCUTS.map((section) => (
        <section key={section.group} aria-label={section.group}>
          <h3>{section.group}</h3>
          <dl>
            {section.keys.map(([key, what]) => (
              <div key={key} className="shortcut">
                <dt>
                  <kbd>{key}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <form method="dialog">
        <button type="submit" className="primary" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
