// Parse at the edge: the parts of a search-like request (SearchTracesV3, QueryTraceMetrics' and
// the extensions' `filter`, order_by, experiment ids) become typed values here, with MLflow's
// messages, and storage receives only those: a checked filter tree, order-by terms, numeric ids.
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import { checkFilter } from '../../core/filter/check-filter.ts';
import { parseOrderBy, type OrderTerm } from '../../core/filter/parse-order-by.ts';
import { invalidParameter } from '../errors.ts';

const MAX_FILTER_LENGTH = 8 * 1024;

/** A search filter (extended dialect) checked, or undefined when it matches everything. */
export function parseTraceFilter(filter: string | undefined): CheckedFilter | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  if (filter.length > MAX_FILTER_LENGTH) {
    throw invalidParameter(
      `Filter string is too long (${filter.length} characters; the limit is ${MAX_FILTER_LENGTH}).`,
    );
  }
  const result = checkFilter(filter, 'extended');
  if (!result.ok) throw invalidParameter(result.diagnostic.message);
  return result.expr ?? undefined;
}

/** order_by terms with MLflow's tie-breakers appended, or undefined for MLflow's default order. */
export function parseTraceOrderBy(orderBy: string[] | undefined): OrderTerm[] | undefined {
  if (!orderBy || orderBy.length === 0) return undefined;
  const parsed = parseOrderBy(orderBy);
  if (!parsed.ok) throw invalidParameter(parsed.message);
  return parsed.terms;
}

/**
 * The one check of experiment ids: an optionally signed integer, white space around it allowed
 * (MLflow casts with int()). Each endpoint decides what an invalid id means, because MLflow's
 * messages differ: SearchTracesV3 names the locations, the extensions refuse, metrics match nothing.
 */
export function parseExperimentIds(ids: readonly string[]): { ids: number[]; invalid: string[] } {
  const valid: number[] = [];
  const invalid: string[] = [];
  for (const id of ids) {
    const trimmed = id.trim();
    if (/^-?\d+$/.test(trimmed)) valid.push(Number(trimmed));
    else invalid.push(id);
  }
  return { ids: valid, invalid };
}
