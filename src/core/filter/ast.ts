// The filter AST. Every node carries the character range it was parsed from so diagnostics,
// completion and the search bar can point back into the text. Incomplete input still yields
// nodes (with `op` or `value` null) so a half-typed filter has structure.

/** A half-open character range [from, to) in the filter text. */
export interface TextRange {
  from: number;
  to: number;
}

export type FilterDialect = 'mlflow' | 'extended';

/** Comparators as the parser recognises them; `==` and `<>` parse but never validate (MLflow quirk). */
export type Comparator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'LIKE'
  | 'ILIKE'
  | 'RLIKE'
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL'
  | '=='
  | '<>';

/** MLflow's identifier types before key remapping; used in MLflow's value error messages. */
export type EntityType = 'attribute' | 'tag' | 'request_metadata' | 'span' | 'feedback' | 'expectation' | 'issue';

export type StringAttributeKey = 'status' | 'request_id' | 'client_request_id';
export type NumericAttributeKey = 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms';
export type AttributeKey = StringAttributeKey | NumericAttributeKey;
export type SpanColumnKey = 'name' | 'type' | 'status' | 'content';

/** What a field denotes after aliases and MLflow's remaps are applied: the thing SQL and the evaluator look at. */
export type FieldRef =
  | { kind: 'attribute'; key: AttributeKey }
  | { kind: 'tag'; key: string }
  | { kind: 'metadata'; key: string }
  | { kind: 'span'; key: SpanColumnKey }
  | { kind: 'span-attribute'; key: string }
  | { kind: 'feedback'; key: string }
  | { kind: 'expectation'; key: string }
  | { kind: 'issue'; key: 'id' }
  | { kind: 'prompt'; key: 'prompt' };

export type FieldKind = FieldRef['kind'];

export interface FieldNode extends TextRange {
  /** The identifier exactly as written. */
  text: string;
  /** The written prefix (before the first dot), or null for a bare key. */
  prefix: string | null;
  /** Resolution result; null when the identifier is invalid (validateFilter reports why). */
  ref: FieldRef | null;
  /** MLflow's identifier type before remapping; null when the prefix is invalid. */
  entity: EntityType | null;
}

export interface OperatorNode extends TextRange {
  op: Comparator;
}

export interface StringValue extends TextRange {
  type: 'string';
  /** Content between the quotes, verbatim: MLflow processes no escapes. */
  value: string;
  quote: "'" | '"';
}

export interface NumberValue extends TextRange {
  type: 'number';
  value: number;
  raw: string;
}

/** An unquoted word in value position: always invalid, kept so the error can offer a fix. */
export interface WordValue extends TextRange {
  type: 'word';
  raw: string;
}

export interface ListValue extends TextRange {
  type: 'list';
  items: ScalarValue[];
}

export type ScalarValue = StringValue | NumberValue | WordValue;
export type ValueNode = ScalarValue | ListValue;

export interface ComparisonNode extends TextRange {
  type: 'comparison';
  field: FieldNode;
  op: OperatorNode | null;
  value: ValueNode | null;
}

export interface AndNode extends TextRange {
  type: 'and';
  children: FilterExpr[];
}

export interface OrNode extends TextRange {
  type: 'or';
  children: FilterExpr[];
  /** Ranges of the OR keywords, for dialect diagnostics. */
  keywords: TextRange[];
}

export interface NotNode extends TextRange {
  type: 'not';
  expr: FilterExpr;
  keyword: TextRange;
}

/** Parentheses as written. Kept so the mlflow dialect can reject them; the printer re-derives parentheses. */
export interface GroupNode extends TextRange {
  type: 'group';
  expr: FilterExpr;
}

/** A region the parser could not make sense of (a diagnostic explains it). */
export interface ErrorNode extends TextRange {
  type: 'error';
}

export type FilterExpr = ComparisonNode | AndNode | OrNode | NotNode | GroupNode | ErrorNode;
