// Issue 16, item 3: the free "Check my work" feedback says *what* is wrong and where to look,
// and points to the next hint; the hints, which cost XP, say *how*. Before, a free failed check
// said "delete the Service and create it again with clusterIP: None" (twice, with literal
// backticks) while the 25 XP hint said "read the logs".
import { expect, test } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { LEVEL_ID, abandonLevel30AfterEach } from "./support/level-30";

abandonLevel30AfterEach();

test("a failed check names the problem without the fix, shows code as code and points to the next hint", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();
  await level.start();

  await level.grade();
  const check = level.check("service-headless");
  await expect(check).toHaveAttribute("data-status", "fail");
  // What is wrong, with the evidence...
  await expect(check).toContainText(/Service redis has the virtual IP 10\.96\.\d+\.\d+/);
  await expect(check).toContainText("kubectl get service redis");
  // ...but not how to fix it: that is what hints 3 and 4 are paid for.
  await expect(check).not.toContainText("clusterIP: None");
  await expect(check).not.toContainText(/create it again|Recreate/i);
  // Code is rendered as code, never as backticks; and the fix is said once, not twice.
  await expect(check).not.toContainText("`");
  await expect(check.locator("code", { hasText: "kubectl get service redis" })).toHaveCount(1);

  // The way to more help, with its price.
  const pointer = check.getByTestId("next-hint-pointer");
  await expect(pointer).toContainText("Hint 1");
  await expect(pointer).toContainText("−25 XP");
  await pointer.getByRole("button", { name: "Go to hint 1" }).click();
  await expect(page.getByRole("tab", { name: /Hints/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("hint-open-1")).toBeVisible();

  // Once a hint is open, the next failure points one further.
  await level.openHint(1);
  await level.grade();
  await expect(level.check("service-headless").getByTestId("next-hint-pointer")).toContainText("Hint 2");

  // The paid hints are where the how lives.
  await level.openHint(2);
  const third = await level.openHint(3);
  await expect(third).toContainText("clusterIP: None");
  const fourth = await level.openHint(4);
  await expect(fourth).toContainText("Recreate");
});
