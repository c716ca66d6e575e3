import { useTraceDetailLayout } from './trace-detail-layout-store.ts';

/** The left edge of the side panel: drag, or focus and use the arrow keys, to resize. */
export function PanelResizeHandle() {
  const width = useTraceDetailLayout((s) => s.panelWidth);
  const setWidth = useTraceDetailLayout((s) => s.setPanelWidth);
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize trace detail"
      aria-valuenow={width}
      tabIndex={0}
      className="td-resize"
      onPointerDown={(event) => {
        const startX = event.clientX;
        const startWidth = width;
        const target = event.currentTarget;
        target.setPointerCapture(event.pointerId);
        // The panel sits on the right, so dragging left widens it.
        const move = (e: PointerEvent) => setWidth(Math.min(startWidth + startX - e.clientX, window.innerWidth - 120));
        const up = (e: PointerEvent) => {
          setWidth(Math.min(startWidth + startX - e.clientX, window.innerWidth - 120), true);
          target.removeEventListener('pointermove', move);
          target.removeEventListener('pointerup', up);
        };
        target.addEventListener('pointermove', move);
        target.addEventListener('pointerup', up);
      }}
      onKeyDown={(event) => {
        if (event.key === 'ArrowLeft') setWidth(width + 40, true);
        else if (event.key === 'ArrowRight') setWidth(width - 40, true);
        else return;
        event.preventDefault();
      }}
    />
  );
}
