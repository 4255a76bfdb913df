"use client";

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { ActionableError, EnvironmentStatus, LiveViewSnapshot, ProgressEvent } from "@/lib/protocol/socket-events";
import { request } from "@/lib/client/request";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";
import { gradeReducer, initialGradeState, type GradeAction, type GradeState } from "@/components/grade-panel/grade-state";
import { createLatestGate } from "./latest-response";

const WATCH_TIMEOUT_MS = 15_000;

export interface LearnerWatch {
  status: EnvironmentStatus | null;
  snapshot: LiveViewSnapshot | null;
  /** Latest start/reset progress of the environment, while it lasts. */
  progress: ProgressEvent | null;
  grade: GradeState;
  dispatchGrade: (action: GradeAction) => void;
  /** Sets the status from an HTTP answer (reset), which may arrive before or after the event. */
  setStatus: (status: EnvironmentStatus) => void;
  error: ActionableError | null;
  rewatch: () => void;
}

/**
 * Watches one learner's environment of a level over the socket (`learner:watch`): the status
 * and live view now, then the same `environment:*`, `liveview:snapshot` and `grade:*` events the
 * learner's own tabs get. Renewed on every (re)connection; stopped when the page goes.
 *
 * A tab watches one learner at a time, so these events are theirs; the level id is still
 * checked so a late event of another level never shows.
 */
export function useLearnerWatch(socket: KubeQuestSocket | null, cohortId: string, learnerId: string, levelId: string | null): LearnerWatch {
  const [status, setStatus] = useState<EnvironmentStatus | null>(null);
  const [snapshot, setSnapshot] = useState<LiveViewSnapshot | null>(null);
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);
  const [grade, dispatchGrade] = useReducer(gradeReducer, initialGradeState);

  // A reconnection and a change of level can each ask again: only the newest answer counts, so
  // the picture of a level the learner has left never replaces the one they are on.
  const gate = useRef(createLatestGate());
  const watch = useCallback(() => {
    if (!socket || !levelId) return;
    const isLatest = gate.current.begin();
    void request(socket, "learner:watch", { cohortId, learnerId, levelId }, WATCH_TIMEOUT_MS).then((result) => {
      if (!isLatest()) return;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      setStatus(result.value.status);
      setSnapshot(result.value.snapshot);
    });
  }, [socket, cohortId, learnerId, levelId]);

  // On every (re)connection, and again once the level is known (the roster answers after connecting).
  useEffect(() => {
    if (!socket) return;
    socket.on("connect", watch);
    if (socket.connected) watch();
    return () => {
      socket.off("connect", watch);
    };
  }, [socket, watch]);
  useEffect(() => {
    const current = gate.current;
    return () => {
      current.invalidate();
      if (socket?.connected && levelId) socket.emit("learner:unwatch", { cohortId, learnerId, levelId }, () => undefined);
    };
  }, [socket, cohortId, learnerId, levelId]);

  useSocketEvent(socket, "environment:status", (next) => {
    if (next.levelId !== levelId) return;
    setStatus(next);
    if (next.phase !== "provisioning" && next.phase !== "resetting") setProgress(null);
    // The namespace went away (abandoned): the old picture would mislead.
    if (next.phase === "absent") setSnapshot(null);
  });
  useSocketEvent(socket, "environment:progress", (next) => {
    if (next.levelId === levelId) setProgress(next.done ? null : next);
  });
  useSocketEvent(socket, "liveview:snapshot", (next) => {
    if (next.levelId === levelId) setSnapshot(next);
  });
  useSocketEvent(socket, "grade:started", (started) => {
    if (started.levelId === levelId) dispatchGrade({ type: "started", started });
  });
  useSocketEvent(socket, "grade:check", (update) => dispatchGrade({ type: "check", runId: update.runId, result: update.result }));
  useSocketEvent(socket, "grade:finished", (finished) => {
    if (finished.levelId === levelId) dispatchGrade({ type: "finished", finished });
  });

  return { status, snapshot, progress, grade, dispatchGrade, setStatus, error, rewatch: watch };
}
