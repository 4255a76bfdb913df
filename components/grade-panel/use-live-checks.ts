"use client";
// Why: the level page's copy of the server's live verdicts (`checks:live`), and the sentence a
// screen reader hears when one of them turned green or red (not on every update). The server
// evaluates them; this only shows what it sent.

import { useCallback, useRef, useState } from "react";
import type { LiveChecks } from "@/lib/protocol/socket-events";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";
import { announceLiveChanges, liveChanges } from "./live-checks";

export interface LiveCheckState {
  /** The latest verdicts of this level's namespace; null before the first or after a reset. */
  checks: LiveChecks | null;
  /** The last change worth announcing ("" until one). */
  announcement: string;
  /** Forget them: the namespace they describe is being rebuilt or was deleted. */
  clear(): void;
}

export function useLiveChecks(socket: KubeQuestSocket | null, levelId: string): LiveCheckState {
  const [checks, setChecks] = useState<LiveChecks | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const latest = useRef<LiveChecks | null>(null);

  useSocketEvent(socket, "checks:live", (next) => {
    if (next.levelId !== levelId) return;
    const said = announceLiveChanges(liveChanges(latest.current, next));
    latest.current = next;
    setChecks(next);
    if (said) setAnnouncement(said);
  });

  const clear = useCallback(() => {
    latest.current = null;
    setChecks(null);
  }, []);

  return { checks, announcement, clear };
}
