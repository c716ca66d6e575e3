// trace(fn) records inputs as {parameterName: argument}, like MLflow's Python decorator, so the explorer
// shows `{"question": "..."}` instead of a bare positional array. JavaScript has no reflection for
// parameter names, so they are read from the function's source; anything unusual falls back to argN.

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

function parameterList(source: string): string | undefined {
  const arrow = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrow) return arrow[1];
  const open = source.indexOf('(');
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return source.slice(open + 1, i);
  }
  return undefined;
}

/** Names of a function's parameters; destructured or otherwise complex ones come back as `argN`. */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  let list: string | undefined;
  try {
    list = parameterList(Function.prototype.toString.call(fn).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ''));
  } catch {
    list = undefined;
  }
  if (list === undefined) return [];
  return splitTopLevel(list).map((param, i) => {
    const name = param
      .replace(/^\.\.\./, '')
      .split('=')[0]
      .split(':')[0]
      .trim();
    return IDENTIFIER.test(name) ? name : `arg${i}`;
  });
}

/** Maps call arguments onto parameter names (extra arguments become argN). */
export function namedInputs(names: string[], args: unknown[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  args.forEach((arg, i) => {
    inputs[names[i] ?? `arg${i}`] = arg;
  });
  return inputs;
}
