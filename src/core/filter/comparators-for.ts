import type { Comparator, FieldRef, FilterDialect } from './ast.ts';
import {
  EXTENDED_COMPARATORS,
  MLFLOW_COMPARATORS,
  NUMERIC_ATTRIBUTES,
  SPAN_CONTENT_COMPARATORS,
} from './vocabulary.ts';

export function isNumericAttribute(ref: FieldRef): boolean {
  return ref.kind === 'attribute' && (NUMERIC_ATTRIBUTES as readonly string[]).includes(ref.key);
}

/** The comparators a resolved field accepts in a dialect (§6.4's table, plus IN / NOT IN for tags and metadata in extended). */
export function comparatorsFor(ref: FieldRef, dialect: FilterDialect): readonly Comparator[] {
  const table = dialect === 'extended' ? EXTENDED_COMPARATORS : MLFLOW_COMPARATORS;
  if (isNumericAttribute(ref)) return table['numeric-attribute'];
  if (ref.kind === 'span' && ref.key === 'content') return SPAN_CONTENT_COMPARATORS;
  return table[ref.kind];
}
