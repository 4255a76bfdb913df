import { connection } from "next/server";
import { getLevelCatalog } from "@/server/levels/level-catalog";
import { AccountMenu } from "@/components/account/account-menu";
import { Logo } from "@/components/brand/logo";
import { LevelList } from "@/components/level-list/level-list";
import { LevelProgressProvider, ProgressHeadline } from "@/components/level-list/level-progress-view";

export default async function HomePage() {
  // Levels are read from disk when the server runs, not baked in at build time.
  await connection();
  const catalog = await getLevelCatalog();
  const levels = catalog.list().map((level) => level.summary());

  return (
    <LevelProgressProvider levels={levels.map(({ id, xp }) => ({ id, xp }))}>
      <header className="border-b border-line bg-surface/60">
        <div className="mx-auto flex h-14 max-w-7xl items-center justify-between px-6">
          <Logo />
          <div className="flex items-center gap-4">
            <ProgressHeadline className="hidden text-sm text-muted sm:block" />
            <AccountMenu />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-6 pt-12 pb-20">
        <div className="mb-12 max-w-2xl">
          <p className="font-mono text-xs font-semibold tracking-widest text-accent uppercase">Levels</p>
          <h1 className="mt-2 text-3xl font-semibold tracking-tight text-white sm:text-4xl">
            Fix real, broken clusters.
          </h1>
          <p className="mt-3 text-base text-muted">
            Every level starts a real Kubernetes namespace with something wrong in it. Read the briefing, dig in with{" "}
            <code className="font-mono text-fg">kubectl</code>, fix the YAML, and let the grader check your work.
          </p>
        </div>
        <LevelList levels={levels} />
      </main>
    </LevelProgressProvider>
  );
}
