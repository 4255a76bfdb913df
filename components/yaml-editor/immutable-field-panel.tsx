import type { ImmutableFieldError } from "@/lib/protocol/socket-events";
import { buttonStyles } from "@/components/ui/button-styles";
import { explainImmutableField } from "./immutable-field";

/** Renders `backticked` spans of our own explanation text as code. */
function WithCode({ text }: { text: string }) {
  return (
    <>
      {text.split("`").map((part, index) =>
        index % 2 === 1 ? (
          <code key={index} className="rounded bg-overlay px-1 py-px font-mono text-[0.92em] text-fg">
            {part}
          </code>
        ) : (
          <span key={index}>{part}</span>
        ),
      )}
    </>
  );
}

/**
 * Shown when an apply is refused because an immutable field would change: what that means
 * and the way out (delete and create again), offered as the Recreate action.
 */
export function ImmutableFieldPanel({
  error,
  onRecreate,
  disabled,
}: {
  error: ImmutableFieldError;
  onRecreate: () => void;
  disabled: boolean;
}) {
  const explanation = explainImmutableField(error);
  return (
    <section
      data-testid="immutable-explanation"
      aria-labelledby="immutable-title"
      className="rounded-lg border border-warn/40 bg-warn-soft px-4 py-3.5"
    >
      <h3 id="immutable-title" className="flex items-center gap-2 text-sm font-semibold text-warn">
        <span aria-hidden="true">⚠</span>
        <span>
          <WithCode text={explanation.title} />
        </span>
      </h3>
      <div className="mt-2 space-y-2 text-[13px] leading-relaxed text-fg/90">
        {explanation.paragraphs.map((paragraph, index) => (
          <p key={index}>
            <WithCode text={paragraph} />
          </p>
        ))}
      </div>
      <p className="mt-2 font-mono text-[11px] text-faint">Server said: {error.message}</p>
      <button
        type="button"
        data-testid="recreate-resource"
        onClick={onRecreate}
        disabled={disabled}
        className={`${buttonStyles.secondary} mt-3 border-warn/50 text-warn hover:border-warn`}
      >
        <span aria-hidden="true">⟳</span>
        Recreate {error.resource.kind} {error.resource.name}
      </button>
    </section>
  );
}
