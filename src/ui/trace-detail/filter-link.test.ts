import { describe, expect, it } from 'vitest';
import { filterHref } from './filter-link.ts';

const q = (filter: string) => encodeURIComponent(filter);
const params = (href: string) => {
  const url = new URL(href, 'http://x');
  return { path: url.pathname, search: Object.fromEntries(url.searchParams) };
};

describe('filterHref', () => {
  it.each([
    ['an empty filter becomes the clause', '/traces?experiment=7', { experiment: '7', q: "tag.team = 'search'" }],
    ['the root path is the traces page', '/', { experiment: '7', q: "tag.team = 'search'" }],
    [
      'ANDs onto the filter and keeps the range and the page state',
      `/traces?experiment=7&q=${q("status = 'OK'")}&range=24h&group=user&sort=latency:desc&trace=tr-1`,
      {
        experiment: '7',
        q: "status = 'OK' AND tag.team = 'search'",
        range: '24h',
        group: 'user',
        sort: 'latency:desc',
        trace: 'tr-1',
      },
    ],
    [
      'parenthesises a top-level OR',
      `/traces?experiment=7&q=${q("status = 'OK' OR status = 'ERROR'")}`,
      { experiment: '7', q: "(status = 'OK' OR status = 'ERROR') AND tag.team = 'search'" },
    ],
    [
      'keeps a custom window',
      `/traces?experiment=7&from=100&to=200`,
      { experiment: '7', q: "tag.team = 'search'", from: '100', to: '200' },
    ],
    [
      'does not add a clause that is already there',
      `/traces?experiment=7&q=${q("status = 'OK' AND tag.team = 'search'")}&range=7d`,
      { experiment: '7', q: "status = 'OK' AND tag.team = 'search'", range: '7d' },
    ],
    [
      'recognises the clause however it was spaced',
      `/traces?experiment=7&q=${q("tag.team='search'")}`,
      { experiment: '7', q: "tag.team = 'search'" },
    ],
    [
      'replaces another value of the same key instead of ANDing a contradiction',
      `/traces?experiment=7&q=${q("tag.team = 'ads' AND status = 'OK'")}`,
      { experiment: '7', q: "status = 'OK' AND tag.team = 'search'" },
    ],
    [
      'from the trace page keeps only the shared view',
      `/traces/tr-1?experiment=7&q=${q("status = 'ERROR'")}&range=7d&other=x`,
      { experiment: '7', q: "status = 'ERROR' AND tag.team = 'search'", range: '7d' },
    ],
  ])('%s', (_name, current, expected) => {
    const href = filterHref(current, '7', 'tag', 'team', 'search');
    expect(href).not.toBeNull();
    expect(params(href!)).toEqual({ path: '/traces', search: expected });
  });

  it('writes dotted metadata keys with backticks', () => {
    expect(params(filterHref('/traces?experiment=7', '7', 'metadata', 'mlflow.trace.user', 'u1')!).search.q).toBe(
      "metadata.`mlflow.trace.user` = 'u1'",
    );
  });

  it('links to the experiment of the panel', () => {
    expect(params(filterHref('/traces?experiment=3', '7', 'tag', 'team', 'search')!).search.experiment).toBe('7');
  });

  it('is null when the value cannot be written as a filter', () => {
    expect(filterHref('/traces?experiment=7', '7', 'tag', 'a`b', 'x')).toBeNull();
    expect(filterHref('/traces?experiment=7', '7', 'tag', 'team', `it's "quoted"`)).toBeNull();
  });
});
