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
