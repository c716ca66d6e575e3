// The house rule for arrows between rooms (docs/architecture.md): everything may import core;
// core imports no other room and no platform (no node:*, no React); ui imports neither server
// nor sdk. Tests are exempt: a server test may drive core and server together.
export type Room = 'core' | 'server' | 'ui' | 'sdk';

export interface Violation {
  file: string;
  specifier: string;
  reason: string;
}

const FORBIDDEN_ROOMS: Record<Room, Room[]> = {
  core: ['server', 'ui', 'sdk'],
  server: ['ui', 'sdk'],
  ui: ['server', 'sdk'],
  sdk: ['server', 'ui'],
};

const IMPORT_RE =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

export function roomOf(path: string): Room | undefined {
  const match = /(?:^|\/)src\/(core|server|ui|sdk)\//.exec(path);
  return match ? (match[1] as Room) : undefined;
}

/** Resolves a relative specifier against the importing file's folder (posix paths). */
function resolveRelative(from: string, specifier: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const segment of specifier.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}

export function findViolations(files: { path: string; text: string }[]): Violation[] {
  const violations: Violation[] = [];
  for (const { path, text } of files) {
    const room = roomOf(path);
    if (!room || /\.test\.tsx?$/.test(path)) continue;
    for (const match of text.matchAll(IMPORT_RE)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier.startsWith('.')) {
        const target = roomOf(resolveRelative(path, specifier) + '/');
        if (target && FORBIDDEN_ROOMS[room].includes(target)) {
          violations.push({ file: path, specifier, reason: `${room} must not import ${target}` });
        }
      } else if (room === 'core') {
        violations.push({ file: path, specifier, reason: 'core is pure: it imports no packages or platform modules' });
      }
    }
  }
  return violations;
}
