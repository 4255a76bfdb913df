"use client";

import { useCallback, useEffect, useState } from "react";
import type { ActionableError, LevelHelpState } from "@/lib/protocol/socket-events";
import { request } from "@/lib/client/request";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";

const HELP_TIMEOUT_MS = 15_000;

export interface LevelHelp {
  /** null until the server answered. */
  state: LevelHelpState | null;
  pending: "hint" | "solution" | null;
  error: ActionableError | null;
  openHint(index: number): void;
  revealSolution(): void;
}

/**
 * Hints, the solution and the level's worth, as the server records them: loaded on connect,
 * changed by `hint:open` / `solution:reveal`, and kept in step with the learner's other tabs
 * (`help:changed`) and with awards (`xp:awarded`).
 */
export function useLevelHelp(socket: KubeQuestSocket | null, levelId: string, connected: boolean): LevelHelp {
  const [state, setState] = useState<LevelHelpState | null>(null);
  const [pending, setPending] = useState<LevelHelp["pending"]>(null);
  const [error, setError] = useState<ActionableError | null>(null);

  const load = useCallback(() => {
    if (!socket) return;
    void request(socket, "level:help", { levelId }, HELP_TIMEOUT_MS).then((result) => {
      if (result.ok) setState(result.value);
      else setError(result.error);
    });
  }, [socket, levelId]);

  useEffect(() => {
    if (connected) load();
  }, [connected, load]);

  useSocketEvent(socket, "help:changed", (next) => {
    if (next.levelId === levelId) setState(next);
  });
  useSocketEvent(socket, "xp:awarded", (award) => {
    if (award.levelId === levelId) load();
  });

  const openHint = useCallback(
    (index: number) => {
      if (!socket) return;
      setPending("hint");
      setError(null);
      void request(socket, "hint:open", { levelId, index }, HELP_TIMEOUT_MS).then((result) => {
        setPending(null);
        if (result.ok) setState(result.value);
        else setError(result.error);
      });
    },
    [socket, levelId],
  );

  const revealSolution = useCallback(() => {
    if (!socket) return;
    setPending("solution");
    setError(null);
    void request(socket, "solution:reveal", { levelId, confirmed: true }, HELP_TIMEOUT_MS).then((result) => {
      setPending(null);
      if (result.ok) setState(result.value);
      else setError(result.error);
    });
  }, [socket, levelId]);

  return { state, pending, error, openHint, revealSolution };
}
