import { invalidParameter } from '../errors.ts';

const MAX_TAG_KEY_LENGTH = 250;
const MAX_TAG_VALUE_LENGTH = 8000;

/** MLflow's tag-name rules (utils/validation._validate_tag_name, _validate_length_limit). */
export function validateTagKey(key: string): void {
  if (!/^[\w\-. /]+$/u.test(key) || /[^\x20-\x7e]/.test(key)) {
    throw invalidParameter(
      `Invalid tag name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`,
    );
  }
  const normalized = normalizePath(key);
  if (normalized !== key || normalized === '.' || normalized.startsWith('..') || normalized.startsWith('/')) {
    throw invalidParameter(
      `Invalid value "${key}" for parameter 'key' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to "${normalized}"`,
    );
  }
  if (key.length > MAX_TAG_KEY_LENGTH) {
    throw invalidParameter(
      `Tag key '${key.slice(0, 50)}...' had length ${key.length}, which exceeded length limit of ${MAX_TAG_KEY_LENGTH}`,
    );
  }
}

/** Python's posixpath.normpath, enough to detect names that would resolve elsewhere. */
function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return (absolute ? '/' : '') + joined || '.';
}

/** MLflow truncates trace tag values longer than 8000 characters (MLFLOW_TRUNCATE_LONG_VALUES default). */
export function truncateTagValue(value: string): string {
  return value.length > MAX_TAG_VALUE_LENGTH ? value.slice(0, MAX_TAG_VALUE_LENGTH) : value;
}
