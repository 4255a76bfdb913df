import { LockIcon } from "@/components/ui/icons";
import { Markdown } from "@/components/ui/markdown";

export function DebriefPanel({ debrief }: { debrief: string | null }) {
  if (debrief === null) {
    return (
      <div className="rounded-lg border border-dashed border-line-strong bg-canvas px-4 py-8 text-center">
        <LockIcon className="mx-auto h-6 w-6 text-faint" />
        <p className="mt-2 text-sm font-medium text-fg">The debrief unlocks when your fix passes.</p>
        <p className="mt-1 text-xs text-muted">It explains what was broken, why, and how to spot it in the wild.</p>
      </div>
    );
  }
  return (
    <article data-testid="debrief">
      <Markdown>{debrief}</Markdown>
    </article>
  );
}
