// Components never import `@/server/*`: the live view only draws the snapshot it is given.
import { useId, useMemo, type ReactNode } from "react";
import type { LiveViewSnapshot } from "@/lib/protocol/socket-events";
import { Spinner } from "@/components/ui/spinner";
import { useNow } from "@/components/level-page/use-ticker";
import { describeSnapshot, summarizeSnapshot } from "./describe-snapshot";
import { lastChangeText } from "./last-change";
import {
  computeLiveLayout,
  dnsPodName,
  fitText,
  podDns,
  type EndpointNode,
  type Frame,
  type PodNode,
  type ServiceNode,
  type Tone,
} from "./live-view-layout";

const toneColor: Record<Tone, string> = {
  ok: "var(--color-ok)",
  warn: "var(--color-warn)",
  bad: "var(--color-bad)",
  idle: "var(--color-faint)",
};

/** The same tones as text in the DNS list (a failure in bold: it is the learner's to fix). */
const toneText: Record<Tone, string> = {
  ok: "text-ok",
  warn: "text-warn",
  bad: "font-semibold text-bad",
  idle: "text-faint",
};

const MONO = 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace';

function move(x: number, y: number) {
  return { transform: `translate(${x}px, ${y}px)` };
}

function ServiceCard({ node, primary }: { node: ServiceNode; primary: boolean }) {
  const tone: Tone = node.headless ? "ok" : "warn";
  const ip = node.headless ? "None (headless)" : node.clusterIP;
  const note = node.headless
    ? "Its name answers with every ready pod's IP"
    : "Virtual IP: its name hides the pods behind one address";
  return (
    <g
      data-testid={primary ? "live-service" : `live-service-${node.name}`}
      data-name={node.name}
      data-headless={node.headless}
      className="lv-move"
      style={move(node.x, node.y)}
    >
      <title>{`Service ${node.name}, ${node.type}, clusterIP ${node.clusterIP}, selector ${node.selector}`}</title>
      <rect width={node.w} height={node.h} rx={10} fill="var(--color-raised)" stroke={toneColor[tone]} strokeOpacity={0.55} className="lv-fade" />
      <rect width={4} height={node.h - 20} x={0} y={10} rx={2} fill={toneColor[tone]} className="lv-fade" />
      <text x={14} y={22} fontSize={10} fill="var(--color-muted)" letterSpacing="0.08em">
        SERVICE
      </text>
      <text x={node.w - 12} y={22} fontSize={10} fill="var(--color-muted)" textAnchor="end" fontFamily={MONO}>
        {fitText(node.type, node.w / 2 - 20, 10, true)}
      </text>
      <text x={14} y={40} fontSize={14} fontWeight={650} fill="#fff" fontFamily={MONO}>
        {fitText(node.name, node.w - 28, 14, true)}
      </text>
      <text x={14} y={58} fontSize={9.5} fill="var(--color-faint)" letterSpacing="0.06em">
        CLUSTER IP
      </text>
      <text x={14} y={58 + node.ipFontSize + 2} fontSize={node.ipFontSize} fontWeight={700} fill={toneColor[tone]} fontFamily={MONO} className="lv-fade">
        {fitText(ip, node.w - 28, node.ipFontSize, true)}
      </text>
      <text x={14} y={node.h - 10} fontSize={10} fill={node.headless ? "var(--color-muted)" : "var(--color-warn)"}>
        {fitText(note, node.w - 28, 10)}
      </text>
    </g>
  );
}

