import type { LevelSummary } from "@/lib/protocol/socket-events";
import { groupByWorld } from "./group-by-world";
import { LevelCard } from "./level-card";

/**
 * Every level, grouped into worlds. A server component: it only renders the summaries the
 * page hands it (components never import `@/server/*`; pages do and pass plain props).
 */
export function LevelList({ levels }: { levels: readonly LevelSummary[] }) {
  const worlds = groupByWorld(levels);
  if (worlds.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-line-strong bg-surface p-10 text-center">
        <p className="font-medium">No levels are installed yet.</p>
        <p className="mt-1 text-sm text-muted">
          Levels live in the <code className="font-mono">levels/</code> folder; run{" "}
          <code className="font-mono">npm run levels:check</code> to see why none loaded.
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-14">
      {worlds.map((world) => {
        const headingId = `world-${world.number}`;
        return (
          <section key={world.number} aria-labelledby={headingId}>
            <div className="mb-5 flex flex-wrap items-baseline justify-between gap-x-6 gap-y-1 border-b border-line pb-3">
              <h2 id={headingId} className="text-lg font-semibold tracking-tight">
                <span className="mr-2 font-mono text-sm font-medium text-accent">World {world.number}</span>
                {world.title}
              </h2>
              <p className="text-sm text-muted">
                {world.levels.length} {world.levels.length === 1 ? "level" : "levels"} · {world.totalXp} XP
              </p>
            </div>
            <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
              {world.levels.map((level) => (
                <li key={level.id}>
                  <LevelCard level={level} />
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
