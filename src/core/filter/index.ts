// Public API of the filter language. See README.md for the grammar, the diagnostic codes and examples.
export type {
  AndNode,
  AttributeKey,
  Comparator,
  ComparisonNode,
  EntityType,
  ErrorNode,
  FieldKind,
  FieldNode,
  FieldRef,
  FilterDialect,
  FilterExpr,
  GroupNode,
  ListValue,
  NotNode,
  NumberValue,
  NumericAttributeKey,
  OperatorNode,
  OrNode,
  ScalarValue,
  SpanColumnKey,
  StringAttributeKey,
  StringValue,
  TextRange,
  ValueNode,
  WordValue,
} from './ast.ts';
export type { Diagnostic, DiagnosticCode, FixIt, Severity } from './diagnostic.ts';
export { parseFilter, type ParseOptions, type ParseResult } from './parse-filter.ts';
// The tokens, for syntax highlighting and for telling a filter attempt from free text.
export { lexFilter, type Token } from './lexer.ts';
export { validateFilter, type ValidateOptions } from './validate-filter.ts';
export { analyzeFilter } from './analyze-filter.ts';
export { explainFilter, dateMillis, type ExplainOptions, type FilterFacts } from './explain-filter.ts';
export { suggestField, type KnownKey } from './suggest-field.ts';
export { checkFilter, type CheckedFilter, type CheckResult } from './check-filter.ts';
export { requiresExtended } from './requires-extended.ts';
export { resolveField, type FieldResolution } from './resolve-field.ts';
export { comparatorsFor, isNumericAttribute } from './comparators-for.ts';
export { printFilter, printFieldRef, printValue } from './print-filter.ts';
export { canQuoteValue, quoteKey, quoteValue, isPlainKey } from './quote.ts';
export { completionAt, type CompletionContext, type CompletionOptions } from './completion-at.ts';
export { parseOrderBy, type OrderByResult, type OrderField, type OrderTerm } from './parse-order-by.ts';
export {
  evaluateFilter,
  spanAttributeText,
  type RegexSearch,
  type EvalAssessment,
  type EvalSpan,
  type EvalTrace,
} from './evaluate-filter.ts';
export { unsupportedRegex, type UnsupportedRegex } from './unsupported-regex.ts';
export { sqlLike } from './like-match.ts';
export {
  ATTRIBUTE_KEYS,
  EXTENDED_COMPARATORS,
  KEYWORDS,
  MAX_FILTER_BYTES,
  MAX_NESTING,
  MLFLOW_COMPARATORS,
  NUMERIC_ATTRIBUTE_KEYS,
  ORDER_BY_ATTRIBUTE_KEYS,
  PREFIXES,
  SPAN_KEYS,
  SPAN_STATUS_VALUES,
  SUGGESTED_PREFIXES,
  TRACE_STATUS_VALUES,
} from './vocabulary.ts';