function EndpointChip({ node }: { node: EndpointNode }) {
  const tone: Tone = node.ready ? "ok" : "warn";
  return (
    <g className="lv-move" style={move(node.x, node.y)} data-endpoint-ip={node.ip}>
      <title>{`Endpoint ${node.ip}, ${node.hostname ? `hostname ${node.hostname}` : "no hostname"}, ${node.ready ? "ready" : "not ready"}`}</title>
      <rect
        width={node.w}
        height={node.h}
        rx={7}
        fill="var(--color-surface)"
        stroke={toneColor[tone]}
        strokeOpacity={0.6}
        strokeDasharray={node.ready ? undefined : "4 3"}
      />
      <text x={node.w / 2} y={16} fontSize={11} fill="var(--color-fg)" textAnchor="middle" fontFamily={MONO}>
        {fitText(node.ip, node.w - 12, 11, true)}
      </text>
      <text
        x={node.w / 2}
        y={31}
        fontSize={10}
        textAnchor="middle"
        fill={node.hostname ? "var(--color-ok)" : "var(--color-warn)"}
        fontStyle={node.hostname ? undefined : "italic"}
        fontFamily={node.hostname ? MONO : undefined}
      >
        {node.hostname ? fitText(`hostname ${node.hostname}`, node.w - 12, 10, true) : "no hostname"}
      </text>
    </g>
  );
}

function PodCard({ node }: { node: PodNode }) {
  const color = toneColor[node.tone];
  return (
    <g
      data-testid={`live-pod-${node.name}`}
      data-ready={node.ready}
      data-status={node.status}
      data-node={node.nodeName ?? undefined}
      className="lv-move"
      style={move(node.x, node.y)}
    >
      <title>{`Pod ${node.name}: ${node.status}, ${node.ready ? "ready" : "not ready"}, ${node.ip ? `IP ${node.ip}` : "no IP yet"}${node.nodeName ? `, on node ${node.nodeName}` : ""}${node.dns ? `; DNS ${node.dns.name}: ${node.dns.text}` : ""}`}</title>
      <rect width={node.w} height={node.h} rx={9} fill="var(--color-raised)" stroke={color} strokeOpacity={0.5} className="lv-fade" />
      <rect x={0} y={9} width={3.5} height={node.h - 18} rx={1.75} fill={color} className="lv-fade" />
      <text x={11} y={19} fontSize={12} fontWeight={650} fill="#fff" fontFamily={MONO}>
        {fitText(node.name, node.w - 22, 12, true)}
      </text>
      <g style={move(11, 26)}>
        <rect width={node.ready ? 40 : 60} height={14} rx={7} fill={node.ready ? "var(--color-ok-soft)" : "var(--color-overlay)"} stroke={node.ready ? "var(--color-ok)" : "var(--color-line-strong)"} strokeOpacity={0.6} />
        <text x={node.ready ? 20 : 30} y={10} fontSize={8.5} fontWeight={700} textAnchor="middle" letterSpacing="0.06em" fill={node.ready ? "var(--color-ok)" : "var(--color-muted)"}>
          {node.ready ? "READY" : "NOT READY"}
        </text>
      </g>
      <text x={11} y={55} fontSize={11.5} fontWeight={600} fill={color} fontFamily={MONO} className="lv-fade">
        {fitText(node.status + (node.restarts > 0 ? ` ↻${node.restarts}` : ""), node.w - 22, 11.5, true)}
      </text>
      <text x={11} y={70} fontSize={10.5} fill="var(--color-muted)" fontFamily={MONO}>
        {node.ip ? fitText(node.ip, node.w - 22, 10.5, true) : "no IP yet"}
      </text>
      <line x1={8} x2={node.w - 8} y1={77} y2={77} stroke="var(--color-line)" />
      <text x={11} y={90} fontSize={10} fontFamily={MONO}>
        <tspan fill="var(--color-faint)">DNS </tspan>
        {node.dns ? (
          <tspan fill={toneColor[node.dns.tone]} fontWeight={node.dns.tone === "bad" ? 700 : 500}>
            {fitText(node.dns.tone === "ok" ? `✓ ${node.dns.text}` : node.dns.text, node.w - 40, 10, true)}
          </tspan>
        ) : (
          <tspan fill="var(--color-faint)">–</tspan>
        )}
      </text>
      {node.nodeLabel && (
        // On a cluster of several nodes: where the pod runs (the full name is in the title and the text list).
        <text x={11} y={105} fontSize={10} fontFamily={MONO} data-testid={`live-pod-node-${node.name}`}>
          <tspan fill="var(--color-faint)">node </tspan>
          <tspan fill="var(--color-muted)">{fitText(node.nodeLabel, node.w - 50, 10, true)}</tspan>
        </text>
      )}
    </g>
  );
}

