"use client";

import Link from "next/link";
import { useState } from "react";
import type { SessionInfo } from "@/lib/protocol/account-api";
import { apiSend } from "@/lib/client/account-client";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { buttonStyles } from "@/components/ui/button-styles";
import { XpBadge } from "@/components/ui/xp-badge";
import { useAccount } from "./use-account";

/**
 * The header's account element: the signed-in person's name and XP (live), with links to the
 * profile and leaderboard, and Sign out; or sign-in / sign-up links while playing anonymously.
 */
export function AccountMenu({ compact = false, socket = null }: { compact?: boolean; socket?: KubeQuestSocket | null }) {
  const { account } = useAccount(socket);
  const [signingOut, setSigningOut] = useState(false);
  const [signOutFailed, setSignOutFailed] = useState(false);
  if (!account) return <span className="h-8 w-24" aria-hidden="true" />;

  function signOut() {
    setSigningOut(true);
    setSignOutFailed(false);
    void apiSend<SessionInfo>("POST", "/api/auth/sign-out").then((result) => {
      // A whole new page: every socket and cached view of the account goes with the old one.
      if (result.ok) window.location.assign("/");
      else {
        setSigningOut(false);
        setSignOutFailed(true);
      }
    });
  }

  if (!account.username) {
    return (
      <nav aria-label="Account" className="flex items-center gap-2">
        {!compact && (
          <Link href="/leaderboard" className={buttonStyles.ghost}>
            Leaderboard
          </Link>
        )}
        <Link href="/sign-in" className={buttonStyles.ghost} data-testid="nav-sign-in">
          Sign in
        </Link>
        <Link href="/sign-up" className={buttonStyles.secondary} data-testid="nav-sign-up">
          Create account
        </Link>
      </nav>
    );
  }
  return (
    <nav aria-label="Account" className="flex items-center gap-2" data-testid="account-menu">
      {account.role === "instructor" && (
        <Link href="/instructor" className={buttonStyles.ghost} data-testid="nav-instructor">
          Instructor dashboard
        </Link>
      )}
      {!compact && (
        <Link href="/leaderboard" className={buttonStyles.ghost} data-testid="nav-leaderboard">
          Leaderboard
        </Link>
      )}
      <Link
        href="/profile"
        className="inline-flex items-center gap-2 rounded-md px-2 py-1 text-sm text-fg hover:bg-raised"
        data-testid="nav-profile"
        aria-label={`Your profile: ${account.displayName ?? account.username}, ${account.xp} XP`}
      >
        <span className="max-w-40 truncate font-medium" data-testid="account-name">
          {account.displayName ?? account.username}
        </span>
        <span data-testid="account-xp" data-xp={account.xp}>
          <XpBadge xp={account.xp} />
        </span>
      </Link>
      <button
        type="button"
        data-testid="sign-out"
        onClick={signOut}
        disabled={signingOut}
        className={buttonStyles.ghost}
        title={signOutFailed ? "Signing out failed: check the connection and try again" : "Your progress stays with your account"}
      >
        {signingOut ? "Signing out…" : signOutFailed ? "Sign out (try again)" : "Sign out"}
      </button>
    </nav>
  );
}
