// Issue 16, item 7: Reset clears results that describe the namespace it deletes, and says what
// it keeps. Before, a failed check still showed the old Service's cluster IP after a reset,
// and the dialog did not say that opened hints stay paid.
import { expect, test } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { LEVEL_ID, LEVEL_XP, abandonLevel30AfterEach } from "./support/level-30";

abandonLevel30AfterEach();

test("Reset says what it keeps, clears the grader's last results and keeps the opened hint", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();
  await level.start();
  await level.openHint(1);

  await level.grade();
  const check = level.check("service-headless");
  await expect(check).toHaveAttribute("data-status", "fail");
  await expect(check).toContainText(/spec\.clusterIP = 10\.96\./);

  await page.getByTestId("reset-level").click();
  const keeps = page.getByTestId("reset-keeps");
  await expect(keeps).toContainText("the hints you opened (their XP stays spent)");
  await expect(keeps).toContainText("The grader's last results are cleared");
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Cancel" }).click();

  await level.reset();
  // The old Service's evidence is gone with it; the grader waits for a new run. (The level's
  // checks stay listed, not yet graded, with the live verdicts of the new namespace.)
  await expect(page.locator('[data-testid^="grade-check-"]:not([data-status="pending"])')).toHaveCount(0);
  await expect(page.getByText("What the grader saw")).toHaveCount(0);
  await expect(page.getByTestId("grade-summary")).toHaveCount(0);
  await expect(page.getByTestId("grade-run")).toBeEnabled();
  // The hint stays open and paid, as the dialog said.
  await page.getByRole("tab", { name: /Hints/ }).click();
  await expect(page.getByTestId("hint-1")).toBeVisible();
  await expect(page.getByTestId("level-worth")).toHaveAttribute("data-worth", String(LEVEL_XP - 25));

  // A new run describes the new namespace.
  await level.grade();
  await expect(level.check("service-headless")).toHaveAttribute("data-status", "fail");
});
