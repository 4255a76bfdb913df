export function XpBadge({ xp, className = "" }: { xp: number; className?: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full border border-xp/30 bg-xp/10 px-2 py-0.5 text-xs font-semibold tabular-nums text-xp ${className}`}
    >
      <span aria-hidden="true">◆</span>
      {xp} XP
    </span>
  );
}
