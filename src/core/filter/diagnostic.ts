import type { TextRange } from './ast.ts';

/** A text edit that fixes a diagnostic: replace [from, to) with `insert`. */
export interface FixIt extends TextRange {
  insert: string;
}

export type Severity = 'error' | 'warning';

/** Stable codes, documented in README.md. The UI may key behaviour on them; never rename one. */
export type DiagnosticCode =
  | 'too-long'
  | 'too-deep'
  | 'multiple-statements'
  | 'invalid-clause'
  | 'unexpected-character'
  | 'unterminated-string'
  | 'expected-identifier'
  | 'expected-operator'
  | 'expected-value'
  | 'missing-rparen'
  | 'unmatched-rparen'
  | 'unquoted-key'
  | 'stray-and'
  | 'implicit-and'
  | 'reserved-word'
  | 'invalid-entity-type'
  | 'invalid-attribute-key'
  | 'invalid-span-key'
  | 'empty-key'
  | 'invalid-issue-key'
  | 'unquoted-value'
  | 'numeric-value'
  | 'list-value'
  | 'empty-list'
  | 'invalid-list-item'
  | 'invalid-comparator'
  | 'expected-list'
  | 'unexpected-list'
  | 'invalid-number'
  | 'invalid-prompt-value'
  | 'unsupported-regex'
  // Data-aware warnings from explainFilter (the key catalog, span types and names, assessment names).
  | 'unknown-key'
  | 'unseen-value';

export interface Diagnostic extends TextRange {
  code: DiagnosticCode;
  /** MLflow's text where MLflow has one, so the server can return it verbatim in a 400. */
  message: string;
  severity: Severity;
  /** Short advice for a person, e.g. "dotted keys need backticks". */
  hint?: string;
  fix?: FixIt;
}
