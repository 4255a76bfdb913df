import Link from "next/link";

/** The KubeQuest mark and name, linking home. */
export function Logo({ compact = false }: { compact?: boolean }) {
  return (
    <Link href="/" className="inline-flex items-center gap-2 rounded-md font-semibold tracking-tight text-fg">
      <svg aria-hidden="true" viewBox="0 0 32 32" className="h-7 w-7 shrink-0">
        <rect width="32" height="32" rx="8" fill="var(--color-raised)" />
        <path
          d="M16 5l9.5 5.5v11L16 27l-9.5-5.5v-11z"
          fill="none"
          stroke="var(--color-accent)"
          strokeWidth="2.2"
          strokeLinejoin="round"
        />
        <circle cx="16" cy="16" r="3.2" fill="var(--color-ok)" />
      </svg>
      <span className={compact ? "sr-only" : ""}>KubeQuest</span>
    </Link>
  );
}
