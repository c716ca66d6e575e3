import { describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS } from '../traces/column-state.ts';
import { parseTracesView, tracesHref } from '../traces/traces-url.ts';
import { captureViewBody, sameViewBody, savedViewHref } from './saved-view-url.ts';

const search = (href: string) => new URL(href, 'http://x').searchParams;

describe('saved view links', () => {
  it('captures every view parameter of the tab, and not the experiment, trace or span', () => {
    const href =
      '/traces?experiment=3&q=status+%3D+%27ERROR%27&range=24h&group=tag%3Ateam&gorder=recent&sort=tag%3Acustomer%3Aasc&cols=id%2Cname%2Ctag%253Acustomer&widths=name%3A200&trace=tr-1&span=ab&saved=sv-1';
    expect(captureViewBody(search(href), 'traces', DEFAULT_COLUMNS)).toEqual({
      version: 1,
      tab: 'traces',
      params: {
        q: "status = 'ERROR'",
        range: '24h',
        group: 'tag:team',
        gorder: 'recent',
        sort: 'tag:customer:asc',
        cols: 'id,name,tag%3Acustomer',
        widths: 'name:200',
      },
    });
  });

  it("writes the table's columns when the address names none, so the view reproduces the table", () => {
    const body = captureViewBody(search('/traces?experiment=3'), 'traces', {
      visible: ['id', 'status'],
      widths: { status: 90 },
    });
    expect(body.params).toEqual({ cols: 'id,status', widths: 'status:90' });
  });

  it("keeps Compare's parameters on Compare and drops the Traces tab's", () => {
    const body = captureViewBody(
      search('/compare?experiment=3&q=a&key=metadata.v&highlight=v2&group=user'),
      'compare',
      DEFAULT_COLUMNS,
    );
    expect(body).toEqual({ version: 1, tab: 'compare', params: { q: 'a', key: 'metadata.v', highlight: 'v2' } });
  });

  it('opens a view as a link carrying every parameter and its id, which captures back to the same body', () => {
    const body = {
      version: 1 as const,
      tab: 'traces' as const,
      params: { q: "tag.x = 'a, b'", group: 'version', sort: 'metadata:app.tier:desc', cols: 'id,status' },
    };
    const href = savedViewHref({ view_id: 'sv-9', experiment_id: '4', body });
    const view = parseTracesView(href);
    expect(view).toMatchObject({
      experimentId: '4',
      saved: 'sv-9',
      filter: "tag.x = 'a, b'",
      group: { kind: 'version' },
      sort: { column: 'metadata:app.tier', desc: true },
      columns: { visible: ['id', 'status'], widths: {} },
    });
    expect(sameViewBody(captureViewBody(search(href), 'traces', DEFAULT_COLUMNS), body)).toBe(true);
    // The Traces page rewrites the link in its own canonical form; still the same view.
    expect(sameViewBody(captureViewBody(search(tracesHref(view)), 'traces', DEFAULT_COLUMNS), body)).toBe(true);
  });

  it('calls a view modified when any parameter or the tab differs', () => {
    const body = { version: 1 as const, tab: 'traces' as const, params: { q: 'a' } };
    expect(sameViewBody(body, { ...body, params: { q: 'a', range: '' } })).toBe(true);
    expect(sameViewBody(body, { ...body, params: { q: 'b' } })).toBe(false);
    expect(sameViewBody(body, { ...body, params: { q: 'a', group: 'user' } })).toBe(false);
    expect(sameViewBody(body, { ...body, tab: 'compare' })).toBe(false);
  });
});
