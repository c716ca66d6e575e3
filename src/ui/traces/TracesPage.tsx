export function TracesPage({ experimentId }: { experimentId: string }) {
  return (
    <section aria-label="Traces" className="traces-page">
      <h1 className="page-title">Traces</h1>
      <p className="placeholder">Traces of experiment {experimentId} will be listed here.</p>
    </section>
  );
}
