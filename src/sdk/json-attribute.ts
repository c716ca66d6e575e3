// MLflow stores every span attribute as JSON text (docs/mlflow-contract.md §2.3a) and its readers
// JSON.parse each value, so the SDK encodes attribute values the way the Python SDK does.

/** JSON-encodes a value for a span attribute; never throws (cycles, bigints, functions are tolerated). */
export function toAttributeValue(value: unknown): string {
  // Fast path for plain data (the common case): a replacer function costs a call per nested value.
  if (!(value instanceof Error || value instanceof Map || value instanceof Set)) {
    try {
      return JSON.stringify(value) ?? 'null';
    } catch {
      // Cycles or bigints: take the tolerant path below.
    }
  }
  try {
    const seen = new WeakSet<object>();
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'function') return `<function ${(v as { name?: string }).name || 'anonymous'}>`;
      if (v instanceof Error) return { name: v.name, message: v.message };
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '<circular>';
        seen.add(v);
      }
      return v;
    });
    // JSON.stringify(undefined) is undefined; MLflow writes null for "no value".
    return text ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
}

/** Reads back a JSON-encoded attribute; plain strings that are not JSON come back as themselves. */
export function fromAttributeValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
