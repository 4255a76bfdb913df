/**
 * The one reset sequence of a learner's level, whoever asks for it (the learner's `level:reset`
 * or their instructor from the dashboard):
 *
 * 1. the learner's terminal of the level closes, saying why (tmux goes with the namespace);
 * 2. everyone looking at the namespace sees "resetting";
 * 3. the caller's own bookkeeping (`beforeReset`: the learner's activity, the live roster);
 * 4. the environment is deleted and built again in its broken state;
 * 5. the live view starts over on the new namespace: the old subscription watched objects that
 *    are gone, and re-sending its last picture would show the environment as it was before.
 *
 * Node only.
 */
import type { EnvironmentStatus } from "../../lib/protocol/socket-events";
import type { EmitToNamespace } from "../instructor/learner-watch-broadcast";
import type { NamespaceLiveViews } from "../live-view/namespace-live-view";
import { attemptKeyOf, type TerminalSessions } from "../terminal/terminal-session";
import type { LevelEnvironments } from "./level-environment";

export interface ResetLearnerLevelDeps {
  environments: LevelEnvironments;
  terminals: TerminalSessions;
  liveViews: NamespaceLiveViews;
  toNamespace: EmitToNamespace;
  /** Whether anyone (the learner's tabs or a watching instructor) looks at the namespace. */
  looked(namespace: string): boolean;
}

export async function resetLearnerLevel(
  deps: ResetLearnerLevelDeps,
  learnerId: string,
  levelId: string,
  opts: { terminalReason: string; beforeReset?: () => Promise<void> },
): Promise<EnvironmentStatus> {
  const { environments, liveViews } = deps;
  const namespace = await environments.namespaceOf(learnerId, levelId);
  deps.terminals.closeAttempt(attemptKeyOf(learnerId, levelId), opts.terminalReason);
  deps.toNamespace(namespace, "environment:status", { levelId, phase: "resetting", namespace, passed: false });
  await opts.beforeReset?.();
  const status = await environments.reset(learnerId, levelId);
  liveViews.unsubscribe(namespace);
  if (status.phase === "ready" && deps.looked(namespace)) {
    try {
      liveViews.subscribe(await environments.requireReady(learnerId, levelId));
    } catch (err) {
      // The reset itself went through; the live view follows on the next open or watch.
      console.error(`[reset] live view of ${namespace}:`, err);
    }
  }
  return status;
}
