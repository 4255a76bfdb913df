export function ObjectivesPanel({ objectives, passed }: { objectives: readonly string[]; passed: boolean }) {
  return (
    <div>
      <p className="mb-3 text-xs text-muted">
        {passed
          ? "The grader confirmed your fix. Nicely done."
          : "Check my work verifies these against your live namespace."}
      </p>
      <ul className="space-y-2">
        {objectives.map((objective, index) => (
          <li key={index} className="flex gap-3 rounded-lg border border-line bg-surface px-3 py-2.5 text-sm leading-snug">
            <span
              aria-hidden="true"
              className={`mt-0.5 flex h-4 w-4 shrink-0 items-center justify-center rounded-full border text-[10px] font-bold ${
                passed ? "border-ok bg-ok text-canvas" : "border-line-strong text-transparent"
              }`}
            >
              ✓
            </span>
            <span>
              {objective}
              {passed && <span className="sr-only"> (done)</span>}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
