import type { KeysResponse } from '../../core/model.ts';

// A "version key" is the tag or metadata key whose values split traces into the groups being
// compared: app_version by default, but environment, region or a flag work the same way.
export interface VersionKey {
  kind: 'metadata' | 'tag';
  key: string;
}

export const DEFAULT_VERSION_KEY = 'app_version';

/** `metadata.app_version` → {kind, key}; splits at the first dot like the filter grammar. */
export function parseVersionKey(dimension: string): VersionKey | undefined {
  const dot = dimension.indexOf('.');
  const kind = dimension.slice(0, dot);
  const key = dimension.slice(dot + 1);
  if ((kind !== 'metadata' && kind !== 'tag') || !key) return undefined;
  return { kind, key };
}

/** The metrics-endpoint dimension for a key, e.g. `tag.environment`. */
export const dimensionOf = (versionKey: VersionKey): string => `${versionKey.kind}.${versionKey.key}`;

/**
 * `metadata.app_version` unless the catalog knows no such metadata but has the tag, then
 * `tag.app_version`. While the catalog is loading we assume metadata, the SDK's convention.
 */
export function defaultVersionKey(catalog: KeysResponse['keys'] | undefined): VersionKey {
  const has = (kind: VersionKey['kind']) =>
    catalog?.some((k) => k.kind === kind && k.key === DEFAULT_VERSION_KEY) ?? false;
  if (catalog && !has('metadata') && has('tag')) return { kind: 'tag', key: DEFAULT_VERSION_KEY };
  return { kind: 'metadata', key: DEFAULT_VERSION_KEY };
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A quoted string literal of the filter grammar, picking a quote the value does not contain. */
function quoteValue(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The filter clause selecting one version: `metadata.app_version = '1.2.0'`, backticks for dotted keys. */
export function versionClause(versionKey: VersionKey, value: string): string {
  const key = PLAIN_KEY.test(versionKey.key) ? versionKey.key : `\`${versionKey.key.replace(/`/g, '')}\``;
  return `${versionKey.kind}.${key} = ${quoteValue(value)}`;
}

/**
 * ANDs a clause onto a filter. A filter containing OR is parenthesised so the clause narrows all
 * of it; a clause already present is not added twice.
 */
export function addClause(filter: string, clause: string): string {
  const current = filter.trim();
  if (!current) return clause;
  if (current === clause || current.split(/\s+AND\s+/i).includes(clause)) return current;
  return `${/\bor\b/i.test(current) ? `(${current})` : current} AND ${clause}`;
}