/** A header button that scrolls the live view to a section below the picture (often below the fold). */
function JumpButton({ testId, target, label }: { testId: string; target: string; label: string }) {
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={() => document.getElementById(target)?.scrollIntoView({ block: "start", behavior: "smooth" })}
      className="rounded border border-line px-1.5 py-px font-medium text-muted hover:text-fg"
    >
      {label}
    </button>
  );
}

function FrameBox({ frame }: { frame: Frame }) {
  const serviceNote = !frame.serviceFound
    ? { text: "no such Service", color: "var(--color-bad)" }
    : frame.serviceHeadless
      ? { text: "headless", color: "var(--color-ok)" }
      : { text: "not headless", color: "var(--color-warn)" };
  return (
    <g className="lv-move" style={move(frame.x, frame.y)} data-statefulset={frame.name}>
      <title>{`StatefulSet ${frame.name}, serviceName ${frame.serviceName} (${serviceNote.text}), ${frame.readyReplicas} of ${frame.replicas} ready`}</title>
      <rect width={frame.w} height={frame.h} rx={12} fill="var(--color-surface)" fillOpacity={0.6} stroke="var(--color-line-strong)" strokeDasharray="6 4" />
      <text x={12} y={frame.labelY - frame.y} fontSize={10.5}>
        <tspan fill="var(--color-muted)" letterSpacing="0.06em">STATEFULSET </tspan>
        <tspan fill="#fff" fontWeight={650} fontFamily={MONO}>
          {frame.name}
        </tspan>
        <tspan fill="var(--color-muted)"> · serviceName </tspan>
        <tspan fill={serviceNote.color} fontFamily={MONO}>
          {frame.serviceName}
        </tspan>
        <tspan fill={serviceNote.color}> ({serviceNote.text})</tspan>
      </text>
      <text x={frame.w - 12} y={frame.labelY - frame.y} fontSize={10.5} textAnchor="end" fontFamily={MONO} fill={frame.readyReplicas === frame.replicas ? "var(--color-ok)" : "var(--color-warn)"}>
        {frame.readyReplicas}/{frame.replicas} ready
      </text>
    </g>
  );
}

/**
 * A picture of the learner's namespace, redrawn from every `liveview:snapshot`: the Service
 * and its clusterIP, the EndpointSlice entries it routes to, the StatefulSet with its pods and
 * their DNS names. Moves and colour changes animate; the same facts are available as text.
 */
