/**
 * Why: the learner-experience specs (issue 16) all play Level 30 from a fresh namespace; this
 * keeps its id, its manifests and the one fix they share in one place, plus the cleanup that
 * keeps the shared cluster from filling up with their environments.
 */
import type { TestInfo, Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { abandonLevelAfterEach } from "./abandon-after-each";

export const LEVEL_ID = "headless-statefulset-dns";
export const LEVEL_DIR = "levels/03-networking-and-services/30-headless-statefulset-dns";
export const brokenService = readFileSync(`${LEVEL_DIR}/broken/service.yaml`, "utf8");
/** The fix: the same Service, headless. Applying it in place is refused (clusterIP is immutable). */
export const headlessService = brokenService.replace(/^spec:\n/m, "spec:\n  clusterIP: None\n");
export const LEVEL_XP = 250;
export const CHAOS_BONUS_XP = 100;

/** The two sizes the issue was played at: a laptop and a small window. */
export const VIEWPORTS = {
  large: { width: 1440, height: 900 },
  small: { width: 1024, height: 700 },
} as const;

/** Attaches what the learner sees now to the Playwright report. */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.screenshot(), contentType: "image/png" });
}

/** Registers the cleanup every Level 30 spec needs (see abandonLevelAfterEach). */
export function abandonLevel30AfterEach(): void {
  abandonLevelAfterEach(LEVEL_ID);
}
