"use client";

import { useId, useRef, type ReactNode } from "react";
import { buttonStyles } from "./button-styles";
import { Dialog } from "./dialog";

/**
 * "Are you sure?" for actions that destroy something (reset a level, recreate a resource).
 * Focus starts on Cancel so Enter alone never confirms by accident.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  destructive = true,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const id = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      open={open}
      onClose={onCancel}
      labelledBy={`${id}-title`}
      describedBy={`${id}-body`}
      initialFocus={cancelRef}
      testId="confirm-dialog"
    >
      <h2 id={`${id}-title`} className="text-base font-semibold text-white">
        {title}
      </h2>
      <div id={`${id}-body`} className="mt-2 text-sm leading-relaxed text-muted">
        {children}
      </div>
      <div className="mt-6 flex justify-end gap-2">
        <button ref={cancelRef} type="button" onClick={onCancel} className={buttonStyles.secondary}>
          Cancel
        </button>
        <button
          type="button"
          data-testid="confirm-yes"
          onClick={onConfirm}
          className={destructive ? buttonStyles.danger : buttonStyles.primary}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
