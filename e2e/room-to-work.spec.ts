// Issue 16, item 6: the level page gives the terminal and the debrief room. Before, at
// 1440×900 the terminal showed about ten lines, the debrief (a long article with a table) was
// squeezed into ~340×370 px above the grader, and "Run the chaos round" and the live view's
// DNS answers were below the fold.
import { expect, test } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { LEVEL_ID, VIEWPORTS, abandonLevel30AfterEach, attachScreenshot, headlessService } from "./support/level-30";

abandonLevel30AfterEach();

test("a roomy terminal that remembers its size, the next step in view after passing, and the debrief in a wide view", async ({ page }, testInfo) => {
  test.setTimeout(420_000);
  await page.setViewportSize(VIEWPORTS.large);
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();
  await level.start();
  await expect(level.terminal).toHaveAttribute("data-status", "attached", { timeout: 60_000 });

  // A fresh learner's terminal takes a share of the window: at least 15 lines at 1440×900.
  await expect.poll(() => level.terminal.locator(".xterm-rows > div").count()).toBeGreaterThanOrEqual(15);

  // Resized from the keyboard, and remembered across a reload.
  const splitter = page.getByRole("separator", { name: "Resize the terminal" });
  await splitter.focus();
  await page.keyboard.press("Shift+ArrowUp");
  const height = await page.locator("#level-terminal").evaluate((el) => el.getBoundingClientRect().height);
  await level.reload();
  await expect.poll(() => page.locator("#level-terminal").evaluate((el) => Math.round(el.getBoundingClientRect().height))).toBe(Math.round(height));

  // The live view's DNS answers are one click away.
  await expect(page.getByTestId("live-dns")).toBeAttached({ timeout: 60_000 });
  await page.getByTestId("live-jump-dns").click();
  await expect(page.getByTestId("live-dns")).toBeInViewport();

  await level.applyText(headlessService, { tab: "service.yaml", recreateIfImmutable: true });
  await level.waitForReadyPods("redis", 3, 120_000);
  await expect(await level.grade()).toHaveAttribute("data-passed", "true");

  // What comes next is in view without scrolling the grader: the chaos round and the debrief.
  await expect(page.getByTestId("chaos-run")).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId("read-debrief")).toBeInViewport({ ratio: 1 });
  await attachScreenshot(page, testInfo, "after passing at 1440x900");

  await page.getByTestId("read-debrief").click();
  const dialog = page.getByTestId("debrief-dialog");
  await expect(dialog).toBeVisible();
  const box = await dialog.boundingBox();
  expect(box!.width).toBeGreaterThanOrEqual(800);
  await expect(dialog.locator("table")).toBeVisible();
  await attachScreenshot(page, testInfo, "debrief wide view at 1440x900");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  // The Debrief tab holds it too, with the way back to the wide view.
  await expect(page.getByTestId("debrief")).toBeVisible();
  await page.getByTestId("debrief-open-wide").click();
  await expect(page.getByTestId("debrief-dialog")).toBeVisible();
});
