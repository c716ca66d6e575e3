import type { KeyboardEvent, PointerEvent } from 'react';
import { MIN_DETAIL_WIDTH, useDetailWidth } from './useDetailWidth.ts';

/** The draggable edge between the table and the detail panel; arrow keys resize too. */
export function DetailSplitter() {
  const width = useDetailWidth((s) => s.width);
  const setWidth = useDetailWidth((s) => s.setWidth);
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    const startX = event.clientX;
    const startWidth = width;
    const target = event.currentTarget;
    target.setPointerCapture(event.pointerId);
    const move = (e: globalThis.PointerEvent) =>
      setWidth(Math.min(window.innerWidth - 320, startWidth + (startX - e.clientX)));
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'ArrowLeft') setWidth(width + 32);
    else if (event.key === 'ArrowRight') setWidth(width - 32);
    else return;
    event.preventDefault();
  };
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize trace detail"
      aria-valuenow={width}
      aria-valuemin={MIN_DETAIL_WIDTH}
      tabIndex={0}
      className="detail-splitter"
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}
