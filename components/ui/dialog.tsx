"use client";

import { useEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from "react";
import { FOCUSABLE_SELECTOR, trappedFocusTarget } from "./focus-trap";

interface DialogProps {
  open: boolean;
  onClose: () => void;
  labelledBy: string;
  describedBy?: string;
  /** Element to focus on open; defaults to the first focusable one. */
  initialFocus?: RefObject<HTMLElement | null>;
  testId?: string;
  className?: string;
  children: ReactNode;
}

/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert,
 * Escape closes it, Tab is kept inside, and focus goes back to where it was on close.
 * Mounted only while open, so a closed dialog leaves nothing (and no test id) in the page.
 */
export function Dialog(props: DialogProps) {
  return props.open ? <OpenDialog {...props} /> : null;
}

function OpenDialog({ onClose, labelledBy, describedBy, initialFocus, testId, className = "", children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    (initialFocus?.current ?? dialog.querySelector<HTMLElement>(FOCUSABLE_SELECTOR))?.focus();
    // Escape fires "cancel": keep React in charge of whether the dialog is open.
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      // After the dialog is gone, on the next frame: the opener may be re-rendering.
      requestAnimationFrame(() => {
        if (returnFocus?.isConnected) returnFocus.focus();
      });
    };
  }, [initialFocus]);

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key !== "Tab" || !ref.current) return;
    const focusables = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE_SELECTOR)].filter(
      (element) => element.getClientRects().length > 0,
    );
    const current = focusables.indexOf(document.activeElement as HTMLElement);
    const target = trappedFocusTarget(current, focusables.length, event.shiftKey);
    if (target !== null) {
      event.preventDefault();
      focusables[target]?.focus();
    }
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      aria-modal="true"
      data-testid={testId}
      onKeyDown={onKeyDown}
      // A click on the backdrop lands on the <dialog> itself (its content fills the inner div).
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
      className={`m-auto max-h-[85vh] w-[min(92vw,28rem)] overflow-visible rounded-xl border border-line-strong bg-surface p-0 text-fg shadow-2xl shadow-black/60 ${className}`}
    >
      <div className="p-6">{children}</div>
    </dialog>
  );
}
