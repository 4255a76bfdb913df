"use client";

import { useCallback, useRef, useState } from "react";
import type { ActionableError, EnvironmentStatus, ProgressEvent } from "@/lib/protocol/socket-events";
import { request, REQUEST_TIMEOUTS } from "@/lib/client/request";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useOnConnect, useSocketEvent } from "@/lib/client/use-socket";

export type EnvironmentRequest = "open" | "start" | "reset";

export interface LevelEnvironment {
  status: EnvironmentStatus | null;
  progress: ProgressEvent | null;
  /** When the latest progress event arrived (ms since epoch), to keep the elapsed time ticking. */
  progressAt: number | null;
  pending: EnvironmentRequest | null;
  error: ActionableError | null;
  start(): void;
  reset(): void;
  reopen(): void;
  dismissError(): void;
}

/**
 * The learner's environment for one level: opened on every (re)connection with `level:open`,
 * kept current by `environment:status` / `environment:progress`, started and reset on request.
 */
export function useLevelEnvironment(socket: KubeQuestSocket | null, levelId: string): LevelEnvironment {
  const [status, setStatus] = useState<EnvironmentStatus | null>(null);
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [progressAt, setProgressAt] = useState<number | null>(null);
  const [pending, setPending] = useState<EnvironmentRequest | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);
  // Answers to an older request must not overwrite a newer one's.
  const sequence = useRef(0);

  const applyStatus = useCallback((next: EnvironmentStatus) => {
    setStatus(next);
    if (next.phase !== "provisioning" && next.phase !== "resetting") {
      setProgress(null);
      setProgressAt(null);
    }
  }, []);

  const send = useCallback(
    (kind: EnvironmentRequest) => {
      if (!socket) return;
      const id = ++sequence.current;
      setPending(kind);
      setError(null);
      if (kind !== "open") {
        setProgress(null);
        setProgressAt(Date.now());
      }
      const event = kind === "open" ? "level:open" : kind === "start" ? "level:start" : "level:reset";
      void request(socket, event, { levelId }, REQUEST_TIMEOUTS[kind]).then((result) => {
        if (id !== sequence.current) return;
        setPending(null);
        if (result.ok) applyStatus(result.value);
        else setError(result.error);
      });
    },
    [socket, levelId, applyStatus],
  );

  useOnConnect(socket, () => send("open"));

  useSocketEvent(socket, "environment:status", (next) => {
    if (next.levelId === levelId) applyStatus(next);
  });

  useSocketEvent(socket, "environment:progress", (next) => {
    if (next.levelId !== levelId) return;
    setProgress(next);
    setProgressAt(Date.now());
  });

  return {
    status,
    progress,
    progressAt,
    pending,
    error,
    start: useCallback(() => send("start"), [send]),
    reset: useCallback(() => send("reset"), [send]),
    reopen: useCallback(() => send("open"), [send]),
    dismissError: useCallback(() => setError(null), []),
  };
}
