// Builds the span tree of one trace from MLflow span dicts (docs/mlflow-contract.md §2.3a), for traces
// of any size: one pass to index ids, one sort by start time, one iterative DFS, pausable between spans
// (spanTreeSteps) so a UI can build 100,000 spans in slices. No recursion
// (a 30,000-deep chain must not overflow the stack) and no per-span JSON parsing except the
// span type, so a 30k-span trace builds in tens of milliseconds. Attribute values stay as the
// JSON-encoded strings the server sent; `parseAttributes` decodes them for the one selected span.
import type { SpanDict } from './model.ts';

export type SpanStatus = 'OK' | 'ERROR' | 'UNSET';

export interface SpanNode {
  /** Position in `SpanTree.nodes` (pre-order of the tree). */
  index: number;
  /** Unique key: the span id, suffixed when a trace carries a duplicate id. */
  key: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  type: string;
  status: SpanStatus;
  statusMessage: string;
  /** Offset from the trace's earliest span start, in ms. */
  startMs: number;
  /** null when the span never ended. */
  durationMs: number | null;
  depth: number;
  /** Index of the parent node, -1 for roots. */
  parent: number;
  children: number[];
  /** 'orphan': the parent id is not in the trace; 'cycle': promoted to a root to break a parent cycle. */
  anomaly?: 'orphan' | 'cycle';
  raw: SpanDict;
}

export interface SpanTree {
  nodes: SpanNode[];
  roots: number[];
  /** Earliest start (ms since epoch, approximate: nanos exceed 2^53). */
  startEpochMs: number;
  /** From the earliest start to the latest end, in ms (at least 1e-6 to avoid dividing by zero). */
  totalMs: number;
  errorCount: number;
}

/** Older encodings that `Span.from_dict` also reads (3.5.0 hex ids, the v2 schema). */
interface LegacySpanFields {
  context?: { trace_id?: string; span_id?: string };
  parent_id?: string | null;
  start_time?: number | string;
  end_time?: number | string | null;
  status_code?: string;
  status_message?: string;
}

const toNumber = (value: unknown): number | null => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};

function statusOf(span: SpanDict & LegacySpanFields): { status: SpanStatus; message: string } {
  const code = String(span.status?.code ?? span.status_code ?? '');
  const message = String(span.status?.message ?? span.status_message ?? '');
  if (code === 'STATUS_CODE_ERROR' || code === 'ERROR') return { status: 'ERROR', message };
  if (code === 'STATUS_CODE_OK' || code === 'OK') return { status: 'OK', message };
  return { status: 'UNSET', message };
}

