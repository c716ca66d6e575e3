// Span ids arrive base64 (span dict, §2.3a) or hex (3.5.0 dicts). People compare them with
// OTel tooling, which shows hex, so the explorer displays hex.
const HEX = /^[0-9a-f]+$/i;

export function spanIdToHex(id: string): string {
  if (HEX.test(id) && (id.length === 16 || id.length === 32)) return id.toLowerCase();
  try {
    const binary = atob(id);
    let out = '';
    for (let i = 0; i < binary.length; i++) out += binary.charCodeAt(i).toString(16).padStart(2, '0');
    return out || id;
  } catch {
    return id;
  }
}
