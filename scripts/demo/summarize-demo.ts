import { CONTEXT_KEYS, METADATA } from '../../src/core/model.ts';
import type { DemoTrace } from './generate-demo.ts';

export interface DemoSummary {
  traces: number;
  users: number;
  sessions: number;
  errors: number;
  feedback: number;
  feedbackDown: number;
  expectations: number;
  spans: number;
  byVersion: Record<string, { traces: number; errorRate: number; p50Ms: number; feedbackDownRate: number }>;
  byStreaming: Record<string, { p50Ms: number }>;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.floor(sorted.length / 2)]) : 0;
};

/** The facts the demo promises, computed from the generated plan (printed by the seeder, asserted by tests). */
export function summarizeDemo(traces: DemoTrace[]): DemoSummary {
  const group = (key: string) => {
    const groups = new Map<string, DemoTrace[]>();
    for (const trace of traces) {
      const value = trace.metadata[key] ?? '';
      groups.set(value, [...(groups.get(value) ?? []), trace]);
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  };
  const withFeedback = traces.filter((t) => t.feedback);
  return {
    traces: traces.length,
    users: new Set(traces.map((t) => t.metadata[METADATA.user])).size,
    sessions: new Set(traces.map((t) => t.metadata[METADATA.session])).size,
    errors: traces.filter((t) => t.state === 'ERROR').length,
    feedback: withFeedback.length,
    feedbackDown: withFeedback.filter((t) => t.feedback?.value === false).length,
    expectations: traces.reduce((n, t) => n + t.expectations.length, 0),
    spans: traces.reduce((n, t) => n + t.spans.length, 0),
    byVersion: Object.fromEntries(
      group(CONTEXT_KEYS.appVersion).map(([version, list]) => {
        const rated = list.filter((t) => t.feedback);
        return [
          version,
          {
            traces: list.length,
            errorRate: Number((list.filter((t) => t.state === 'ERROR').length / list.length).toFixed(3)),
            p50Ms: median(list.map((t) => t.endMs - t.startMs)),
            feedbackDownRate: Number(
              (rated.filter((t) => t.feedback?.value === false).length / Math.max(1, rated.length)).toFixed(3),
            ),
          },
        ];
      }),
    ),
    byStreaming: Object.fromEntries(
      group('flag.streaming').map(([flag, list]) => [flag, { p50Ms: median(list.map((t) => t.endMs - t.startMs)) }]),
    ),
  };
}
