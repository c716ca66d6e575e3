import { describe, expect, it } from 'vitest';
import { DemoUsageError, parseDemoArgs } from './demo-args.ts';

describe('parseDemoArgs', () => {
  it.each([
    [[], { serverArgs: [], traces: 3000, seed: 42 }],
    [['--port', '5001', '--traces', '10000'], { serverArgs: ['--port', '5001'], traces: 10000, seed: 42 }],
    [['--traces=0', '--seed=7', '--host', '0.0.0.0'], { serverArgs: ['--host', '0.0.0.0'], traces: 0, seed: 7 }],
  ])('%j', (argv, expected) => {
    expect(parseDemoArgs(argv)).toEqual(expected);
  });

  it.each([[['--traces']], [['--traces', 'many']], [['--traces', '-1']], [['--seed', '1.5']]])('rejects %j', (argv) => {
    expect(() => parseDemoArgs(argv)).toThrow(DemoUsageError);
  });
});
