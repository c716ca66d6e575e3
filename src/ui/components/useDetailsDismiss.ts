import { useEffect, type KeyboardEvent, type RefObject } from 'react';

/**
 * A `<details>` used as a drop-down (Columns, saved views) closes like a menu: on Escape wherever focus is inside it,
 * summary included (focus goes back to the summary), and on a press outside it. A native `<details>` does neither, so
 * the list stayed open over the table after a click elsewhere. Returns the keydown handler for the `<details>`.
 */
export function useDetailsDismiss(ref: RefObject<HTMLDetailsElement | null>): (event: KeyboardEvent) => void {
  useEffect(() => {
    const onPointerDown = (event: PointerEvent) => {
      const details = ref.current;
      if (details?.open && event.target instanceof Node && !details.contains(event.target)) details.open = false;
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [ref]);
  return (event) => {
    const details = ref.current;
    if (event.key !== 'Escape' || !details?.open) return;
    // Esc closes the drop-down, not the open trace (the page's shortcut skips handled keys).
    event.preventDefault();
    details.open = false;
    details.querySelector('summary')?.focus();
  };
}
