import { useEffect, useRef } from 'react';

export interface TraceDetailKeyHandlers {
  thumbsUp: () => void;
  thumbsDown: () => void;
  comment: () => void;
  tag: () => void;
  step?: (delta: 1 | -1) => void;
  /** 1–9: set the focused label's value (core/label-schema.ts valueForDigit). */
  digit?: (digit: number) => void;
  /** More single keys of the screen using these (the review queue's `n`, `s`, `?`). */
  more?: Record<string, () => void>;
}

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * Review shortcuts: `+`/`-` pass/fail, 1–9 the focused label's value, `c` comment, `t` tag, `j`/`k`
 * next/previous trace (the full list is in ../shortcuts/shortcut-list.ts). Ignored
 * while typing and with modifier keys, so they never eat text or browser shortcuts.
 */
export function useTraceDetailKeys(handlers: TraceDetailKeyHandlers): void {
  // The latest handlers without re-subscribing on every render.
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const h = ref.current;
      const actions: Record<string, (() => void) | undefined> = {
        '+': h.thumbsUp,
        '-': h.thumbsDown,
        c: h.comment,
        t: h.tag,
        j: h.step && (() => h.step?.(1)),
        k: h.step && (() => h.step?.(-1)),
        ...h.more,
      };
      const digit = /^[1-9]$/.test(event.key) ? Number(event.key) : undefined;
      const action = digit !== undefined && h.digit ? () => h.digit?.(digit) : actions[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
