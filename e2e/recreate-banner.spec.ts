// Issue 16, item 2: after Apply is refused because clusterIP is immutable, the way out is in one
// banner with the Recreate button, where the eye already is (under the Apply button, above the
// underlined line). Before: the same message three times (problem list, a red box, a yellow box
// repeating the server's text), the editor down to six lines, the button only reachable by
// scrolling a small panel.
import { expect, test, type Page } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { LEVEL_ID, VIEWPORTS, abandonLevel30AfterEach, attachScreenshot, headlessService } from "./support/level-30";

abandonLevel30AfterEach();

/** How many separate places on the page tell the learner that clusterIP can't change in place. */
async function placesSayingItCantChange(page: Page): Promise<number> {
  return page
    .getByTestId("yaml-editor")
    .locator("p, li, h3")
    .filter({ hasText: /can't be changed|may not change|immutable/i })
    .filter({ visible: true })
    .count();
}

test("a refused Apply shows one banner with the Recreate button in view, at 1440×900 and 1024×700", async ({ page }, testInfo) => {
  const level = new LevelPage(page, LEVEL_ID);
  await page.setViewportSize(VIEWPORTS.large);
  await level.goto();
  await level.start();

  await level.openEditorTab("service.yaml");
  await level.setEditorText(headlessService);
  await level.apply();

  for (const [name, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    const banner = page.getByTestId("immutable-explanation");
    await expect(banner).toHaveCount(1);
    await expect(banner).toBeVisible();
    // Said once: no red error box, no problem-list entry and no "server said" repeating it.
    await expect(page.getByTestId("yaml-editor").getByRole("alert")).toHaveCount(0);
    await expect(page.getByTestId("yaml-issues")).toHaveCount(0);
    await expect(page.getByTestId("yaml-editor")).not.toContainText("Server said");
    expect(await placesSayingItCantChange(page)).toBe(1);
    // No literal backticks: the field is shown as code.
    await expect(banner).not.toContainText("`");
    await expect(banner.locator("code").first()).toHaveText("spec.clusterIP");

    // The button is on screen without scrolling, above the editor, and the editor keeps its room.
    const recreate = page.getByTestId("recreate-resource");
    await expect(recreate).toBeInViewport({ ratio: 1 });
    const editorBox = await page.locator(".monaco-editor").first().boundingBox();
    const buttonBox = await recreate.boundingBox();
    expect(editorBox && buttonBox).toBeTruthy();
    expect(buttonBox!.y).toBeLessThan(editorBox!.y);
    expect(editorBox!.height).toBeGreaterThanOrEqual(name === "large" ? 280 : 140);
    await attachScreenshot(page, testInfo, `refused apply at ${size.width}x${size.height}`);
  }

  // Keyboard: the button is reachable and does what it says.
  await page.getByTestId("recreate-resource").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("confirm-dialog")).toBeVisible();
  await page.getByTestId("confirm-yes").click();
  await expect(page.getByTestId("apply-result")).toContainText("created", { timeout: 90_000 });
  await expect(page.getByTestId("immutable-explanation")).toHaveCount(0);
});

test("the dry run already offers Recreate, before any Apply", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();
  await level.start();
  await level.openEditorTab("service.yaml");
  await level.setEditorText(headlessService);
  // The underlined line and the banner with the button appear while the learner is still editing.
  await expect(page.getByTestId("immutable-explanation")).toBeVisible();
  await expect(page.getByTestId("recreate-resource")).toBeEnabled();
  await expect(page.getByTestId("apply-result")).toHaveCount(0);
  await expect(level.editorValidation).toContainText("explained above the editor");
});
