/**
 * Why: when the cluster refuses a change only because a field is immutable, the learner's next
 * step is Recreate. This banner sits directly under the editor's toolbar (where the eye is
 * after pressing Apply, and above the underlined line), says it once, and carries the button;
 * the longer explanation opens on request so the editor keeps its room.
 */
import type { ImmutableFieldError } from "@/lib/protocol/socket-events";
import { buttonStyles } from "@/components/ui/button-styles";
import { InlineCode } from "@/components/ui/inline-code";
import { Spinner } from "@/components/ui/spinner";
import { explainImmutableField } from "./immutable-field";

export function ImmutableFieldPanel({
  error,
  onRecreate,
  disabled,
  busy,
}: {
  error: ImmutableFieldError;
  onRecreate: () => void;
  disabled: boolean;
  /** A Recreate is running. */
  busy: boolean;
}) {
  const explanation = explainImmutableField(error);
  return (
    <section
      data-testid="immutable-explanation"
      aria-labelledby="immutable-title"
      className="flex flex-wrap items-start gap-x-4 gap-y-1.5 rounded-lg border border-warn/40 bg-warn-soft px-3 py-2"
    >
      <div className="min-w-60 flex-1">
        <h3 id="immutable-title" className="flex items-center gap-2 text-sm font-semibold text-warn">
          <span aria-hidden="true">⚠</span>
          <span>
            <InlineCode text={explanation.title} />
          </span>
        </h3>
        <p className="mt-0.5 text-[13px] leading-snug text-fg">
          <InlineCode text={explanation.summary} />
        </p>
        <details className="text-[13px] leading-relaxed text-fg">
          <summary className="cursor-pointer text-xs font-medium text-muted hover:text-fg">Why can&apos;t it change in place?</summary>
          <div className="mt-1.5 space-y-1.5">
            {explanation.paragraphs.map((paragraph, index) => (
              <p key={index}>
                <InlineCode text={paragraph} />
              </p>
            ))}
          </div>
        </details>
      </div>
      <button
        type="button"
        data-testid="recreate-resource"
        onClick={onRecreate}
        disabled={disabled}
        className={`${buttonStyles.secondary} h-8 shrink-0 border-warn/60 text-warn hover:border-warn`}
      >
        {busy ? <Spinner className="h-3.5 w-3.5" /> : <span aria-hidden="true">⟳</span>}
        Recreate {error.resource.kind} {error.resource.name}
      </button>
    </section>
  );
}
