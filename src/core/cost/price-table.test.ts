import { describe, expect, it } from 'vitest';
import { costOf, DEFAULT_PRICE_TABLE, priceOf, withOverride } from './price-table.ts';

describe('priceOf', () => {
  it.each([
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['openai/gpt-4.1-mini', 'gpt-4.1-mini'],
    ['GPT-4', 'gpt-4'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['models/gemini-2.5-flash-lite', 'gemini-2.5-flash-lite'],
    ['o3-mini', 'o3-mini'],
    ['o3', 'o3'],
    ['mistral-large-latest', 'mistral-large'],
  ])('%s is priced as %s', (model, key) => {
    expect(priceOf(model, DEFAULT_PRICE_TABLE)).toBe(DEFAULT_PRICE_TABLE[key]);
  });

  it.each(['gpt-4oo', 'o30', 'llama-3', ''])('%s is unknown', (model) => {
    expect(priceOf(model, DEFAULT_PRICE_TABLE)).toBeUndefined();
  });
});

describe('costOf', () => {
  it('prices input and output tokens per million', () => {
    expect(
      costOf('gpt-4o', { input_tokens: 1000, output_tokens: 500, total_tokens: 1500 }, DEFAULT_PRICE_TABLE),
    ).toEqual({ input_cost: 0.0025, output_cost: 0.005, total_cost: 0.0075 });
    expect(costOf('gpt-4o', { output_tokens: 2 }, DEFAULT_PRICE_TABLE)).toEqual({
      input_cost: 0,
      output_cost: 0.00002,
      total_cost: 0.00002,
    });
  });

  it('gives nothing without a known model or token counts', () => {
    expect(costOf('unknown', { input_tokens: 10 }, DEFAULT_PRICE_TABLE)).toBeUndefined();
    expect(costOf('gpt-4o', { total_tokens: 10 }, DEFAULT_PRICE_TABLE)).toBeUndefined();
  });
});

describe('withOverride', () => {
  it('lays valid entries over the default and reports the rest', () => {
    const { table, errors } = withOverride(
      JSON.stringify({
        'gpt-4o': { input: 1, output: 1 },
        mine: { input: 0, output: 3 },
        bad: { input: -1, output: 1 },
      }),
    );
    expect(table['gpt-4o']).toEqual({ input: 1, output: 1 });
    expect(table.mine).toEqual({ input: 0, output: 3 });
    expect(table['gpt-4o-mini']).toBe(DEFAULT_PRICE_TABLE['gpt-4o-mini']);
    expect(errors).toEqual(['bad']);
  });

  it.each([
    ['{', ['not JSON']],
    ['[1]', ['not a JSON object']],
    ['', []],
  ])('keeps the default for %j', (text, errors) => {
    expect(withOverride(text)).toEqual({ table: DEFAULT_PRICE_TABLE, errors });
  });
});