export function LiveView({
  snapshot,
  environmentReady,
  stale,
  nodeRules,
}: {
  snapshot: LiveViewSnapshot | null;
  environmentReady: boolean;
  /** The snapshot is from before a reset or a lost connection. */
  stale: boolean;
  /** "On the nodes", for a level that shows it: drawn under the DNS answers, one click away. */
  nodeRules?: ReactNode;
}) {
  const id = useId();
  const layout = useMemo(() => (snapshot ? computeLiveLayout(snapshot) : null), [snapshot]);
  // "last change 12 s ago" keeps counting while the view is live.
  const now = useNow(snapshot !== null && !stale, 5000);
  const lines = useMemo(() => (snapshot ? describeSnapshot(snapshot) : []), [snapshot]);
  const primaryService = layout?.services.find((s) => s.governsStatefulSet) ?? layout?.services[0];
  const podNames = new Set(snapshot?.pods.map((p) => p.name) ?? []);

  return (
    <section data-testid="live-view" aria-labelledby={`${id}-heading`} className="flex h-full min-h-0 flex-col bg-canvas">
      <div className="flex h-11 shrink-0 items-center justify-between gap-3 border-b border-line bg-surface px-4">
        <h2 id={`${id}-heading`} className="flex items-center gap-2 text-xs font-semibold tracking-wider text-muted uppercase">
          Live view
          {/* The terminal's header names the namespace too: here only where there is room. */}
          {snapshot && (
            <span className="hidden font-mono text-[11px] font-normal tracking-normal normal-case text-faint 2xl:inline">ns/{snapshot.namespace}</span>
          )}
        </h2>
        {snapshot && (
          <span className="flex items-center gap-2 text-[11px] whitespace-nowrap text-faint">
            {/* The DNS answers (and On the nodes) sit under the picture, often below the fold: one click away. */}
            <JumpButton testId="live-jump-dns" target={`${id}-dns`} label="DNS ↓" />
            {nodeRules && <JumpButton testId="live-jump-nodes" target={`${id}-nodes`} label="Nodes ↓" />}
            <span className="flex items-center gap-1.5">
              <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${stale ? "bg-faint" : "animate-pulse bg-ok"}`} />
              {stale ? "Paused" : "Live"} ·{" "}
              <time data-testid="live-last-change" dateTime={snapshot.updatedAt} title={`Last change at ${formatTime(snapshot.updatedAt)}`}>
                changed {lastChangeText(snapshot.updatedAt, now)}
              </time>
            </span>
          </span>
        )}
      </div>

      {/* Focusable so keyboard users can scroll it (axe: scrollable-region-focusable). */}
      <div
        tabIndex={0}
        role="region"
        aria-label="Live view of your namespace, scrollable"
        className="min-h-0 flex-1 overflow-y-auto px-3 py-3 outline-none focus-visible:ring-2 focus-visible:ring-accent focus-visible:ring-inset"
      >
        {!snapshot || !layout ? (
          <EmptyState waiting={environmentReady} />
        ) : (
          <div className={`transition-opacity ${stale ? "opacity-50" : ""}`}>
            <svg
              viewBox={`0 0 ${layout.width} ${layout.height}`}
              width="100%"
              role="img"
              aria-labelledby={`${id}-title ${id}-desc`}
              className="block h-auto max-w-[560px] mx-auto select-none"
              fontFamily="ui-sans-serif, system-ui, sans-serif"
            >
              <title id={`${id}-title`}>{`Picture of namespace ${snapshot.namespace}`}</title>
              <desc id={`${id}-desc`}>{summarizeSnapshot(snapshot)}</desc>
              <defs>
                {(["ok", "warn", "idle"] as const).map((tone) => (
                  <marker key={tone} id={`${id}-arrow-${tone}`} viewBox="0 0 8 8" refX={7} refY={4} markerWidth={6} markerHeight={6} orient="auto-start-reverse">
                    <path d="M0 0 L8 4 L0 8 z" fill={toneColor[tone]} />
                  </marker>
                ))}
              </defs>

              {layout.frames.map((frame) => (
                <FrameBox key={frame.key} frame={frame} />
              ))}
              {layout.otherPodsLabel && (
                <text x={16} y={layout.otherPodsLabel.y + 11} fontSize={10} fill="var(--color-faint)" letterSpacing="0.06em">
                  OTHER PODS (NO STATEFULSET)
                </text>
              )}
              {layout.endpointRows.map((row) => (
                <g key={row.key}>
                  <text x={16} y={row.labelY + 11} fontSize={10} fill="var(--color-faint)" letterSpacing="0.04em">
                    <tspan>ENDPOINTSLICE </tspan>
                    <tspan fontFamily={MONO}>{row.sliceName}</tspan>
                  </text>
                  {row.empty && (
                    <g>
                      <rect x={row.empty.x} y={row.empty.y} width={row.empty.w} height={row.empty.h} rx={7} fill="none" stroke="var(--color-warn)" strokeOpacity={0.5} strokeDasharray="5 4" />
                      <text x={row.empty.x + row.empty.w / 2} y={row.empty.y + row.empty.h / 2 + 4} fontSize={11} textAnchor="middle" fill="var(--color-warn)">
                        {row.empty.text}
                      </text>
                    </g>
                  )}
                </g>
              ))}

              {layout.edges.map((edge) => (
                <path
                  key={edge.key}
                  d={edge.d}
                  fill="none"
                  className={edge.kind === "replication" ? "lv-edge lv-flow" : "lv-edge"}
                  stroke={toneColor[edge.tone]}
                  strokeOpacity={edge.kind === "replication" ? 0.9 : 0.45}
                  strokeWidth={edge.kind === "replication" ? 1.6 : 1.3}
                  strokeDasharray={edge.kind === "replication" ? "4 4" : edge.tone === "ok" ? undefined : "3 3"}
                  markerEnd={`url(#${id}-arrow-${edge.tone === "bad" ? "warn" : edge.tone})`}
                >
                  {edge.kind === "replication" && <title>{`${edge.key.slice("repl/".length)} replicates from ordinal 0`}</title>}
                </path>
              ))}

              {layout.placeholders.map((p) => (
                <g key={p.key}>
                  <rect x={p.x} y={p.y} width={p.w} height={p.h} rx={9} fill="none" stroke="var(--color-line-strong)" strokeDasharray="5 4" />
                  <text x={p.x + p.w / 2} y={p.y + p.h / 2 + 4} fontSize={11.5} textAnchor="middle" fill="var(--color-faint)">
                    {p.text}
                  </text>
                </g>
              ))}
              {layout.services.map((node) => (
                <ServiceCard key={node.key} node={node} primary={node === primaryService} />
              ))}
              {layout.endpoints.map((node) => (
                <EndpointChip key={node.key} node={node} />
              ))}
              {layout.pods.map((node) => (
                <PodCard key={node.key} node={node} />
              ))}
            </svg>

            <ul data-testid="live-view-text" className="sr-only" aria-label="What the picture shows">
              {lines.map((line, index) => (
                <li key={index}>{line}</li>
              ))}
            </ul>

            <div id={`${id}-dns`} data-testid="live-dns" className="mt-4 scroll-mt-3 px-1">
              <h3 className="text-[11px] font-semibold tracking-wider text-faint uppercase">What cluster DNS answers</h3>
              {snapshot.dns.length === 0 ? (
                <p className="mt-1.5 text-xs text-faint">No DNS lookups reported yet.</p>
              ) : (
                <ul className="mt-1.5 space-y-1">
                  {snapshot.dns.map((answer) => {
                    const pod = dnsPodName(answer);
                    const resolved = !answer.error && answer.addresses.length > 0;
                    // One reading of an answer for the list and the pods' cards (podDns): a
                    // question KubeQuest could not ask is a warning, never the learner's failure.
                    const shown = podDns(answer)!;
                    return (
                      <li
                        key={answer.name}
                        data-testid={podNames.has(pod) ? `live-dns-${pod}` : undefined}
                        data-resolved={resolved}
                        className="flex flex-wrap items-baseline gap-x-2 rounded-md border border-line bg-surface px-2.5 py-1.5 font-mono text-[11.5px]"
                      >
                        <span className="break-all text-fg">{answer.name}</span>
                        <span aria-hidden="true" className="text-faint">
                          →
                        </span>
                        <span className={toneText[shown.tone]}>{shown.text}</span>
                      </li>
                    );
                  })}
                </ul>
              )}
            </div>

            {nodeRules && (
              <div id={`${id}-nodes`} className="mt-4 scroll-mt-3">
                {nodeRules}
              </div>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

function EmptyState({ waiting }: { waiting: boolean }) {
  return (
    <div className="flex h-full min-h-48 flex-col items-center justify-center px-6 text-center">
      <svg aria-hidden="true" viewBox="0 0 120 80" className="w-28 opacity-70">
        <rect x="35" y="4" width="50" height="18" rx="4" fill="none" stroke="var(--color-line-strong)" strokeDasharray="4 3" />
        <path d="M60 22 V34 M60 34 L25 46 M60 34 L95 46 M60 34 V46" stroke="var(--color-line-strong)" fill="none" />
        {[10, 45, 80].map((x) => (
          <rect key={x} x={x} y="48" width="30" height="24" rx="4" fill="none" stroke="var(--color-line-strong)" strokeDasharray="4 3" />
        ))}
      </svg>
      {waiting ? (
        <p className="mt-4 flex items-center gap-2 text-sm text-muted">
          <Spinner className="h-3.5 w-3.5" /> Drawing your namespace…
        </p>
      ) : (
        <>
          <p className="mt-4 text-sm font-medium text-fg">Your namespace appears here.</p>
          <p className="mt-1 max-w-xs text-xs leading-relaxed text-muted">
            Start the level to see its Service, the endpoints behind it, the pods and the DNS names they get, updated
            live as you fix things.
          </p>
        </>
      )}
    </div>
  );
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
