import type { LevelSummary } from "@/lib/protocol/socket-events";

const styles: Record<LevelSummary["difficulty"], { label: string; className: string; bars: number }> = {
  beginner: { label: "Beginner", className: "text-ok", bars: 1 },
  intermediate: { label: "Intermediate", className: "text-warn", bars: 2 },
  advanced: { label: "Advanced", className: "text-bad", bars: 3 },
};

/** Difficulty as a word plus a three-bar meter (the bars are decoration; the word carries it). */
export function DifficultyBadge({ difficulty }: { difficulty: LevelSummary["difficulty"] }) {
  const style = styles[difficulty];
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs font-medium ${style.className}`}>
      <span aria-hidden="true" className="flex items-end gap-0.5">
        {[1, 2, 3].map((bar) => (
          <span
            key={bar}
            className={`w-1 rounded-sm ${bar <= style.bars ? "bg-current" : "bg-line-strong"}`}
            style={{ height: `${4 + bar * 3}px` }}
          />
        ))}
      </span>
      {style.label}
    </span>
  );
}
