// MLflow's message for anything its statement check rejects; our syntax errors reuse it.
export function invalidClauseMessage(texts: readonly string[]): string {
  return `Invalid clause(s) in filter string: ${texts.map((t) => `'${t}'`).join(', ')}`;
}
