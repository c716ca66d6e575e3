import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Passwords and token secrets are stored as `scrypt$<N>$<r>$<p>$<salt b64>$<key b64>`: a slow,
// salted, memory-hard hash, so a stolen database does not give away credentials. The cost travels
// with each hash, so raising it later still verifies old hashes.
const COST = { N: 16_384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// N * r * 128 bytes (16 MiB at the cost above); Node refuses anything over maxmem.
const MAX_MEM = 64 * 1024 * 1024;

function derive(secret: string, salt: Buffer, cost: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LENGTH, { ...cost, maxmem: MAX_MEM }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** A new salted scrypt hash of `secret`. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(secret, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `secret` matches `stored`, compared in constant time; a malformed hash never matches. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await derive(secret, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}

/**
 * A fast digest for high-entropy random values (session ids) and for cache keys. Never used for
 * passwords: a guessable input needs the slow hash above.
 */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** A random identifier of `bytes` bytes, base64url. */
export function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
