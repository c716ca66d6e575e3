import { lazy, Suspense, useState } from 'react';

// The dialog (column chooser, streaming download) loads when first opened.
const ExportDialog = lazy(() => import('./ExportDialog.tsx').then((m) => ({ default: m.ExportDialog })));

/** Opens the export dialog for a filtered set of traces (the table's, or one group's). */
export function ExportButton(props: {
  experimentId: string;
  filter: string;
  subject: string;
  label?: string;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={props.className}
        aria-label={props.label}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        Export
      </button>
      {open && (
        <Suspense fallback={null}>
          <ExportDialog
            experimentId={props.experimentId}
            filter={props.filter}
            subject={props.subject}
            onClose={() => setOpen(false)}
          />
        </Suspense>
      )}
    </>
  );
}
