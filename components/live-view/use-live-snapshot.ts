"use client";

import { useState } from "react";
import type { LiveViewSnapshot } from "@/lib/protocol/socket-events";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";

/** The latest `liveview:snapshot` of this level's namespace (the server pushes them while the environment runs). */
export function useLiveSnapshot(socket: KubeQuestSocket | null, levelId: string): LiveViewSnapshot | null {
  const [snapshot, setSnapshot] = useState<LiveViewSnapshot | null>(null);
  useSocketEvent(socket, "liveview:snapshot", (next) => {
    if (next.levelId === levelId) setSnapshot(next);
  });
  return snapshot;
}
