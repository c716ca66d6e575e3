// Slows down password guessing. Each failed check counts against the user name and against the
// client address; past a limit, further checks for that name or from that address are refused
// for a while (429) without verifying anything. The same wrong password sent again does not count
// again (a retrying client is not a guesser), so a guesser is limited by distinct guesses.
// Memory is bounded: at most MAX_KEYS tracked names and addresses, the oldest dropped first.

export interface LimiterOptions {
  /** Distinct failed guesses per user name within the window before it is locked. */
  perUser?: number;
  /** Distinct failed guesses per address within the window before it is locked. */
  perAddress?: number;
  windowMs?: number;
  /** How long a lock lasts. */
  lockMs?: number;
  now?: () => number;
}

const MAX_KEYS = 10_000;
/** Guesses remembered per key: enough to tell repeats from new guesses up to the limits. */
const MAX_GUESSES = 64;

interface Entry {
  windowStart: number;
  guesses: Set<string>;
  lockedUntil: number;
}

export class SignInLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly perUser: number;
  private readonly perAddress: number;
  private readonly windowMs: number;
  private readonly lockMs: number;
  private readonly now: () => number;

  constructor(options: LimiterOptions = {}) {
    this.perUser = options.perUser ?? 10;
    this.perAddress = options.perAddress ?? 100;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.lockMs = options.lockMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until a check for this name from this address may run again; 0 when it may now. */
  retryAfterMs(username: string, address: string): number {
    const t = this.now();
    const wait = (key: string) => Math.max(0, (this.entries.get(key)?.lockedUntil ?? 0) - t);
    return Math.max(wait(`u:${username}`), wait(`a:${address}`));
  }

  /** Records a failed check; `guess` is a digest of the attempted secret. */
  recordFailure(username: string, address: string, guess: string): void {
    this.bump(`u:${username}`, guess, this.perUser);
    this.bump(`a:${address}`, `${username}\n${guess}`, this.perAddress);
  }

  private bump(key: string, guess: string, limit: number): void {
    const t = this.now();
    let entry = this.entries.get(key);
    if (!entry || t - entry.windowStart > this.windowMs) {
      entry = { windowStart: t, guesses: new Set(), lockedUntil: entry?.lockedUntil ?? 0 };
    }
    // Re-inserting keeps Map order = least recently touched first, for eviction.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (entry.guesses.size < MAX_GUESSES) entry.guesses.add(guess);
    if (entry.guesses.size >= limit) {
      entry.lockedUntil = t + this.lockMs;
      entry.guesses.clear();
      entry.windowStart = t;
    }
    while (this.entries.size > MAX_KEYS) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Tracked keys (for tests of the memory bound). */
  get size(): number {
    return this.entries.size;
  }
}
