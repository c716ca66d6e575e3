import type { Millis } from './model.ts';

/** A protobuf Duration string ("0.532s", "2s") in ms; null when absent or malformed. */
export function parseWireDuration(text: string | undefined): Millis | null {
  if (!text) return null;
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(text.trim());
  return match ? Number(match[1]) * 1000 : null;
}
