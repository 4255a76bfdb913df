// Why: "On the nodes" (issue 14, item 2) makes visible what a Service's type changes on every
// node: kube-proxy's NAT rules for a virtual IP, and none for a headless Service. Read-only, from
// the server's snapshots; components never import `@/server/*`. The layout is worked out in
// node-rules-layout.ts; this only draws it.
import { useId, useMemo } from "react";
import type { NodeRulesSnapshot } from "@/lib/protocol/socket-events";
import { Spinner } from "@/components/ui/spinner";
import { NODE_RULES_ERROR, nodeRulesView, type NodeRulesColumn } from "./node-rules-layout";

const stateTone: Record<NodeRulesColumn["state"], string> = {
  rules: "border-warn/50",
  stale: "border-warn/50 border-dashed",
  headless: "border-ok/50",
  waiting: "border-line border-dashed",
  "no-virtual-ip": "border-line",
};

function ServiceColumn({ node, column }: { node: string; column: NodeRulesColumn }) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      data-testid={`node-rules-${node}-${column.service}`}
      data-state={column.state}
      data-rules={column.rules.length}
      className={`min-w-0 rounded-md border bg-surface px-2.5 py-2 ${stateTone[column.state]}`}
    >
      <h5 id={id} className="font-mono text-[12px] font-semibold break-all text-fg">
        {column.service}
        <span className="ml-1.5 font-sans text-[10.5px] font-normal text-faint">{column.clusterIP === "None" ? "headless" : column.clusterIP || "no Service"}</span>
      </h5>
      <p className={`mt-0.5 text-[11px] ${column.state === "headless" ? "text-ok" : column.state === "rules" ? "text-warn" : "text-muted"}`}>{column.note}</p>
      {column.rules.length > 0 && (
        <>
          <ol className="mt-1.5 space-y-1" aria-label={`kube-proxy's rules for ${column.service} on ${node}`}>
            {column.rules.map((rule, i) => (
              <li key={i} className="text-[11px] leading-snug text-muted">
                <span className="font-mono text-[10.5px] text-fg">{rule.chain}</span> {rule.summary}
              </li>
            ))}
          </ol>
          <details className="mt-1.5">
            <summary className="cursor-pointer text-[10.5px] text-faint hover:text-fg">As iptables-save prints them</summary>
            <pre className="mt-1 rounded bg-canvas p-1.5 font-mono text-[10px] leading-snug whitespace-pre-wrap break-all text-muted">
              {column.rules.map((r) => r.text).join("\n")}
            </pre>
          </details>
        </>
      )}
    </section>
  );
}

/**
 * Per node, the NAT rules kube-proxy programmed for each of the learner's Services, side by
 * side; a polite live region says when they change (not on every refresh).
 */
export function NodeRulesPanel({ snapshot, stale }: { snapshot: NodeRulesSnapshot | null; stale: boolean }) {
  const id = useId();
  const view = useMemo(() => nodeRulesView(snapshot), [snapshot]);
  return (
    <section aria-labelledby={`${id}-heading`} data-testid="node-rules-panel" data-kind={view.kind} className={`px-1 ${stale ? "opacity-50" : ""}`}>
      <h3 id={`${id}-heading`} className="text-[11px] font-semibold tracking-wider text-faint uppercase">
        On the nodes
      </h3>
      <p className="mt-1 text-xs text-muted">
        The NAT rules kube-proxy wrote in each node&apos;s iptables for your Services, read by KubeQuest every few seconds (you have no access to the nodes yourself).
      </p>
      <p role="status" aria-live="polite" data-testid="node-rules-summary" className="sr-only">
        {view.kind === "nodes" ? view.summary : view.kind === "error" ? NODE_RULES_ERROR : ""}
      </p>
      {view.kind === "waiting" && (
        <p className="mt-2 flex items-center gap-2 text-xs text-muted">
          <Spinner className="h-3 w-3" /> Reading the nodes…
        </p>
      )}
      {view.kind === "error" && (
        <div data-testid="node-rules-error" className="mt-2 rounded-md border border-warn/40 bg-surface px-2.5 py-2 text-xs">
          <p className="font-medium text-warn">{NODE_RULES_ERROR}</p>
          <p className="mt-0.5 text-muted">Nothing is wrong with your Services; this panel tries again by itself. ({view.detail})</p>
        </div>
      )}
      {view.kind === "nodes" && (
        <ul className="mt-2 space-y-3">
          {view.rows.map((row) => (
            <li key={row.node} data-testid={`node-rules-node-${row.node}`}>
              <h4 className="flex items-baseline justify-between gap-2 text-[11px]">
                <span>
                  <span className="text-faint">Node </span>
                  <span className="font-mono text-fg">{row.node}</span>
                </span>
                <time dateTime={row.readAt} className="text-[10.5px] text-faint">
                  read {new Date(row.readAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}
                </time>
              </h4>
              <div className="mt-1 grid gap-2" style={{ gridTemplateColumns: `repeat(${Math.max(1, row.columns.length)}, minmax(0, 1fr))` }}>
                {row.columns.map((column) => (
                  <ServiceColumn key={column.service} node={row.node} column={column} />
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
