export function ComparePage({ experimentId }: { experimentId: string }) {
  return (
    <section aria-label="Compare versions" className="compare-page">
      <h1 className="page-title">Compare versions</h1>
      <p className="placeholder">Version comparison for experiment {experimentId} arrives soon.</p>
    </section>
  );
}
