"use client";
// Why: the level page's copy of "On the nodes" (`noderules:snapshot`), which the server sends
// every few seconds while the live view is open on a level with the panel. The browser asks for
// nothing: which namespace it shows is the server's choice, from the learner's session.

import { useCallback, useState } from "react";
import type { NodeRulesSnapshot } from "@/lib/protocol/socket-events";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";

export function useNodeRules(socket: KubeQuestSocket | null, levelId: string): { snapshot: NodeRulesSnapshot | null; clear(): void } {
  const [snapshot, setSnapshot] = useState<NodeRulesSnapshot | null>(null);
  useSocketEvent(socket, "noderules:snapshot", (next) => {
    if (next.levelId === levelId) setSnapshot(next);
  });
  const clear = useCallback(() => setSnapshot(null), []);
  return { snapshot, clear };
}
