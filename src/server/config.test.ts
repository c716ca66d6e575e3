import { describe, expect, it } from 'vitest';
import { parseServerArgs, UsageError } from './config.ts';
import { DEFAULT_HTTP_LIMITS } from './http-limits.ts';

describe('parseServerArgs: HTTP limits and the span cap', () => {
  it('defaults to the documented limits, no source maps and 100,000 spans per trace', () => {
    const config = parseServerArgs([], {});
    expect(config.limits).toEqual(DEFAULT_HTTP_LIMITS);
    expect(config.serveSourceMaps).toBe(false);
    expect(config.maxSpansPerTrace).toBe(100_000);
  });

  it('reads timeouts in seconds and counts as integers', () => {
    const config = parseServerArgs(
      [
        '--headers-timeout',
        '2.5',
        '--request-timeout',
        '40',
        '--keep-alive-timeout',
        '1',
        '--handler-timeout',
        '9',
        '--max-connections',
        '64',
        '--max-spans-per-trace',
        '500',
        '--serve-source-maps',
      ],
      {},
    );
    expect(config.limits).toEqual({
      headersTimeoutMs: 2500,
      requestTimeoutMs: 40_000,
      keepAliveTimeoutMs: 1000,
      handlerTimeoutMs: 9000,
      maxConnections: 64,
    });
    expect(config.maxSpansPerTrace).toBe(500);
    expect(config.serveSourceMaps).toBe(true);
  });

  it.each([
    [['--headers-timeout', '0'], '--headers-timeout must be a positive number of seconds.'],
    [['--request-timeout', 'soon'], '--request-timeout must be a positive number of seconds.'],
    [['--max-connections', '1.5'], '--max-connections must be a positive integer.'],
    [['--max-spans-per-trace', '0'], '--max-spans-per-trace must be a positive integer.'],
    [['--statement-timeout', '0'], '--statement-timeout must be a positive number of seconds.'],
    [['--shutdown-timeout', 'later'], '--shutdown-timeout must be a number of seconds (0 or more).'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseServerArgs(argv, {})).toThrow(UsageError);
    expect(() => parseServerArgs(argv, {})).toThrow(message);
  });

  it('caps PostgreSQL statements at the handler budget by default, or --statement-timeout seconds', () => {
    expect(parseServerArgs([], {}).statementTimeoutMs).toBe(DEFAULT_HTTP_LIMITS.handlerTimeoutMs);
    expect(parseServerArgs(['--statement-timeout', '5'], {}).statementTimeoutMs).toBe(5000);
  });

  it('drains for the handler budget by default, or --shutdown-timeout seconds', () => {
    expect(parseServerArgs([], {}).shutdownTimeoutMs).toBe(DEFAULT_HTTP_LIMITS.handlerTimeoutMs);
    expect(parseServerArgs(['--handler-timeout', '9'], {}).shutdownTimeoutMs).toBe(9000);
    expect(parseServerArgs(['--shutdown-timeout', '2.5'], {}).shutdownTimeoutMs).toBe(2500);
  });
});