/** Decodes one JSON-encoded attribute value; values that are not JSON are kept as text. */
export function decodeAttribute(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** All attributes of a span with their values JSON-decoded. Keys are untrusted text. */
export function parseAttributes(span: SpanDict): [string, unknown][] {
  const attributes = span.attributes && typeof span.attributes === 'object' ? span.attributes : {};
  return Object.entries(attributes).map(([key, value]) => [key, decodeAttribute(value)]);
}

function spanTypeOf(span: SpanDict): string {
  const raw = span.attributes?.['mlflow.spanType'];
  const decoded = decodeAttribute(raw);
  return typeof decoded === 'string' && decoded ? decoded : 'UNKNOWN';
}

/** Spans handled between two pauses of `spanTreeSteps`. */
const STEP = 2_000;

interface Timed {
  startNs: number;
}

const byStart = (a: Timed, b: Timed) => a.startNs - b.startNs;

/**
 * A stable sort by start time in pausable steps: blocks sorted one at a time, then merged pairwise (a
 * single sort of 100,000 spans is one uninterruptible task). Ties keep input order, as Array#sort does.
 */
function* sortedByStart<T extends Timed>(items: T[]): Generator<void, T[]> {
  let runs: T[][] = [];
  for (let i = 0; i < items.length; i += STEP) {
    runs.push(items.slice(i, i + STEP).sort(byStart));
    yield;
  }
  while (runs.length > 1) {
    const merged: T[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r];
      const b = runs[r + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      const out: T[] = [];
      let i = 0;
      let j = 0;
      while (i < a.length && j < b.length) {
        out.push(b[j].startNs < a[i].startNs ? b[j++] : a[i++]);
        if (out.length % STEP === 0) yield;
      }
      while (i < a.length) out.push(a[i++]);
      while (j < b.length) out.push(b[j++]);
      merged.push(out);
    }
    runs = merged;
  }
  return runs[0] ?? [];
}

export function buildSpanTree(input: readonly unknown[]): SpanTree {
  const steps = spanTreeSteps(input);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * buildSpanTree as steps: the generator pauses every few thousand spans, so a caller on a UI thread
 * can run a 100,000-span build in slices between input events instead of one long task.
 */
export function* spanTreeSteps(input: readonly unknown[]): Generator<void, SpanTree> {
  // 1. Normalise each span to ids, times and status (tolerating every documented encoding).
  interface Prepared extends Timed {
    span: SpanDict;
    id: string;
    parentId: string | null;
    startNs: number;
    endNs: number | null;
  }
  const unsorted: Prepared[] = [];
  for (let n = 0; n < input.length; n++) {
    if (n % STEP === STEP - 1) yield;
    const item = input[n];
    if (!item || typeof item !== 'object') continue;
    const span = item as SpanDict & LegacySpanFields;
    const id = String(span.span_id ?? span.context?.span_id ?? '');
    const parentRaw = span.parent_span_id ?? span.parent_id ?? null;
    const parentId = parentRaw == null || parentRaw === '' ? null : String(parentRaw);
    const startNs = toNumber(span.start_time_unix_nano ?? span.start_time) ?? 0;
    const endNs = toNumber(span.end_time_unix_nano ?? span.end_time);
    unsorted.push({ span, id, parentId, startNs, endNs });
  }
  // Children come out in start order because the whole list is sorted once up front.
  const prepared = yield* sortedByStart(unsorted);

  let minStart = Infinity;
  let maxEnd = -Infinity;
  for (const p of prepared) {
    if (p.startNs < minStart) minStart = p.startNs;
    const end = p.endNs ?? p.startNs;
    if (end > maxEnd) maxEnd = end;
  }
  if (!Number.isFinite(minStart)) minStart = 0;
  if (!Number.isFinite(maxEnd)) maxEnd = minStart;

  // 2. Index ids; a duplicate id keeps the first span as the parent target.
  const byId = new Map<string, number>();
  const keys: string[] = [];
  for (let i = 0; i < prepared.length; i++) {
    if (i % STEP === STEP - 1) yield;
    const p = prepared[i];
    let key = p.id || `#${i}`;
    if (byId.has(key)) key = `${key}#${i}`;
    else byId.set(p.id, i);
    keys.push(key);
  }

  // 3. Parent links and child lists in prepared order.
  const parentOf = new Int32Array(prepared.length).fill(-1);
  const childLists: number[][] = prepared.map(() => []);
  const orphan = new Uint8Array(prepared.length);
  for (let i = 0; i < prepared.length; i++) {
    if (i % STEP === STEP - 1) yield;
    const p = prepared[i];
    if (p.parentId === null) continue;
    const parent = byId.get(p.parentId);
    if (parent === undefined || parent === i) {
      orphan[i] = 1;
      continue;
    }
    parentOf[i] = parent;
    childLists[parent].push(i);
  }

  // 4. Iterative pre-order DFS from the roots; anything left unvisited sits on a parent cycle
  //    and is promoted to a root, which breaks the cycle at that span.
  const nodes: SpanNode[] = [];
  const roots: number[] = [];
  const newIndex = new Int32Array(prepared.length).fill(-1);
  let errorCount = 0;
  function* visit(start: number, anomaly: SpanNode['anomaly']): Generator<void> {
    const stack: [number, number][] = [[start, -1]];
    while (stack.length > 0) {
      const [i, parentNew] = stack.pop()!;
      if (newIndex[i] !== -1) continue;
      if (nodes.length % STEP === STEP - 1) yield;
      const p = prepared[i];
      const { status, message } = statusOf(p.span);
      if (status === 'ERROR') errorCount++;
      const index = nodes.length;
      newIndex[i] = index;
      const node: SpanNode = {
        index,
        key: keys[i],
        spanId: p.id,
        parentSpanId: p.parentId,
        name: typeof p.span.name === 'string' ? p.span.name : String(p.span.name ?? ''),
        type: spanTypeOf(p.span),
        status,
        statusMessage: message,
        startMs: (p.startNs - minStart) / 1e6,
        durationMs: p.endNs === null ? null : Math.max(0, (p.endNs - p.startNs) / 1e6),
        depth: parentNew === -1 ? 0 : nodes[parentNew].depth + 1,
        parent: parentNew,
        children: [],
        raw: p.span,
      };
      if (parentNew === -1) {
        // Only the starting span of a visit has no parent here.
        roots.push(index);
        if (anomaly) node.anomaly = anomaly;
      } else nodes[parentNew].children.push(index);
      nodes.push(node);
      const kids = childLists[i];
      for (let k = kids.length - 1; k >= 0; k--) if (newIndex[kids[k]] === -1) stack.push([kids[k], index]);
    }
  }
  for (let i = 0; i < prepared.length; i++) if (parentOf[i] === -1) yield* visit(i, orphan[i] ? 'orphan' : undefined);
  for (let i = 0; i < prepared.length; i++) if (newIndex[i] === -1) yield* visit(i, 'cycle');
  // Cycle roots come after the real roots: they are anomalies, listed last.

  return { nodes, roots, startEpochMs: minStart / 1e6, totalMs: Math.max((maxEnd - minStart) / 1e6, 1e-6), errorCount };
}

/**
 * The rows to show, in pre-order: every node whose ancestors are all expanded. Nodes in
 * `collapsed` keep their own row but hide their subtree.
 */
export function visibleRows(tree: SpanTree, collapsed: ReadonlySet<number>): number[] {
  const rows: number[] = [];
  const stack: number[] = [];
  for (let r = tree.roots.length - 1; r >= 0; r--) stack.push(tree.roots[r]);
  while (stack.length > 0) {
    const i = stack.pop()!;
    rows.push(i);
    if (collapsed.has(i)) continue;
    const kids = tree.nodes[i].children;
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
  }
  return rows;
}

export interface SpanSearchResult {
  /** Matching nodes, in pre-order. */
  matches: number[];
  /** Matches plus their ancestors, in pre-order: the rows to show while searching. */
  rows: number[];
}

/** Case-insensitive search over span names, types and ids. Nodes are in pre-order, so one pass suffices. */
export function searchSpans(tree: SpanTree, query: string): SpanSearchResult {
  const needle = query.trim().toLowerCase();
  if (!needle) return { matches: [], rows: [] };
  const keep = new Uint8Array(tree.nodes.length);
  const matches: number[] = [];
  for (const node of tree.nodes) {
    if (
      node.name.toLowerCase().includes(needle) ||
      node.type.toLowerCase().includes(needle) ||
      node.spanId.toLowerCase() === needle
    ) {
      matches.push(node.index);
      // Walk up until an ancestor is already kept: each node is marked once, so O(n) overall.
      for (let i = node.index; i !== -1 && !keep[i]; i = tree.nodes[i].parent) keep[i] = 1;
    }
  }
  const rows: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) rows.push(i);
  return { matches, rows };
}

/** Index of each node's ancestors, root first (to expand the path to a search hit). */
export function ancestorsOf(tree: SpanTree, index: number): number[] {
  const path: number[] = [];
  for (let i = tree.nodes[index]?.parent ?? -1; i !== -1; i = tree.nodes[i].parent) path.push(i);
  return path.reverse();
}
