import { useContext } from 'react';
import { RowActiveContext } from './row-active-context.ts';

/**
 * A table cell's text, cut with an ellipsis when the column is narrow. The full text is on hover
 * (`title`) and, in the row under the keyboard cursor, on focus (`data-tooltip`, see
 * components/FocusTooltip.tsx); other rows stay out of the tab order.
 */
export function CellText({ text, className = '' }: { text: string; className?: string }) {
  const rowActive = useContext(RowActiveContext);
  return (
    <span className={`ellipsis ${className}`} title={text} data-tooltip={text} tabIndex={rowActive ? 0 : -1}>
      {text}
    </span>
  );
}
