// The CSV export's columns: fixed trace fields, then one column per tag key, metadata key and
// label (assessment) name, then `other`: a JSON object of the tags and metadata a trace has
// beyond the header's keys (the key set is read before the first row, so a key first seen
// later is still exported).
import { CONTEXT_KEYS, METADATA, TAGS, type Assessment, type JsonValue, type TraceInfo } from '../../core/model.ts';
import { setOwnKey } from '../../core/own-key.ts';
import { parseWireDuration } from '../../core/wire-duration.ts';
import { parseSums } from '../storage/rules/usage-sums.ts';
import type { CsvValue } from './csv-cell.ts';

type Fixed = (info: TraceInfo) => CsvValue;

const usage = (info: TraceInfo, key: string): number | undefined => {
  const text = info.trace_metadata[METADATA.tokenUsage];
  return text === undefined ? undefined : parseSums(text)[key];
};

const FIXED: Readonly<Record<string, Fixed>> = {
  trace_id: (i) => i.trace_id,
  experiment_id: (i) => i.trace_location.mlflow_experiment?.experiment_id,
  name: (i) => i.tags[TAGS.traceName],
  request_time: (i) => i.request_time,
  execution_time_ms: (i) => parseWireDuration(i.execution_duration),
  state: (i) => i.state,
  request_preview: (i) => i.request_preview,
  response_preview: (i) => i.response_preview,
  user: (i) => i.trace_metadata[METADATA.user],
  session: (i) => i.trace_metadata[METADATA.session],
  version: (i) => i.trace_metadata[CONTEXT_KEYS.appVersion],
  environment: (i) => i.trace_metadata[CONTEXT_KEYS.environment],
  input_tokens: (i) => usage(i, 'input_tokens'),
  output_tokens: (i) => usage(i, 'output_tokens'),
  total_tokens: (i) => usage(i, 'total_tokens'),
  cost_usd: (i) => {
    const text = i.trace_metadata[METADATA.cost];
    return text === undefined ? undefined : parseSums(text).total_cost;
  },
  client_request_id: (i) => i.client_request_id,
};

export const FIXED_COLUMNS: readonly string[] = Object.keys(FIXED);
const OTHER = 'other';

/** The full header for a key set and label names, in export order. */
export function allColumns(
  keys: readonly { kind: 'tag' | 'metadata'; key: string }[],
  labelNames: readonly string[],
): string[] {
  const tags = keys.filter((k) => k.kind === 'tag').map((k) => `tag.${k.key}`);
  const metadata = keys.filter((k) => k.kind === 'metadata').map((k) => `metadata.${k.key}`);
  return [
    ...FIXED_COLUMNS,
    ...[...tags].sort(),
    ...[...metadata].sort(),
    ...labelNames.map((n) => `label.${n}`).sort(),
    OTHER,
  ];
}

/** Why a requested column name is refused, or undefined when it is one the export knows how to fill. */
export function columnError(name: string): string | undefined {
  if (Object.hasOwn(FIXED, name) || name === OTHER) return undefined;
  for (const prefix of ['tag.', 'metadata.', 'label.'])
    if (name.startsWith(prefix) && name.length > prefix.length) return undefined;
  return `Unknown export column '${name}': expected one of ${FIXED_COLUMNS.join(', ')}, ${OTHER}, or tag.<key>, metadata.<key>, label.<name>.`;
}

function valueText(value: JsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Latest valid feedback or expectation per name (by last update, then creation), as text. */
export function labelValues(assessments: readonly Assessment[] | undefined): Map<string, string | undefined> {
  const latest = new Map<string, Assessment>();
  for (const a of assessments ?? []) {
    if (!a.valid || (a.feedback === undefined && a.expectation === undefined)) continue;
    const seen = latest.get(a.assessment_name);
    const newer =
      !seen ||
      Date.parse(a.last_update_time) > Date.parse(seen.last_update_time) ||
      (a.last_update_time === seen.last_update_time && Date.parse(a.create_time) >= Date.parse(seen.create_time));
    if (newer) latest.set(a.assessment_name, a);
  }
  const out = new Map<string, string | undefined>();
  for (const [name, a] of latest) {
    out.set(
      name,
      a.feedback
        ? valueText(a.feedback.value)
        : (valueText(a.expectation?.value) ?? a.expectation?.serialized_value?.value),
    );
  }
  return out;
}

const ownValue = (map: Record<string, string>, key: string): string | undefined =>
  Object.hasOwn(map, key) ? map[key] : undefined;

/** A function from a trace to its cells for the chosen columns (compiled once per export). */
export function rowWriter(columns: readonly string[]): (info: TraceInfo) => CsvValue[] {
  const tagCols = new Set(columns.filter((c) => c.startsWith('tag.')).map((c) => c.slice(4)));
  const metaCols = new Set(columns.filter((c) => c.startsWith('metadata.')).map((c) => c.slice(9)));
  const wantsLabels = columns.some((c) => c.startsWith('label.'));
  return (info) => {
    const labels = wantsLabels ? labelValues(info.assessments) : undefined;
    return columns.map((c) => {
      if (Object.hasOwn(FIXED, c)) return FIXED[c](info);
      // Own keys only: `tag.constructor` must not read Object.prototype's members.
      if (c.startsWith('tag.')) return ownValue(info.tags, c.slice(4));
      if (c.startsWith('metadata.')) return ownValue(info.trace_metadata, c.slice(9));
      if (c.startsWith('label.')) return labels!.get(c.slice(6));
      // `other`: what no column holds.
      const rest: Record<string, Record<string, string>> = {};
      for (const [k, v] of Object.entries(info.tags)) if (!tagCols.has(k)) setOwnKey((rest.tags ??= {}), k, v);
      for (const [k, v] of Object.entries(info.trace_metadata))
        if (!metaCols.has(k)) setOwnKey((rest.metadata ??= {}), k, v);
      return Object.keys(rest).length > 0 ? JSON.stringify(rest) : undefined;
    });
  };
}
