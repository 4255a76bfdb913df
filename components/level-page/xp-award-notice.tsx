"use client";

import Link from "next/link";
import { useState } from "react";
import type { XpAwarded } from "@/lib/protocol/socket-events";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";
import { buttonStyles } from "@/components/ui/button-styles";

/** "+225 XP" and any achievements earned, shown when the server awards this level. */
export function XpAwardNotice({ socket, levelId }: { socket: KubeQuestSocket | null; levelId: string }) {
  const [award, setAward] = useState<XpAwarded | null>(null);
  useSocketEvent(socket, "xp:awarded", (next) => {
    if (next.levelId === levelId) setAward(next);
  });
  if (!award) return null;
  return (
    <div
      role="status"
      data-testid="xp-award"
      data-xp={award.xp}
      className="fixed right-4 bottom-4 z-40 max-w-sm rounded-lg border border-xp/40 bg-surface px-4 py-3 shadow-lg shadow-black/40"
    >
      <p className="font-semibold text-white">
        <span className="text-xp">+{award.xp} XP</span> {award.kind === "chaos" ? "chaos bonus" : "for this level"} · {award.totalXp} XP in total
      </p>
      {award.achievements.length > 0 && (
        <ul className="mt-1 text-sm text-fg">
          {award.achievements.map((a) => (
            <li key={a.id}>
              <span aria-hidden="true" className="mr-1 text-xp">
                ★
              </span>
              Achievement: {a.title}
            </li>
          ))}
        </ul>
      )}
      <div className="mt-2 flex gap-2">
        <Link href="/profile" className={buttonStyles.ghost}>
          Profile
        </Link>
        <Link href="/leaderboard" className={buttonStyles.ghost}>
          Leaderboard
        </Link>
        <button type="button" className={buttonStyles.ghost} onClick={() => setAward(null)}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
