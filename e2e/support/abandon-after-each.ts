/**
 * Why: every spec that plays a level must leave the shared cluster as it found it, and say what
 * the page showed when it failed. Apart from environment-cleanup.ts, which scripts outside the
 * Playwright runner (levels:verify, grade:installation) import without its `test`.
 */
import { test } from "@playwright/test";
import { abandonLevel } from "./environment-cleanup";

/**
 * Registers the cleanup a spec that plays `levelId` needs: a screenshot when the test failed
 * (taken before the page goes), then the learner's namespace deleted as abandoning the level would.
 */
export function abandonLevelAfterEach(levelId: string): void {
  test.afterEach(async ({ context, page, baseURL }, testInfo) => {
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach("page before cleanup", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" }).catch(() => undefined);
    }
    await abandonLevel(context, baseURL!, levelId).catch(() => undefined);
  });
}
