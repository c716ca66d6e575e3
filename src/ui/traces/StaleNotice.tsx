/**
 * Said above results that do not belong to the filter in the bar: either the bar holds an edit
 * not applied yet, or a filter with an error that cannot be applied. The results stay (they are
 * still the applied filter's) but are dimmed and labelled with the filter they belong to.
 */
export function StaleNotice({ id, applied, broken }: { id: string; applied: string; broken: boolean }) {
  return (
    <div id={id} role="status" className={`stale-notice${broken ? ' broken' : ''}`}>
      <strong>{broken ? 'Not applied: the filter has an error.' : 'Not applied yet: press Enter.'}</strong> These
      results are for {applied === '' ? 'no filter' : <code className="mono">{applied}</code>}
      {broken ? ' (Esc restores it).' : '.'}
    </div>
  );
}
