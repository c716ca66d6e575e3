export interface DemoArgs {
  /** Flags left for the server (--host, --port, --backend-store-uri, ...). */
  serverArgs: string[];
  traces: number;
  seed: number;
}

export class DemoUsageError extends Error {}

/** Takes the demo's own flags (`--traces N`, `--seed N`) out of argv; the rest belongs to the server. */
export function parseDemoArgs(argv: string[]): DemoArgs {
  const serverArgs: string[] = [];
  const own: Record<'traces' | 'seed', number> = { traces: 3000, seed: 42 };
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(traces|seed)(?:=(.*))?$/.exec(argv[i]);
    if (!match) {
      serverArgs.push(argv[i]);
      continue;
    }
    const name = match[1] as 'traces' | 'seed';
    const raw = match[2] ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < (name === 'traces' ? 0 : -2147483648)) {
      throw new DemoUsageError(`--${name} needs a whole number${name === 'traces' ? ' ≥ 0' : ''}, got '${raw ?? ''}'.`);
    }
    own[name] = value;
  }
  return { serverArgs, ...own };
}
