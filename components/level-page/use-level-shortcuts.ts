"use client";

import { useEffect, useRef } from "react";
import { matchShortcut, type ShortcutAction } from "./shortcuts";

/**
 * Listens on the window in the capture phase, so the shortcuts work while Monaco or xterm has
 * focus (both handle keys themselves and would otherwise swallow them). Off while a modal
 * dialog is open: the dialog owns the keyboard then.
 */
export function useLevelShortcuts(onAction: (action: ShortcutAction) => void): void {
  const latest = useRef(onAction);
  useEffect(() => {
    latest.current = onAction;
  });

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.isComposing) return;
      if (document.querySelector("dialog[open]")) return;
      const target = event.target instanceof Element ? event.target : null;
      const inTerminal = Boolean(target?.closest(".xterm, [data-testid='terminal']"));
      const typing =
        inTerminal ||
        Boolean(
          target?.closest("input, textarea, select, [contenteditable=''], [contenteditable='true'], .monaco-editor"),
        );
      const action = matchShortcut(event, { typing, inTerminal });
      if (!action) return;
      event.preventDefault();
      event.stopPropagation();
      latest.current(action);
    }
    window.addEventListener("keydown", onKeyDown, true);
    return () => window.removeEventListener("keydown", onKeyDown, true);
  }, []);
}
