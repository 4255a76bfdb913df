"use client";

import { useCallback, useEffect, useState } from "react";
import type { AccountView } from "@/lib/protocol/account-api";
import { fetchSession } from "@/lib/client/account-client";
import type { KubeQuestSocket } from "@/lib/client/socket";

/**
 * Who is signed in and their XP, from GET /api/session; with a socket (the level page's), the
 * XP follows `xp:awarded` live. It never opens a socket itself: pages without one (the level
 * list) must not hold a connection, and the level page owns its own.
 * null while loading (and during server rendering).
 */
export function useAccount(socket: KubeQuestSocket | null = null): { account: AccountView | null; reload: () => void } {
  const [account, setAccount] = useState<AccountView | null>(null);
  const reload = useCallback(() => {
    void fetchSession().then((r) => {
      if (r.ok) setAccount(r.value.account);
    });
  }, []);
  useEffect(() => {
    reload();
  }, [reload]);
  useEffect(() => {
    if (!socket) return;
    const onAward = (award: { totalXp: number }) => setAccount((a) => (a ? { ...a, xp: award.totalXp } : a));
    socket.on("xp:awarded", onAward);
    return () => {
      socket.off("xp:awarded", onAward);
    };
  }, [socket]);
  return { account, reload };
}
