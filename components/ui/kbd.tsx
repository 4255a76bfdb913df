import type { ReactNode } from "react";

export function Kbd({ children }: { children: ReactNode }) {
  return (
    <kbd className="inline-flex min-w-[1.5em] items-center justify-center rounded border border-line-strong border-b-2 bg-raised px-1.5 font-mono text-[11px] leading-5 text-fg">
      {children}
    </kbd>
  );
}
