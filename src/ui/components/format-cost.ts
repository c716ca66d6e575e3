/**
 * A USD amount as people read LLM costs: cents for dollars, more digits for the fractions of a
 * cent most single calls cost ($0.00042), never exponent notation. null (no cost known) is "—".
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  const abs = Math.abs(usd);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : abs >= 0.01 ? 3 : Math.min(8, 1 - Math.floor(Math.log10(abs)) + 1);
  return `${usd < 0 ? '-' : ''}$${abs.toFixed(digits).replace(/(\.\d*?[1-9])0+$|\.0+$/, '$1')}`;
}
