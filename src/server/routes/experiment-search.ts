// SearchExperiments' `filter` and `order_by` (docs/mlflow-contract.md §3.1), as MLflow's
// SearchExperimentsUtils and SqlAlchemyStore._search_experiments define them:
//   filter   := clause (AND clause)*            (AND in any case; nothing else joins clauses)
//   clause   := identifier comparator value
//   identifier := [attribute. | tag. | tags.] key   (split at the first dot; `key` or "key" quoting)
//   attributes: name (=, !=, LIKE, ILIKE; quoted value), creation_time and last_update_time
//               (=, !=, <, <=, >, >=; numeric value); tags: =, !=, LIKE, ILIKE (quoted value).
//   order_by := identifier [ASC|DESC], identifier one of name, experiment_id, creation_time, last_update_time.
// The parse is small and separate from src/core/filter (the trace grammar), which it does not share.
import { invalidParameter } from '../errors.ts';
import type { ExperimentClause, ExperimentOrder, ExperimentOrderKey } from '../storage/trace-store.ts';

const SEARCH_ATTRIBUTES = ['name', 'creation_time', 'last_update_time'] as const;
const ORDER_ATTRIBUTES: readonly ExperimentOrderKey[] = ['name', 'experiment_id', 'creation_time', 'last_update_time'];
const NUMERIC_ATTRIBUTES = new Set(['creation_time', 'last_update_time']);
const ENTITY_TYPES = ['attribute', 'tag', 'tags'];
const STRING_COMPARATORS = new Set(['=', '!=', 'LIKE', 'ILIKE']);
const NUMERIC_COMPARATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);
/** Same bound as trace filters: a filter is at most 8 KiB. */
export const MAX_EXPERIMENT_FILTER_LENGTH = 8 * 1024;

const pySet = (items: Iterable<string>) => `{${[...items].map((i) => `'${i}'`).join(', ')}}`;

/** An identifier: dot-separated words, each plain or `backtick`/"double"-quoted. */
function readIdentifier(text: string, at: number): { raw: string; end: number } | undefined {
  let i = at;
  for (;;) {
    const c = text[i];
    if (c === '`' || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return undefined;
      i = close + 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(text.slice(i, i + 256));
      if (!m) return undefined;
      i += m[0].length;
    }
    if (text[i] !== '.') break;
    i++;
  }
  return i > at ? { raw: text.slice(at, i), end: i } : undefined;
}

function unquote(key: string): string {
  if (key.length >= 2 && (key[0] === '`' || key[0] === '"' || key[0] === "'") && key[key.length - 1] === key[0])
    return key.slice(1, -1);
  return key;
}

/** `<entity>.<key>` or `<key>` → (kind, key), with MLflow's errors for unknown entities and attributes. */
function identifier(raw: string, attributes: readonly string[]): { kind: 'attribute' | 'tag'; key: string } {
  const dot = raw.indexOf('.');
  const entity = dot < 0 ? 'attribute' : raw.slice(0, dot);
  if (!ENTITY_TYPES.includes(entity)) {
    throw invalidParameter(`Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`);
  }
  const key = unquote(dot < 0 ? raw : raw.slice(dot + 1));
  const kind = entity === 'attribute' ? 'attribute' : 'tag';
  if (kind === 'attribute' && !attributes.includes(key)) {
    throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(attributes)}'`);
  }
  return { kind, key };
}

const COMPARATOR_RE = /^(?:!=|<>|==|<=|>=|=|<|>|NOT\s+IN\b|NOT\s+I?LIKE\b|IN\b|I?LIKE\b)/i;
const VALUE_RE = /^(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.])|(\([^)]*\))|([^\s)]+))/;

