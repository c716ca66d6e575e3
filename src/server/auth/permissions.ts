// MLflow's experiment permissions and what each allows here. A route needs one capability on
// each experiment it touches (route-rules.ts); a permission or a token level is a set of them.
import { invalidParameter } from '../errors.ts';

export const PERMISSION_NAMES = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'] as const;
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/**
 * read: search, get, metrics, extension reads, export. ingest: write traces and spans.
 * edit: tags, assessments, links. manage: delete traces, experiment lifecycle, its permissions.
 */
export type Capability = 'read' | 'ingest' | 'edit' | 'manage';

const CAPABILITIES: Record<PermissionName, readonly Capability[]> = {
  NO_PERMISSIONS: [],
  READ: ['read'],
  EDIT: ['read', 'ingest', 'edit'],
  MANAGE: ['read', 'ingest', 'edit', 'manage'],
};

export const TOKEN_LEVELS = ['ingest', 'read', 'edit'] as const;
export type TokenLevel = (typeof TOKEN_LEVELS)[number];

/** What a token of each level may do at most (the owner's permission still applies). */
const TOKEN_CAPABILITIES: Record<TokenLevel, readonly Capability[]> = {
  ingest: ['ingest'],
  read: ['read'],
  edit: ['read', 'ingest', 'edit'],
};

/** The permission a user needs on an experiment to create a token of this level for it. */
export const TOKEN_LEVEL_NEEDS: Record<TokenLevel, Capability> = { ingest: 'ingest', read: 'read', edit: 'edit' };

export function permissionAllows(permission: PermissionName, capability: Capability): boolean {
  return CAPABILITIES[permission].includes(capability);
}

export function tokenLevelAllows(level: TokenLevel, capability: Capability): boolean {
  return TOKEN_CAPABILITIES[level].includes(capability);
}

export function isPermissionName(value: unknown): value is PermissionName {
  return typeof value === 'string' && (PERMISSION_NAMES as readonly string[]).includes(value);
}

/** MLflow's check and message for a permission name. */
export function parsePermission(value: string): PermissionName {
  if (!isPermissionName(value)) {
    throw invalidParameter(
      `Invalid permission '${value}'. Valid permissions are: (${PERMISSION_NAMES.map((p) => `'${p}'`).join(', ')})`,
    );
  }
  return value;
}
