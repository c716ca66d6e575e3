import { lazy, Suspense, useState } from 'react';

// The schema editor is only needed when opened: its own chunk.
const LabelSchemaDialog = lazy(() => import('./LabelSchemaDialog.tsx').then((m) => ({ default: m.LabelSchemaDialog })));

/** "Labels" in the experiment header: opens the experiment's label schema editor. */
export function LabelsButton({ experimentId }: { experimentId: string }) {
  const [open, setOpen] = useState(false);
  if (!experimentId) return null;
  return (
    <>
      <button
        type="button"
        className="labels-button"
        onClick={() => setOpen(true)}
        title="Define the labels reviewers give traces"
      >
        Labels
      </button>
      {open && (
        <Suspense fallback={null}>
          <LabelSchemaDialog experimentId={experimentId} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
