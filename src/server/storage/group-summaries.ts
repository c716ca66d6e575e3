// A groups-extension page's summaries (count, errors, first/last, duration p50/p95, 👍/👎, cost) from its
// members, one rule for SQLite's SQL path (sqlite-extensions.ts) and the metrics accelerator
// (metrics-columns.ts); PostgreSQL's SQL path computes the same in SQL (postgres/pg-extensions.ts).
import type { GroupSummary } from '../../core/model.ts';
import { exactQuantile } from '../../core/stats/quantile.ts';
import { costSummary } from './rules/cost-summary.ts';

/** One group's running figures. */
export class GroupTally {
  count = 0;
  errors = 0;
  first = Infinity;
  last = -Infinity;
  up = 0;
  down = 0;
  private readonly durations: number[] = [];
  private readonly costs: number[] = [];

  constructor(readonly value: string) {}

  /** A member trace: start, duration (null: unknown), whether it failed, its total cost (null: none). */
  add(ts: number, ms: number | null, error: boolean, cost: number | null): void {
    this.count++;
    if (error) this.errors++;
    if (ts < this.first) this.first = ts;
    if (ts > this.last) this.last = ts;
    if (ms !== null) this.durations.push(ms);
    if (cost !== null) this.costs.push(cost);
  }

  /** Feedback of its members: `n` assessments whose value is the JSON text 'true' or 'false'. */
  feedback(value: string, n: number): void {
    if (value === 'true') this.up += n;
    else if (value === 'false') this.down += n;
  }

  summary(): GroupSummary {
    const sorted = Float64Array.from(this.durations).sort();
    return {
      value: this.value,
      count: this.count,
      error_count: this.errors,
      p50_ms: sorted.length > 0 ? exactQuantile(sorted, 0.5) : null,
      p95_ms: sorted.length > 0 ? exactQuantile(sorted, 0.95) : null,
      ...costSummary(Float64Array.from(this.costs).sort()),
      feedback_up: this.up,
      feedback_down: this.down,
      first_ms: this.first === Infinity ? 0 : this.first,
      last_ms: this.last === -Infinity ? 0 : this.last,
    };
  }
}

/** A trace's total cost as the SQL dialects' `jsonNumberMember` reads it: a JSON object's number member, else null. */
export function jsonNumberMember(text: string, member: string): number | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const value = (parsed as Record<string, unknown>)[member];
    return typeof value === 'number' ? value : null;
  } catch {
    return null;
  }
}

/** The groups extension's next-page token, the same on both engines and both paths. */
export function groupsPageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}
