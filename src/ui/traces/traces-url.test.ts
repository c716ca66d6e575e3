import { describe, expect, it } from 'vitest';
import { groupIdentifier, orderByFor, parseTracesView, tracesHref, type TracesView } from './traces-url.ts';

const base: TracesView = {
  experimentId: '7',
  filter: '',
  range: { kind: 'all' },
  group: { kind: 'none' },
  groupOrder: 'count',
  sort: { column: 'start', desc: true },
  columns: null,
  trace: null,
  detail: { span: null, session: false },
};

describe('traces-url', () => {
  it.each<[string, Partial<TracesView>, string]>([
    ['defaults', {}, '/traces?experiment=7'],
    [
      'filter and range',
      { filter: "metadata.environment = 'prod'", range: { kind: 'last', preset: '24h' } },
      '/traces?experiment=7&q=metadata.environment+%3D+%27prod%27&range=24h',
    ],
    [
      'session grouping by recency',
      { group: { kind: 'session' }, groupOrder: 'recent' },
      '/traces?experiment=7&group=session&gorder=recent',
    ],
    ['tag grouping', { group: { kind: 'tag', key: 'team.name' } }, '/traces?experiment=7&group=tag%3Ateam.name'],
    ['sort', { sort: { column: 'latency', desc: false } }, '/traces?experiment=7&sort=latency%3Aasc'],
    [
      'sort by a tag column',
      { sort: { column: 'tag:team, a', desc: true } },
      '/traces?experiment=7&sort=tag%3Ateam%2C+a%3Adesc',
    ],
    [
      'columns and widths, with key columns',
      {
        columns: {
          visible: ['id', 'name', 'status', 'tag:customer', 'metadata:a,b:c'],
          widths: { name: 200, 'metadata:a,b:c': 90 },
        },
      },
      '/traces?experiment=7&cols=id%2Cname%2Cstatus%2Ctag%253Acustomer%2Cmetadata%253Aa%252Cb%253Ac&widths=metadata%253Aa%252Cb%253Ac%3A90%2Cname%3A200',
    ],
    ['open trace', { trace: 'tr-abc' }, '/traces?experiment=7&trace=tr-abc'],
    [
      'open trace on a span',
      { trace: 'tr-abc', detail: { span: '00aa11bb22cc33dd', session: false } },
      '/traces?experiment=7&trace=tr-abc&span=00aa11bb22cc33dd',
    ],
    [
      'open trace in its session view',
      { trace: 'tr-abc', detail: { span: null, session: true } },
      '/traces?experiment=7&trace=tr-abc&view=session',
    ],
  ])('round-trips %s', (_name, patch, href) => {
    const view = { ...base, ...patch };
    expect(tracesHref(view)).toBe(href);
    expect(parseTracesView(href)).toEqual(view);
  });

  it.each([
    ['sort=bogus:asc', base.sort],
    ['sort=latency:sideways', base.sort],
  ])('ignores a malformed %s', (query, sort) => {
    expect(parseTracesView(`/traces?experiment=7&${query}`).sort).toEqual(sort);
  });

  it('reads columns leniently: unknown ids and bad widths dropped, built-ins put in table order', () => {
    expect(
      parseTracesView('/traces?experiment=7&cols=status,bogus,name,tag%253Ax&widths=name:5,status:80,x:1').columns,
    ).toEqual({ visible: ['id', 'name', 'status', 'tag:x'], widths: { status: 80 } });
    expect(parseTracesView('/traces?experiment=7').columns).toBeNull();
  });

  it('orders by a tag or metadata column', () => {
    expect(orderByFor({ column: 'metadata:a.b', desc: false }, 'fb')).toEqual([
      'metadata.`a.b` ASC',
      'timestamp_ms DESC',
      'request_id ASC',
    ]);
    expect(orderByFor({ column: 'tag:team', desc: true }, 'fb')[0]).toBe('tag.team DESC');
  });

  it('orders with tie-breakers and quotes dotted keys', () => {
    expect(orderByFor({ column: 'user', desc: true }, 'fb')).toEqual([
      'metadata.`mlflow.trace.user` DESC',
      'timestamp_ms DESC',
      'request_id ASC',
    ]);
    expect(orderByFor({ column: 'start', desc: false }, 'fb')).toEqual(['timestamp_ms ASC', 'request_id ASC']);
  });

  it("orders the feedback column by the person's feedback name (quoted when dotted), and reads it from the URL", () => {
    expect(orderByFor({ column: 'feedback', desc: true }, 'user_satisfaction')[0]).toBe(
      'feedback.user_satisfaction DESC',
    );
    expect(orderByFor({ column: 'feedback', desc: false }, 'a.b')[0]).toBe('feedback.`a.b` ASC');
    expect(parseTracesView('/traces?experiment=7&sort=feedback:desc').sort).toEqual({ column: 'feedback', desc: true });
  });

  it.each<[TracesView['group'], string | null]>([
    [{ kind: 'none' }, null],
    [{ kind: 'session' }, 'metadata.`mlflow.trace.session`'],
    [{ kind: 'version' }, 'metadata.app_version'],
    [{ kind: 'tag', key: 'team' }, 'tag.team'],
    [{ kind: 'metadata', key: 'a.b' }, 'metadata.`a.b`'],
  ])('group identifier for %j', (group, identifier) => {
    expect(groupIdentifier(group)).toBe(identifier);
  });

  it('drops a span or session view without an open trace', () => {
    expect(parseTracesView('/traces?experiment=7&span=x&view=session').detail).toEqual({ span: null, session: false });
  });
});
