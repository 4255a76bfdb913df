/**
 * The one reset sequence of a learner's level, whoever asks for it (the learner's `level:reset`
 * or their instructor from the dashboard), through whichever instance:
 *
 * 1. the learner's terminal of the level closes, saying why, on whichever instance holds it
 *    (tmux goes with the namespace);
 * 2. everyone looking at the namespace sees "resetting";
 * 3. the caller's own bookkeeping (`beforeReset`: the learner's activity, the live roster);
 * 4. the environment is deleted and built again in its broken state;
 * 5. every instance hears that the environment was rebuilt: its caches drop the old one and its
 *    live views start over on the new namespace (the old subscription watched objects that are
 *    gone, and re-sending its last picture would show the environment as it was before).
 *
 * Node only.
 */
import type { EnvironmentStatus } from "../../lib/protocol/socket-events";
import type { Realtime } from "../realtime/realtime";
import { attemptKeyOf } from "./environment-naming";
import type { LevelEnvironments } from "./level-environment";

export interface ResetLearnerLevelDeps {
  environments: LevelEnvironments;
  realtime: Pick<Realtime, "publish" | "toNamespace">;
}

export async function resetLearnerLevel(
  deps: ResetLearnerLevelDeps,
  learnerId: string,
  levelId: string,
  opts: { terminalReason: string; beforeReset?: () => Promise<void> },
): Promise<EnvironmentStatus> {
  const { environments, realtime } = deps;
  const namespace = await environments.namespaceOf(learnerId, levelId);
  realtime.publish("terminal-closing", { attemptKey: attemptKeyOf(learnerId, levelId), reason: opts.terminalReason });
  realtime.toNamespace(namespace, "environment:status", { levelId, phase: "resetting", namespace, passed: false });
  await opts.beforeReset?.();
  const status = await environments.reset(learnerId, levelId);
  realtime.publish("environment-changed", { learnerId, levelId, namespace, rebuilt: status.phase === "ready" });
  return status;
}
