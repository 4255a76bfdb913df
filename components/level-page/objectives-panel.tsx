// Why: the objectives are a promise of what the grader checks. Each is ticked only once the
// round that proves it has passed: the main round's objectives when it passes, the chaos
// round's own objective only after that round (issue 16, item 4: it was ticked before it ran).

function Tick({ done }: { done: boolean }) {
  return (
    <span
      aria-hidden="true"
      className={`mt-0.5 flex h-4 w-4 shrink-0 items-center justify-center rounded-full border text-[10px] font-bold ${
        done ? "border-ok bg-ok text-canvas" : "border-line-strong text-transparent"
      }`}
    >
      ✓
    </span>
  );
}

export function ObjectivesPanel({
  objectives,
  chaosObjective,
  chaosBonusXp,
  mainPassed,
  chaosPassed,
}: {
  objectives: readonly string[];
  chaosObjective: string | null;
  /** What the chaos round adds now. */
  chaosBonusXp: number;
  mainPassed: boolean;
  chaosPassed: boolean;
}) {
  return (
    <div data-testid="objectives">
      <p className="mb-3 text-xs text-muted">
        {!mainPassed
          ? "Check my work verifies these against your live namespace."
          : chaosObjective === null || chaosPassed
            ? "The grader confirmed every objective. Nicely done."
            : "The grader confirmed your fix. The bonus objective is ticked once the chaos round passes."}
      </p>
      <ul className="space-y-2">
        {objectives.map((objective, index) => (
          <li
            key={index}
            data-testid={`objective-${index + 1}`}
            data-done={mainPassed}
            className="flex gap-3 rounded-lg border border-line bg-surface px-3 py-2.5 text-sm leading-snug"
          >
            <Tick done={mainPassed} />
            <span>
              {objective}
              <span className="sr-only">{mainPassed ? " (done)" : " (not done yet)"}</span>
            </span>
          </li>
        ))}
        {chaosObjective !== null && (
          <li
            data-testid="objective-chaos"
            data-done={chaosPassed}
            className="flex gap-3 rounded-lg border border-dashed border-xp/40 bg-surface px-3 py-2.5 text-sm leading-snug"
          >
            <Tick done={chaosPassed} />
            <span>
              <span className="mr-1.5 text-[11px] font-semibold tracking-wide text-xp uppercase">
                Bonus{chaosBonusXp > 0 ? ` · +${chaosBonusXp} XP` : ""}
              </span>
              {chaosObjective} <span className="text-muted">(chaos round, after the main round passes)</span>
              <span className="sr-only">{chaosPassed ? " (done)" : " (not done yet)"}</span>
            </span>
          </li>
        )}
      </ul>
    </div>
  );
}
