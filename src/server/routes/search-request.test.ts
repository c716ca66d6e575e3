// Parse at the edge: what storage receives from a request's filter, order_by and experiment ids.
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../errors.ts';
import { parseExperimentIds, parseTraceFilter, parseTraceOrderBy } from './search-request.ts';

describe('parseExperimentIds', () => {
  it('keeps integers (white space and a sign allowed) and reports the rest', () => {
    expect(parseExperimentIds(['0', ' 12 ', '-1', '007', 'abc', '1.5', ''])).toEqual({
      ids: [0, 12, -1, 7],
      invalid: ['abc', '1.5', ''],
    });
  });
});

describe('parseTraceFilter', () => {
  it('returns a checked tree, or nothing for an empty filter', () => {
    expect(parseTraceFilter(undefined)).toBeUndefined();
    expect(parseTraceFilter('  ')).toBeUndefined();
    expect(parseTraceFilter("status = 'OK'")).toMatchObject({ type: 'comparison', field: { text: 'status' } });
  });

  it("refuses with MLflow's message as INVALID_PARAMETER_VALUE", () => {
    const attempt = () => parseTraceFilter('status');
    expect(attempt).toThrow(MlflowError);
    expect(attempt).toThrow(/Invalid clause\(s\) in filter string|Invalid filter/);
    expect(() => parseTraceFilter(`tag.a = '${'x'.repeat(9000)}'`)).toThrow(/too long/);
  });
});

describe('parseTraceOrderBy', () => {
  it('returns terms with the tie-breakers, nothing for the default, and refuses bad clauses', () => {
    expect(parseTraceOrderBy(undefined)).toBeUndefined();
    expect(
      parseTraceOrderBy(['tag.env DESC'])?.map(
        (t) => `${t.field.kind}:${'key' in t.field ? t.field.key : ''}:${t.ascending}`,
      ),
    ).toEqual(['tag:env:false', 'attribute:timestamp_ms:false', 'attribute:request_id:true']);
    expect(() => parseTraceOrderBy(['span.name'])).toThrow("Invalid identifier type 'span'");
  });
});
