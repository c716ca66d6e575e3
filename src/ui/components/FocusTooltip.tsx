import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import './focus-tooltip.css';

/** True when an element's text is cut by its box (text-overflow: ellipsis). */
const isTruncated = (element: HTMLElement) =>
  element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1;

/**
 * The full text of a truncated value for keyboard users: `title` shows on hover only, so any
 * element carrying `data-tooltip` shows that text in a tooltip while it has keyboard focus and
 * its own text is cut. Mounted once for the app; one listener, one tooltip element.
 */
export function FocusTooltip() {
  const [tip, setTip] = useState<{ text: string; left: number; top: number } | null>(null);
  useEffect(() => {
    const show = (event: FocusEvent) => {
      const target = event.target;
      if (!(target instanceof HTMLElement) || !target.matches(':focus-visible')) return setTip(null);
      const text = target.dataset.tooltip;
      if (!text || !isTruncated(target)) return setTip(null);
      const rect = target.getBoundingClientRect();
      setTip({ text, left: Math.max(4, Math.min(rect.left, window.innerWidth - 424)), top: rect.bottom + 4 });
    };
    const hide = () => setTip(null);
    document.addEventListener('focusin', show);
    document.addEventListener('focusout', hide);
    window.addEventListener('scroll', hide, true);
    return () => {
      document.removeEventListener('focusin', show);
      document.removeEventListener('focusout', hide);
      window.removeEventListener('scroll', hide, true);
    };
  }, []);
  if (!tip) return null;
  return createPortal(
    <div role="tooltip" className="focus-tooltip" style={{ left: tip.left, top: tip.top }}>
      {tip.text}
    </div>,
    document.body,
  );
}
