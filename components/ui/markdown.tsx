import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { CodeBlock } from "./code-block";
import { codeBlockOf, type HastLike } from "./code-block-text";

/**
 * Level text (briefing, hints, debrief) rendered from Markdown. Raw HTML in the source is not
 * rendered (react-markdown's default), so level content cannot inject markup.
 */
export function Markdown({ children, className = "" }: { children: string; className?: string }) {
  return (
    <div className={`prose-kq ${className}`}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        components={{
          // Fenced blocks get Copy, and shell blocks "Run in terminal" where a terminal exists.
          pre: ({ node, children: code, ...rest }) => {
            const block = codeBlockOf(node as HastLike | undefined);
            const pre = <pre {...rest}>{code}</pre>;
            return block ? <CodeBlock block={block}>{pre}</CodeBlock> : pre;
          },
          a: ({ node: _node, href, children: text, ...rest }) => {
            const external = typeof href === "string" && /^https?:\/\//.test(href);
            return (
              <a href={href} {...rest} {...(external ? { target: "_blank", rel: "noreferrer noopener" } : {})}>
                {text}
              </a>
            );
          },
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