function clause(raw: string, comparatorText: string, value: RegExpExecArray): ExperimentClause {
  const { kind, key } = identifier(raw, SEARCH_ATTRIBUTES);
  const comparator = comparatorText.toUpperCase().replace(/\s+/g, ' ');
  const [text, single, double, number, list, bare] = value;
  const quoted = single ?? double;
  if (kind === 'attribute' && NUMERIC_ATTRIBUTES.has(key)) {
    if (!NUMERIC_COMPARATORS.has(comparator))
      throw invalidParameter(`Invalid comparator '${comparator}' not one of '${pySet(NUMERIC_COMPARATORS)}'`);
    if (number === undefined)
      throw invalidParameter(`Expected numeric value type for numeric attribute: ${key}. Found ${text}`);
    return {
      kind,
      key: key as 'creation_time' | 'last_update_time',
      comparator: comparator as '=',
      value: Number(number),
    };
  }
  if (!STRING_COMPARATORS.has(comparator)) {
    if (kind === 'tag') throw invalidParameter(`Invalid comparator for tag: ${comparator}`);
    if (comparator === 'IN' || comparator === 'NOT IN')
      throw invalidParameter(`Invalid comparator for string attribute: ${comparator}`);
    throw invalidParameter(
      `Invalid comparator '${comparator}' not one of '${pySet([...STRING_COMPARATORS, 'IN', 'NOT IN'])}'`,
    );
  }
  if (quoted === undefined) {
    if (bare !== undefined) {
      throw invalidParameter(
        `Parameter value is either not quoted or unidentified quote types used for string value ${bare}. Use either single or double quotes.`,
      );
    }
    throw invalidParameter(
      kind === 'tag'
        ? `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${number ?? list}`
        : `Expected a quoted string value for attributes. Got value ${number ?? list}`,
    );
  }
  const op = comparator as '=' | '!=' | 'LIKE' | 'ILIKE';
  return kind === 'tag'
    ? { kind, key, comparator: op, value: quoted }
    : { kind, key: 'name', comparator: op, value: quoted };
}

/** Parses a SearchExperiments filter; empty or absent matches everything. */
export function parseExperimentFilter(filter: string | undefined): ExperimentClause[] {
  if (!filter || filter.trim() === '') return [];
  if (filter.length > MAX_EXPERIMENT_FILTER_LENGTH)
    throw invalidParameter(`The filter is longer than ${MAX_EXPERIMENT_FILTER_LENGTH} characters.`);
  const invalid = (at: number) =>
    invalidParameter(`Invalid clause(s) in filter string: ${filter.slice(at).trim().slice(0, 200)}`);
  const clauses: ExperimentClause[] = [];
  let i = 0;
  const skip = () => {
    while (i < filter.length && /\s/.test(filter[i])) i++;
  };
  for (;;) {
    skip();
    if (i >= filter.length) break;
    // MLflow tolerates leading, trailing and repeated AND.
    const and = /^AND\b/i.exec(filter.slice(i, i + 4));
    if (and) {
      i += 3;
      continue;
    }
    const ident = readIdentifier(filter, i);
    if (!ident) throw invalid(i);
    i = ident.end;
    skip();
    const comparator = COMPARATOR_RE.exec(filter.slice(i, i + 16));
    if (!comparator) throw invalid(i);
    i += comparator[0].length;
    skip();
    const value = VALUE_RE.exec(filter.slice(i));
    if (!value) throw invalid(i);
    i += value[0].length;
    clauses.push(clause(ident.raw, comparator[0], value));
    skip();
    if (i < filter.length && !/^AND\b/i.test(filter.slice(i, i + 4))) throw invalid(i);
  }
  return clauses;
}

/** Parses order_by entries (`name`, `creation_time DESC`, …), dropping repeats of a key. */
export function parseExperimentOrderBy(orderBy: string[] | undefined): ExperimentOrder[] {
  const out: ExperimentOrder[] = [];
  for (const entry of orderBy ?? []) {
    const text = entry.trim();
    const ident = readIdentifier(text, 0);
    if (!ident) throw invalidParameter(`Invalid order_by clause '${entry}'. Could not be parsed.`);
    const rest = text.slice(ident.end).trim().split(/\s+/).filter(Boolean);
    if (rest.length > 1 || (ident.end < text.length && !/\s/.test(text[ident.end]))) {
      throw invalidParameter(`Invalid order_by clause '${entry}'. Could not be parsed.`);
    }
    if (rest.length === 1 && !/^(ASC|DESC)$/i.test(rest[0]))
      throw invalidParameter(`Invalid ordering key in order_by clause '${entry}'.`);
    const { kind, key } = identifier(ident.raw, ORDER_ATTRIBUTES);
    if (kind !== 'attribute') throw invalidParameter(`Invalid order_by entity: ${kind}`);
    // A key already ordered by decides nothing more (and SQL caps ORDER BY terms).
    if (out.some((o) => o.key === key)) continue;
    out.push({ key: key as ExperimentOrderKey, ascending: rest.length === 0 || rest[0].toUpperCase() === 'ASC' });
  }
  return out;
}
