/**
 * Ending the tmux client of a closed terminal inside the toolbox pod.
 *
 * Closing an exec's connection does not end its process: the container runtime keeps the
 * process and its pseudo-terminal, so every re-attach (a reconnect on flaky Wi-Fi, a reload,
 * a second tab) used to leave one `tmux new-session -A -s main` client running in the pod,
 * forever, piling up against the pod's limits. So each attach carries a random token in its
 * environment, and closing the terminal runs a second, short exec that kills the tmux client
 * carrying that token. tmux's server, and with it the learner's shell and history, stays: only
 * the client of that attach goes, and the server simply sees it detach.
 *
 * SIGKILL, not SIGHUP: a client whose output was paused by flow control is blocked writing to a
 * terminal nobody reads any more; it catches SIGHUP and then blocks again writing its goodbye.
 *
 * The token is generated here, never taken from the learner, and is the only variable part of
 * either command line.
 */
import { randomBytes } from "node:crypto";
import type { KubeAdapter } from "../kubernetes/kube-adapter";

/** The variable that marks which attach a tmux client belongs to. */
export const ATTACH_TOKEN_VARIABLE = "KUBEQUEST_ATTACH";

/** Attach to the session "main", creating it the first time (`-A`). */
export const TMUX_SESSION_ARGV = ["tmux", "new-session", "-A", "-s", "main"];

const TOKEN = /^[0-9a-f]{24}$/;

export const newAttachToken = (): string => randomBytes(12).toString("hex");

/** The attach command: tmux, with the attach's token in its environment (`env` execs tmux). */
export function attachArgv(token: string): string[] {
  if (!TOKEN.test(token)) throw new Error("attach token must be 24 hex digits");
  return ["env", `${ATTACH_TOKEN_VARIABLE}=${token}`, ...TMUX_SESSION_ARGV];
}

/**
 * Kills every tmux client whose environment holds the token, and prints how many it found.
 * tmux's server inherits its first client's environment, so it is skipped by its process name
 * or title ("tmux: server", set through prctl or setproctitle depending on the build). When the client is not there yet (the terminal closed while the exec was
 * still starting it), it looks once more a second later.
 */
export const END_CLIENT_SCRIPT = `
token="$1"; tries=0
while :; do
  n=0
  for d in /proc/[0-9]*; do
    comm="$(cat "$d/comm" 2>/dev/null)"
    title="$(tr '\\0' ' ' 2>/dev/null < "$d/cmdline")"
    case "$comm|$title" in *"tmux: server"*) continue ;; tmux*) ;; *) continue ;; esac
    if tr '\\0' '\\n' 2>/dev/null < "$d/environ" | grep -qxF "${ATTACH_TOKEN_VARIABLE}=$token"; then
      kill -KILL "\${d#/proc/}" 2>/dev/null && n=$((n + 1))
    fi
  done
  tries=$((tries + 1))
  if [ "$n" -gt 0 ] || [ "$tries" -ge 2 ]; then echo "$n"; exit 0; fi
  sleep 1
done
`;

export function endClientArgv(token: string): string[] {
  if (!TOKEN.test(token)) throw new Error("attach token must be 24 hex digits");
  return ["sh", "-c", END_CLIENT_SCRIPT, "kubequest-end-terminal", token];
}

/** Ends the attach's tmux client in the pod; resolves with how many processes were killed. */
export async function endTmuxClient(kube: KubeAdapter, namespace: string, pod: string, token: string): Promise<number> {
  const result = await kube.exec(namespace, pod, undefined, endClientArgv(token), { timeoutMs: 15_000 });
  return Number.parseInt(result.stdout.trim(), 10) || 0;
}
