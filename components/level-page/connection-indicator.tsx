import type { ConnectionSnapshot } from "@/lib/client/connection-state";
import { describeConnection } from "@/lib/client/connection-state";

const dotClass: Record<ConnectionSnapshot["state"], string> = {
  connected: "bg-ok",
  connecting: "bg-warn animate-pulse",
  reconnecting: "bg-warn animate-pulse",
  offline: "bg-bad",
};

/** Connected / reconnecting / offline, announced politely to screen readers when it changes. */
export function ConnectionIndicator({ connection, onRetry }: { connection: ConnectionSnapshot; onRetry: () => void }) {
  const { label, detail } = describeConnection(connection);
  return (
    <div
      data-testid="connection-status"
      data-state={connection.state}
      title={detail}
      className="flex items-center gap-2 rounded-full border border-line bg-surface px-2.5 py-1 text-xs"
    >
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${dotClass[connection.state]}`} />
      <span role="status" aria-live="polite" className="font-medium text-fg">
        {label}
        <span className="sr-only">. {detail}</span>
      </span>
      {connection.state === "offline" && !connection.retrying && (
        <button type="button" onClick={onRetry} className="rounded px-1 font-medium text-accent hover:underline">
          Retry
        </button>
      )}
    </div>
  );
}
