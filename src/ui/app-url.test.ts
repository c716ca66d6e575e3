import { describe, expect, it } from 'vitest';
import { pageHref, parseRoute, queueHref, traceHref } from './app-url.ts';

describe('parseRoute', () => {
  it.each([
    ['/', { page: 'traces', experimentId: '0' }],
    ['/traces?experiment=7', { page: 'traces', experimentId: '7' }],
    ['/compare?experiment=3&q=x', { page: 'compare', experimentId: '3' }],
    ['/traces/tr-abc?experiment=2', { page: 'trace', experimentId: '2', traceId: 'tr-abc' }],
    ['/queues?experiment=4', { page: 'queues', experimentId: '4' }],
    ['/queues/12?experiment=4', { page: 'queue', experimentId: '4', queueId: '12' }],
    ['/queues/abc?experiment=4', { page: 'not-found', experimentId: '4', path: '/queues/abc' }],
    ['/nope', { page: 'not-found', experimentId: '0', path: '/nope' }],
  ])('%s', (href, expected) => {
    expect(parseRoute(href)).toEqual(expected);
  });

  it('round-trips links it builds', () => {
    expect(parseRoute(traceHref('tr-1/2', '5'))).toEqual({ page: 'trace', experimentId: '5', traceId: 'tr-1/2' });
    expect(parseRoute(pageHref('compare', '9'))).toEqual({ page: 'compare', experimentId: '9' });
    expect(parseRoute(queueHref('31', '9'))).toEqual({ page: 'queue', experimentId: '9', queueId: '31' });
  });
});
