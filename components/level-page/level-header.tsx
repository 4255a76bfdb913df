import type { LevelDetail } from "@/lib/protocol/socket-events";
import type { ConnectionSnapshot } from "@/lib/client/connection-state";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { AccountMenu } from "@/components/account/account-menu";
import { Logo } from "@/components/brand/logo";
import { buttonStyles } from "@/components/ui/button-styles";
import { DifficultyBadge } from "@/components/ui/difficulty-badge";
import { Spinner } from "@/components/ui/spinner";
import { XpBadge } from "@/components/ui/xp-badge";
import { ConnectionIndicator } from "./connection-indicator";
import { EnvironmentProgress } from "./environment-progress";
import { phaseLabels } from "./environment-view";
import type { LevelEnvironment } from "./use-level-environment";

const pillClass = {
  neutral: "border-line-strong bg-raised text-muted",
  busy: "border-accent/40 bg-accent-soft text-accent",
  ok: "border-ok/40 bg-ok-soft text-ok",
  bad: "border-bad/40 bg-bad-soft text-bad",
} as const;

export function LevelHeader({
  level,
  socket,
  connection,
  environment,
  showProgress,
  elapsedMs,
  connected,
  onStart,
  onReset,
  onRetryConnection,
  onShowShortcuts,
  xp,
}: {
  level: LevelDetail;
  /**
   * The level's XP for this learner, from the server's help state (the Hints tab shows the same
   * figures): what passing earns now, or what was awarded. null until it loads.
   */
  xp: { worth: number; awarded: number | null } | null;
  /** The level page's socket: the account's XP follows awards live through it. */
  socket: KubeQuestSocket | null;
  connection: ConnectionSnapshot;
  environment: LevelEnvironment;
  showProgress: boolean;
  elapsedMs: number;
  connected: boolean;
  onStart: () => void;
  onReset: () => void;
  onRetryConnection: () => void;
  onShowShortcuts: () => void;
}) {
  const { status, pending } = environment;
  const phase = status?.phase;
  const busy = pending === "start" || pending === "reset" || phase === "provisioning" || phase === "resetting";
  const resetting = pending === "reset" || phase === "resetting";

  let pill: { text: string; tone: keyof typeof pillClass; spin: boolean };
  if (busy) pill = { text: resetting ? phaseLabels.resetting : phaseLabels.provisioning, tone: "busy", spin: true };
  else if (!status)
    pill = { text: pending === "open" ? "Checking…" : "Waiting for server", tone: "neutral", spin: pending === "open" };
  else if (phase === "ready") pill = { text: status.passed ? "Ready · passed" : "Ready", tone: "ok", spin: false };
  else if (phase === "failed") pill = { text: phaseLabels.failed, tone: "bad", spin: false };
  else pill = { text: phaseLabels.absent, tone: "neutral", spin: false };

  const canStart = connected && !busy && (phase === "absent" || phase === "failed");

  return (
    <header className="flex h-14 shrink-0 items-center gap-3 border-b border-line bg-surface px-4">
      <Logo compact />
      <span aria-hidden="true" className="h-6 w-px bg-line" />
      <div className="min-w-0 flex-1">
        <p className="truncate text-[11px] font-medium tracking-wide text-muted uppercase">
          <span className="font-mono">Level {level.number}</span>
          <span aria-hidden="true"> · </span>
          World {level.world.number}: {level.world.title}
        </p>
        <h1 className="truncate text-[15px] leading-tight font-semibold text-white">{level.title}</h1>
      </div>
      <div className="hidden items-center gap-3 xl:flex">
        <DifficultyBadge difficulty={level.difficulty} />
        <span
          data-testid="header-xp"
          data-worth={xp?.worth ?? level.xp}
          data-awarded={xp?.awarded ?? undefined}
          title={
            xp?.awarded != null
              ? `You earned ${xp.awarded} XP on this level`
              : `Passing now earns ${xp?.worth ?? level.xp} XP${xp && xp.worth < level.xp ? ` (${level.xp} less what hints cost)` : ""}`
          }
          className="inline-flex items-center gap-1.5 text-xs text-muted"
        >
          {xp?.awarded != null ? (
            <>
              Earned <XpBadge xp={xp.awarded} />
            </>
          ) : (
            <>
              <span className="sr-only">Passing now earns</span>
              <XpBadge xp={xp?.worth ?? level.xp} />
            </>
          )}
        </span>
      </div>
      <span aria-hidden="true" className="hidden h-6 w-px bg-line xl:block" />

      <div className="flex items-center gap-3">
        <span
          data-testid="env-status"
          data-phase={phase ?? "unknown"}
          title={status?.namespace ? `Namespace ${status.namespace}` : undefined}
          className={`inline-flex items-center gap-1.5 rounded-full border px-2.5 py-1 text-xs font-medium ${pillClass[pill.tone]}`}
        >
          {pill.spin ? <Spinner className="h-3 w-3" /> : <span aria-hidden="true" className="h-1.5 w-1.5 rounded-full bg-current" />}
          <span className="sr-only">Environment: </span>
          {pill.text}
        </span>
        {busy && showProgress && (
          <EnvironmentProgress
            progress={environment.progress}
            elapsedMs={elapsedMs}
            label={resetting ? "Resetting your environment" : "Starting your environment"}
          />
        )}
        {(phase === "absent" || phase === "failed") && !busy && (
          <button
            type="button"
            data-testid="start-level"
            onClick={onStart}
            disabled={!canStart}
            className={buttonStyles.primary}
          >
            <span aria-hidden="true">▶</span>
            {phase === "failed" ? "Start again" : "Start level"}
          </button>
        )}
        {status && phase !== "absent" && (
          <button
            type="button"
            data-testid="reset-level"
            onClick={onReset}
            disabled={!connected || busy}
            className={buttonStyles.secondary}
            title="Delete everything in your namespace and start the level from its broken state"
          >
            <span aria-hidden="true">↺</span>
            Reset
          </button>
        )}
      </div>

      <ConnectionIndicator connection={connection} onRetry={onRetryConnection} />
      <AccountMenu compact socket={socket} />
      <button
        type="button"
        onClick={onShowShortcuts}
        aria-label="Keyboard shortcuts"
        aria-keyshortcuts="?"
        className={`${buttonStyles.icon} border border-line font-mono`}
      >
        ?
      </button>
    </header>
  );
}
