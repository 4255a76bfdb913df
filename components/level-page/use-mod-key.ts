"use client";

import { useSyncExternalStore } from "react";

function isApple(): boolean {
  const nav = navigator as Navigator & { userAgentData?: { platform?: string } };
  const platform = nav.userAgentData?.platform ?? nav.platform ?? "";
  return /mac|iphone|ipad/i.test(platform);
}

/** "⌘" on Apple platforms, "Ctrl" elsewhere (and while rendering on the server). */
export function useModKey(): string {
  return useSyncExternalStore(
    () => () => {},
    () => (isApple() ? "⌘" : "Ctrl"),
    () => "Ctrl",
  );
}
