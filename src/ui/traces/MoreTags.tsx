import {
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { createPortal } from 'react-dom';
import { FilterValue } from './FilterValue.tsx';
import { RowActiveContext } from './row-active-context.ts';

type Tag = readonly [string, string];

const POPOVER_WIDTH = 320;

/**
 * The "+N" after a row's first tag chips: opens the rest as chips that filter like the others.
 * The list renders only while open, and in a portal: rows clip their cells and are transformed,
 * so nothing inside them can overflow. It follows its row while the grid scrolls and closes once
 * the row leaves the grid's box (or the window resizes).
 */
export function MoreTags({ tags }: { tags: readonly Tag[] }) {
  const rowActive = useContext(RowActiveContext);
  const [anchor, setAnchor] = useState<DOMRect | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popoverRef = useRef<HTMLDivElement>(null);
  const id = useId();

  const open = anchor !== null;
  useEffect(() => {
    if (!open) return;
    popoverRef.current?.querySelector('button')?.focus();
    const inside = (target: EventTarget | null) =>
      target instanceof Node && (popoverRef.current?.contains(target) || buttonRef.current?.contains(target));
    const onPointerDown = (event: PointerEvent) => !inside(event.target) && setAnchor(null);
    const onScroll = (event: Event) => {
      const button = buttonRef.current;
      if (inside(event.target)) return;
      const rect = button?.isConnected ? button.getBoundingClientRect() : null;
      const grid = button?.closest('[role="grid"]');
      const box = grid?.getBoundingClientRect();
      // Below the sticky header row, inside the grid.
      const top = grid?.querySelector('[role="columnheader"]')?.getBoundingClientRect().bottom ?? box?.top ?? 0;
      const visible =
        rect && box && rect.top >= top && rect.bottom <= box.bottom && rect.right > box.left && rect.left < box.right;
      setAnchor(visible ? rect : null);
    };
    const onResize = () => setAnchor(null);
    document.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', onResize);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('scroll', onScroll, true);
      window.removeEventListener('resize', onResize);
    };
  }, [open]);

  const close = (refocus: boolean) => {
    setAnchor(null);
    if (refocus) buttonRef.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape') return;
    // Esc here closes the list, not the open trace (the page's shortcut).
    event.preventDefault();
    event.stopPropagation();
    close(true);
  };
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    const next = event.relatedTarget;
    if (next instanceof Node && !popoverRef.current?.contains(next) && !buttonRef.current?.contains(next)) close(false);
  };
  // Events from the portal still bubble through the React tree: keep them from opening the row.
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    event.stopPropagation();
    if (event.target instanceof HTMLElement && event.target.closest('button')) close(false);
  };

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="more-tags"
        tabIndex={rowActive ? 0 : -1}
        aria-label={`${tags.length} more ${tags.length === 1 ? 'tag' : 'tags'}`}
        aria-expanded={anchor !== null}
        aria-controls={anchor ? id : undefined}
        title={tags.map(([key, value]) => `${key}=${value}`).join('\n')}
        onClick={(event) => {
          event.stopPropagation();
          setAnchor(anchor ? null : event.currentTarget.getBoundingClientRect());
        }}
      >
        +{tags.length}
      </button>
      {anchor &&
        createPortal(
          <div
            ref={popoverRef}
            id={id}
            role="dialog"
            aria-label="More tags"
            className="more-tags-popover"
            style={{
              top: anchor.bottom + 4,
              left: Math.max(8, Math.min(anchor.left, window.innerWidth - POPOVER_WIDTH - 8)),
              maxWidth: POPOVER_WIDTH,
            }}
            onKeyDown={onKeyDown}
            onBlur={onBlur}
            onClick={onClick}
          >
            <RowActiveContext.Provider value={true}>
              {tags.map(([key, value]) => (
                <FilterValue key={key} kind="tag" fieldKey={key} value={value} showKey />
              ))}
            </RowActiveContext.Provider>
          </div>,
          document.body,
        )}
    </>
  );
}
