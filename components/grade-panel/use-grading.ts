"use client";

import { useCallback, useEffect, useReducer } from "react";
import type { GradeRound } from "@/lib/protocol/socket-events";
import { readStored, storageKeys, writeStored } from "@/lib/client/local-store";
import { request, REQUEST_TIMEOUTS } from "@/lib/client/request";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";
import { gradeReducer, initialGradeState, isRunning, type GradeState } from "./grade-state";

export interface Grading {
  state: GradeState;
  run(round: GradeRound): void;
  /** Forget the last run's results (the environment was reset under them). */
  clear(): void;
}

/**
 * Grading runs for one level: `grade:run` plus the live `grade:*` events. What the server
 * remembers (the main round passed, the chaos round passed) is restored on every visit, so a
 * reload never offers an earned round as new.
 */
export function useGrading(
  socket: KubeQuestSocket | null,
  levelId: string,
  passedOnServer: boolean,
  chaosPassedOnServer: boolean,
): Grading {
  const [state, dispatch] = useReducer(gradeReducer, initialGradeState);

  // A debrief unlocked on an earlier visit stays readable after a reload.
  useEffect(() => {
    dispatch({ type: "restore", mainPassed: false, debrief: readStored(storageKeys.debrief(levelId)) });
  }, [levelId]);
  useEffect(() => {
    if (passedOnServer || chaosPassedOnServer) {
      dispatch({ type: "restore", mainPassed: passedOnServer || chaosPassedOnServer, chaosPassed: chaosPassedOnServer, debrief: null });
    }
  }, [passedOnServer, chaosPassedOnServer]);
  useEffect(() => {
    if (state.debrief !== null) writeStored(storageKeys.debrief(levelId), state.debrief);
  }, [levelId, state.debrief]);

  useSocketEvent(socket, "grade:queued", (queued) => {
    if (queued.levelId === levelId) dispatch({ type: "queued", round: queued.round, place: queued.place });
  });
  useSocketEvent(socket, "grade:started", (started) => {
    if (started.levelId === levelId) dispatch({ type: "started", started });
  });
  useSocketEvent(socket, "grade:check", (update) => dispatch({ type: "check", runId: update.runId, result: update.result }));
  useSocketEvent(socket, "grade:finished", (finished) => {
    if (finished.levelId === levelId) dispatch({ type: "finished", finished });
  });

  const running = isRunning(state);
  const run = useCallback(
    (round: GradeRound) => {
      if (!socket || running) return;
      dispatch({ type: "request", round });
      void request(socket, "grade:run", { levelId, round }, REQUEST_TIMEOUTS.grade).then((result) => {
        if (result.ok) dispatch({ type: "finished", finished: result.value });
        else dispatch({ type: "failed", error: result.error });
      });
    },
    [socket, levelId, running],
  );

  const clear = useCallback(() => dispatch({ type: "reset" }), []);

  return { state, run, clear };
}
