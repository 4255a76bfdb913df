"use client";

import { useCallback, useEffect, useRef, type RefObject } from "react";

/**
 * Moves keyboard focus to an element once the next render is on screen. For actions whose
 * button is disabled while they run ("Grade now", a confirmed reset): the browser drops focus
 * from a button that becomes disabled (and a closing dialog cannot give it back), which leaves a
 * keyboard or screen-reader user at the top of the page. Focus goes to the status that tells
 * how the action is going instead; that element needs `tabIndex={-1}`.
 */
export function useFocusAfterRender(): (target: RefObject<HTMLElement | null>) => void {
  const pending = useRef<RefObject<HTMLElement | null> | null>(null);
  useEffect(() => {
    const element = pending.current?.current;
    if (!element) return;
    pending.current = null;
    element.focus();
  });
  return useCallback((target) => {
    pending.current = target;
  }, []);
}
