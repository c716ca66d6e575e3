import { useEffect, useMemo, useRef, type RefObject } from 'react';
import type { Diagnostic } from '../../core/filter/index.ts';
import { highlightPieces } from './highlight.ts';

/**
 * The coloured copy of the text drawn behind the transparent input. It is plain text in spans
 * (never HTML from the filter), hidden from assistive tech; it follows the input's horizontal
 * scroll so characters stay aligned.
 */
export function FilterHighlight({
  text,
  diagnostics,
  inputRef,
}: {
  text: string;
  diagnostics: readonly Diagnostic[];
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const inner = useRef<HTMLDivElement>(null);
  const pieces = useMemo(() => highlightPieces(text, diagnostics), [text, diagnostics]);
  const endError = diagnostics.some((d) => d.severity === 'error' && d.from >= text.length && text.length === 0);

  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    const sync = () => {
      if (inner.current) inner.current.style.transform = `translateX(${-input.scrollLeft}px)`;
    };
    // Reading scrollLeft forces layout, so it happens on these events only, never on render.
    const events = ['scroll', 'keyup', 'input', 'selectionchange', 'focus'] as const;
    for (const name of events) input.addEventListener(name, sync);
    return () => {
      for (const name of events) input.removeEventListener(name, sync);
    };
  }, [inputRef]);

  return (
    <div className="search-highlight" aria-hidden="true">
      <div ref={inner} className="search-highlight-inner">
        {pieces.map((piece) => (
          <span key={piece.from} className={`tok-${piece.cls}${piece.error ? ' tok-error' : ''}`}>
            {text.slice(piece.from, piece.to)}
          </span>
        ))}
        {endError && <span className="tok-error"> </span>}
      </div>
    </div>
  );
}
