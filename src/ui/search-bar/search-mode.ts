// What the bar is doing with its text, said next to it: a filter, a text search (and for what),
// or opening a trace. Input that reads as a comparison is always a filter (interpretInput).
import { parseFilter } from '../../core/filter/index.ts';
import type { Interpretation } from './interpret-input.ts';

export interface SearchMode {
  kind: 'filter' | 'text' | 'trace';
  label: string;
}

/** The searched text of a filter that is exactly one content search (`span.content ILIKE '%x%'`). */
function searchedText(filter: string): string | null {
  const { ast, diagnostics } = parseFilter(filter);
  if (diagnostics.length > 0 || ast?.type !== 'comparison') return null;
  const ref = ast.field.ref;
  if (ref?.kind !== 'span' || ref.key !== 'content' || ast.op?.op !== 'ILIKE' || ast.value?.type !== 'string')
    return null;
  const match = /^%(.+)%$/.exec(ast.value.value);
  return match ? match[1] : null;
}

export function searchMode(interpretation: Interpretation, draft: string): SearchMode | null {
  const text = draft.trim();
  if (text === '') return null;
  if (interpretation.kind === 'trace') return { kind: 'trace', label: 'Trace id' };
  if (interpretation.kind === 'text')
    return { kind: 'text', label: `Searching text for “${text.replace(/\s+/g, ' ')}”` };
  const searched = interpretation.kind === 'filter' ? searchedText(interpretation.text) : null;
  if (searched !== null) return { kind: 'text', label: `Searching text for “${searched}”` };
  return { kind: 'filter', label: 'Filter' };
}
