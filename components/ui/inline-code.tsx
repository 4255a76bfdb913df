/**
 * Why: our own short texts (grader explanations and hints, the immutable-field banner) mark
 * code with backticks, as the level files are written. Shown raw, the backticks read as noise
 * (issue 16, items 3 and 10); a whole Markdown renderer would turn a one-line hint into
 * paragraphs. This renders `code` spans and leaves everything else as plain text.
 */
import { splitInlineCode } from "./inline-code-parts";

export function InlineCode({ text }: { text: string }) {
  return (
    <>
      {splitInlineCode(text).map((part, index) =>
        part.code ? (
          <code key={index} className="rounded bg-overlay px-1 py-px font-mono text-[0.92em] text-fg">
            {part.text}
          </code>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
    </>
  );
}
