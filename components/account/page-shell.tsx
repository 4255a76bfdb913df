import type { ReactNode } from "react";
import { Logo } from "@/components/brand/logo";
import { AccountMenu } from "./account-menu";

/** Header and main column of the account, profile and leaderboard pages. */
export function PageShell({ children, width = "max-w-3xl" }: { children: ReactNode; width?: string }) {
  return (
    <>
      <header className="border-b border-line bg-surface/60">
        <div className="mx-auto flex h-14 max-w-7xl items-center justify-between gap-4 px-6">
          <Logo />
          <AccountMenu />
        </div>
      </header>
      <main id="main" className={`mx-auto ${width} px-6 pt-10 pb-20`}>
        {children}
      </main>
    </>
  );
}
