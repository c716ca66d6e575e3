// Identifier resolution, following SearchTraceUtils._get_identifier and _replace_key_to_tag_or_metadata:
// split at the FIRST dot, map the prefix (case-sensitive), strip quotes and backticks from the key,
// check attribute keys (case-sensitive), then remap name/run_id/text/prompt (case-insensitive) for
// every type except span. The quirks (`tag.name` is the trace name, `feedback.text` is span content)
// are MLflow's and are kept on purpose.
import type { EntityType, FieldRef } from './ast.ts';
import type { DiagnosticCode } from './diagnostic.ts';
import { pythonSet } from './python-repr.ts';
import { ATTRIBUTE_ALIASES, ATTRIBUTE_KEYS, PREFIXES, SOURCE_RUN_METADATA, TRACE_NAME_TAG } from './vocabulary.ts';

export type FieldResolution =
  | { ok: true; ref: FieldRef; entity: EntityType; prefix: string | null }
  | { ok: false; code: DiagnosticCode; message: string; entity: EntityType | null; prefix: string | null };

const ENTITY_TYPES = ['attribute', 'tag', 'request_metadata', 'span', 'feedback', 'expectation', 'issue'];

export function stripQuotes(s: string): string {
  if (s.length >= 2 && (s[0] === "'" || s[0] === '"') && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

export function trimBackticks(s: string): string {
  if (s.length >= 2 && s[0] === '`' && s[s.length - 1] === '`') return s.slice(1, -1);
  return s;
}

function remap(key: string): FieldRef | null {
  switch (key.toLowerCase()) {
    case 'name':
      return { kind: 'tag', key: TRACE_NAME_TAG };
    case 'run_id':
      return { kind: 'metadata', key: SOURCE_RUN_METADATA };
    case 'text':
      return { kind: 'span', key: 'content' };
    case 'prompt':
      return { kind: 'prompt', key: 'prompt' };
    default:
      return null;
  }
}

function resolveSpanKey(key: string): FieldRef | { code: DiagnosticCode; message: string } {
  if (key === 'name' || key === 'type' || key === 'status' || key === 'content') return { kind: 'span', key };
  if (key.startsWith('attributes.')) {
    const name = trimBackticks(stripQuotes(key.slice('attributes.'.length)));
    if (name === '') return { code: 'empty-key', message: "Span attribute name cannot be empty after 'attributes.'" };
    return { kind: 'span-attribute', key: name };
  }
  return {
    code: 'invalid-span-key',
    message: `Invalid span attribute '${key}'. Supported attributes: name, status, type, attributes.<attribute_name>.`,
  };
}

// Module-level helpers rather than closures: resolveField runs once per clause on every keystroke.
function fail(code: DiagnosticCode, message: string, entity: EntityType, prefix: string | null): FieldResolution {
  return { ok: false, code, message, entity, prefix };
}

function done(ref: FieldRef, entity: EntityType, prefix: string | null): FieldResolution {
  return { ok: true, ref, entity, prefix };
}

export function resolveField(text: string): FieldResolution {
  const dot = text.indexOf('.');
  const prefix = dot < 0 ? null : text.slice(0, dot);
  const rawKey = dot < 0 ? text : text.slice(dot + 1);
  const entity: EntityType | undefined =
    prefix === null ? 'attribute' : Object.hasOwn(PREFIXES, prefix) ? PREFIXES[prefix] : undefined;
  if (entity === undefined) {
    return {
      ok: false,
      code: 'invalid-entity-type',
      message: `Invalid entity type '${prefix}'. Valid values are ${pythonSet(ENTITY_TYPES)}`,
      entity: null,
      prefix,
    };
  }
  const key = trimBackticks(stripQuotes(rawKey));

  if (entity === 'attribute' && !(ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
    return fail(
      'invalid-attribute-key',
      `Invalid attribute key '${key}' specified. Valid keys are '${pythonSet(ATTRIBUTE_KEYS)}'`,
      entity,
      prefix,
    );
  }
  if (entity === 'span') {
    const r = resolveSpanKey(key);
    return 'kind' in r ? done(r, entity, prefix) : fail(r.code, r.message, entity, prefix);
  }
  const remapped = remap(key);
  if (remapped) return done(remapped, entity, prefix);
  switch (entity) {
    case 'attribute':
      return done({ kind: 'attribute', key: ATTRIBUTE_ALIASES[key] }, entity, prefix);
    case 'tag':
    case 'request_metadata':
      if (key === '')
        return fail('empty-key', `Invalid identifier '${text}': a key is required after '${prefix}.'`, entity, prefix);
      return done({ kind: entity === 'tag' ? 'tag' : 'metadata', key }, entity, prefix);
    case 'feedback':
    case 'expectation':
      if (key === '') return fail('empty-key', 'Assessment field name cannot be empty', entity, prefix);
      return done({ kind: entity, key }, entity, prefix);
    case 'issue':
      if (key !== 'id')
        return fail('invalid-issue-key', `Invalid issue attribute '${key}'. Supported attributes: id.`, entity, prefix);
      return done({ kind: 'issue', key: 'id' }, entity, prefix);
  }
}
