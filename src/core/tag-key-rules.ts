// MLflow's trace tag key rules (docs/mlflow-contract.md §3.9, `utils/validation._validate_tag_name`),
// checked in the browser so a person sees why a key is refused before anything is sent.
export const MAX_TAG_KEY_LENGTH = 250;
export const MAX_TAG_VALUE_LENGTH = 8000;

// Python's `\w` is Unicode-aware, hence letters and digits of any script.
const ALLOWED = /^[\p{L}\p{N}\p{M}_/.\- ]*$/u;

/** Why `key` would be refused, or null when it is acceptable. */
export function tagKeyProblem(key: string): string | null {
  if (key === '') return 'A tag key is required.';
  if (key.length > MAX_TAG_KEY_LENGTH) return `Tag keys are at most ${MAX_TAG_KEY_LENGTH} characters.`;
  if (!ALLOWED.test(key))
    return 'Tag keys may only contain letters, digits, underscores (_), dashes (-), periods (.), spaces ( ) and slashes (/).';
  // MLflow rejects keys that `posixpath.normpath` would change: they name a different path.
  if (key.startsWith('/')) return 'Tag keys cannot start with a slash.';
  const segments = key.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    return "Tag keys cannot contain empty, '.' or '..' path segments.";
  return null;
}

/** `mlflow.*` tags are set by the system; the explorer shows them read-only. */
export const isSystemTagKey = (key: string): boolean => key.startsWith('mlflow.');

export function tagValueProblem(value: string): string | null {
  if (value.length > MAX_TAG_VALUE_LENGTH) return `Tag values are at most ${MAX_TAG_VALUE_LENGTH} characters.`;
  return null;
}
