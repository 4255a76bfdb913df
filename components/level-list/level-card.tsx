import Link from "next/link";
import type { LevelSummary } from "@/lib/protocol/socket-events";
import { DifficultyBadge } from "@/components/ui/difficulty-badge";
import { XpBadge } from "@/components/ui/xp-badge";
import { LevelCardMark } from "./level-progress-view";

/** One level in the list: the whole card is the link to its page. */
export function LevelCard({ level }: { level: LevelSummary }) {
  return (
    <Link
      href={`/levels/${level.id}`}
      data-testid={`level-card-${level.id}`}
      className="group relative flex h-full flex-col rounded-xl border border-line bg-surface p-5 transition hover:-translate-y-0.5 hover:border-accent/60 hover:bg-raised focus-visible:border-accent"
    >
      <div className="flex items-start justify-between gap-3">
        <span className="font-mono text-xs font-semibold tracking-wider text-muted">
          LEVEL {String(level.number).padStart(2, "0")}
        </span>
        <XpBadge xp={level.xp} />
      </div>
      <h3 className="mt-3 text-base font-semibold leading-snug text-fg group-hover:text-white">{level.title}</h3>
      <div className="mt-2">
        <DifficultyBadge difficulty={level.difficulty} />
      </div>
      <LevelCardMark levelId={level.id} xp={level.xp} />
      {level.concepts.length > 0 && (
        <ul aria-label="Concepts" className="mt-4 flex flex-wrap gap-1.5">
          {level.concepts.map((concept) => (
            <li
              key={concept}
              className="rounded-md border border-line bg-canvas px-2 py-0.5 font-mono text-[11px] text-muted"
            >
              {concept}
            </li>
          ))}
        </ul>
      )}
      <span
        aria-hidden="true"
        className="mt-auto flex items-center gap-1 pt-5 text-sm font-medium text-accent opacity-80 transition group-hover:opacity-100"
      >
        Play level
        <span className="transition group-hover:translate-x-0.5">→</span>
      </span>
    </Link>
  );
}
