import { useEffect, useEffectEvent, type RefObject } from 'react';

interface Options {
  pageRef: RefObject<HTMLElement | null>;
  rowCount: number;
  activeIndex: number;
  setActiveIndex: (index: number) => void;
  openActive: () => void;
  close: () => void;
  /** `x`: tick or untick the active row for bulk actions; Shift+x: the range from the last one ticked. */
  toggleSelect?: (range: boolean) => void;
  /** Esc clears a selection first (true when there was one to clear). */
  clearSelection?: () => boolean;
  /** `?`: the list of every shortcut. */
  showHelp?: () => void;
}

/** Typing in a field, or in the detail panel (which has its own j/k), is not a page shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * `/` focuses the search bar; j/k move through rows; Enter opens; `x` selects; `?` lists the
 * shortcuts; Esc clears the selection, else closes the open trace.
 */
export function useTracesKeyboard(options: Options): void {
  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const o = options;
    const target = event.target;
    // Typing, or inside a dialog (the shortcuts list closes itself on Esc).
    if (isTyping(target) || (target instanceof HTMLElement && target.closest('dialog'))) return;
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
    } else if ((event.key === 'x' || event.key === 'X') && !inDetail && o.toggleSelect && o.rowCount > 0) {
      event.preventDefault();
      o.toggleSelect(event.shiftKey);
    } else if (event.key === '?' && o.showHelp) {
      event.preventDefault();
      o.showHelp();
    } else if (event.key === 'Escape') {
      if (!o.clearSelection?.()) o.close();
    }
  });
  useEffect(() => {
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
