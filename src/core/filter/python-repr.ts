// MLflow's messages embed Python reprs (sets, lists, strings); reproduce their shape so
// clients matching on MLflow's text keep working. Set order is unstable in Python anyway.

export function pythonRepr(value: string): string {
  if (value.includes("'") && !value.includes('"')) return `"${value}"`;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function pythonSet(values: readonly string[]): string {
  return `{${values.map(pythonRepr).join(', ')}}`;
}

export function pythonList(values: readonly string[]): string {
  return `[${values.map(pythonRepr).join(', ')}]`;
}
