"use client";

import { useRef, type KeyboardEvent, type ReactNode } from "react";

export interface TabItem<Id extends string> {
  id: Id;
  label: ReactNode;
  /** Text for assistive technology when the label is not plain text. */
  ariaLabel?: string;
  testId?: string;
}

/**
 * A WAI-ARIA tab list: one tab stop, arrow keys/Home/End move between tabs and select them.
 * Panels are rendered by the caller with `tabPanelProps`.
 */
export function TabList<Id extends string>({
  idPrefix,
  label,
  tabs,
  selected,
  onSelect,
  className = "",
  tabClassName,
}: {
  idPrefix: string;
  label: string;
  tabs: readonly TabItem<Id>[];
  selected: Id;
  onSelect: (id: Id) => void;
  className?: string;
  tabClassName?: (selected: boolean) => string;
}) {
  const refs = useRef(new Map<Id, HTMLButtonElement>());

  function move(event: KeyboardEvent<HTMLDivElement>) {
    const index = tabs.findIndex((tab) => tab.id === selected);
    let next: number | null = null;
    if (event.key === "ArrowRight") next = (index + 1) % tabs.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = tabs.length - 1;
    if (next === null) return;
    const tab = tabs[next];
    if (!tab) return;
    event.preventDefault();
    onSelect(tab.id);
    refs.current.get(tab.id)?.focus();
  }

  const defaultTabClass = (isSelected: boolean) =>
    `relative -mb-px inline-flex h-10 shrink-0 items-center gap-1.5 border-b-2 px-2.5 text-[13px] font-medium transition ${
      isSelected ? "border-accent text-white" : "border-transparent text-muted hover:text-fg"
    }`;

  return (
    <div role="tablist" aria-label={label} onKeyDown={move} className={`flex ${className}`}>
      {tabs.map((tab) => {
        const isSelected = tab.id === selected;
        return (
          <button
            key={tab.id}
            ref={(element) => {
              if (element) refs.current.set(tab.id, element);
              else refs.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${tab.id}`}
            aria-controls={`${idPrefix}-panel-${tab.id}`}
            aria-selected={isSelected}
            aria-label={tab.ariaLabel}
            tabIndex={isSelected ? 0 : -1}
            data-testid={tab.testId}
            onClick={() => onSelect(tab.id)}
            className={(tabClassName ?? defaultTabClass)(isSelected)}
          >
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}

export function tabPanelProps(idPrefix: string, id: string, selected: boolean) {
  return {
    role: "tabpanel" as const,
    id: `${idPrefix}-panel-${id}`,
    "aria-labelledby": `${idPrefix}-tab-${id}`,
    hidden: !selected,
    tabIndex: 0,
  };
}
