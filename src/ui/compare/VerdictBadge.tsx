import type { Verdict } from '../../core/stats/version-verdict.ts';

// Text first, colour second: the verdict must read the same to someone who cannot tell red
// from green, so every state has its own words and arrow.
const TEXT: Record<Verdict, string> = {
  regression: '▲ Significant regression',
  improvement: '▼ Significant improvement',
  'no-significant-difference': 'No significant difference',
  'not-enough-data': 'Not enough data to tell',
};

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return <span className={`verdict verdict-${verdict}`}>{TEXT[verdict]}</span>;
}
