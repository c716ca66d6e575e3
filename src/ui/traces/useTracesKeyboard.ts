import { useEffect, useEffectEvent, type RefObject } from 'react';

interface Options {
  pageRef: RefObject<HTMLElement | null>;
  rowCount: number;
  activeIndex: number;
  setActiveIndex: (index: number) => void;
  openActive: () => void;
  close: () => void;
}

/** Typing in a field, or in the detail panel (which has its own j/k), is not a page shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** `/` focuses the search bar; j/k move through rows; Enter opens; Esc closes the open trace. */
export function useTracesKeyboard(options: Options): void {
  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const o = options;
    const target = event.target;
    if (isTyping(target)) return;
    const inDetail = target instanceof HTMLElement && target.closest('[data-trace-detail]') !== null;
    if (event.key === '/') {
      event.preventDefault();
      o.pageRef.current?.querySelector<HTMLElement>('[role="combobox"]')?.focus();
    } else if ((event.key === 'j' || event.key === 'k') && !inDetail && o.rowCount > 0) {
      event.preventDefault();
      const next = Math.max(0, Math.min(o.rowCount - 1, o.activeIndex + (event.key === 'j' ? 1 : -1)));
      o.setActiveIndex(next);
    } else if (event.key === 'Enter' && !inDetail && target === document.body && o.rowCount > 0) {
      event.preventDefault();
      o.openActive();
    } else if (event.key === 'Escape') {
      o.close();
    }
  });
  useEffect(() => {
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
