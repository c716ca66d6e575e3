// Links built from trace data (git repo URLs, URLs in metadata) must never become
// `javascript:` or `data:` links: only absolute http(s) URLs are linkable.
export function safeHttpUrl(text: string): string | null {
  const trimmed = text.trim();
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
