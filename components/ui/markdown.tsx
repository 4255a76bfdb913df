import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

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
