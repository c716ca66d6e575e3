import { useEffect, useRef } from 'react';

export interface TraceDetailKeyHandlers {
  thumbsUp: () => void;
  thumbsDown: () => void;
  comment: () => void;
  tag: () => void;
  step?: (delta: 1 | -1) => void;
}

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * Review shortcuts: `+`/`-` thumbs, `c` comment, `t` tag, `j`/`k` next/previous trace. Ignored
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
      };
      const action = actions[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
