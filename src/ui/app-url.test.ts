import { describe, expect, it } from 'vitest';
import { pageHref, parseRoute, traceHref } from './app-url.ts';

describe('parseRoute', () => {
  it.each([
    ['/', { page: 'traces', experimentId: '0' }],
    ['/traces?experiment=7', { page: 'traces', experimentId: '7' }],
    ['/compare?experiment=3&q=x', { page: 'compare', experimentId: '3' }],
    ['/traces/tr-abc?experiment=2', { page: 'trace', experimentId: '2', traceId: 'tr-abc' }],
    ['/nope', { page: 'not-found', experimentId: '0', path: '/nope' }],
  ])('%s', (href, expected) => {
    expect(parseRoute(href)).toEqual(expected);
  });

  it('round-trips links it builds', () => {
    expect(parseRoute(traceHref('tr-1/2', '5'))).toEqual({ page: 'trace', experimentId: '5', traceId: 'tr-1/2' });
    expect(parseRoute(pageHref('compare', '9'))).toEqual({ page: 'compare', experimentId: '9' });
  });
});
