// Issue 16, item 1: the editor's problems are the cluster's answer for the cluster as it is now.
// Before, a Service recreated headless (the fix) still showed "clusterIP can't be changed in
// place" with a red underline until a reload, inviting the learner to delete the fixing line.
import { expect, test } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { LEVEL_ID, abandonLevel30AfterEach, headlessService } from "./support/level-30";

abandonLevel30AfterEach();

test("after Recreate the editor shows no problem, and it checks again when the cluster changes", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();
  await level.start();

  await level.openEditorTab("service.yaml");
  await level.setEditorText(headlessService);
  // The dry run refuses the change in place: one problem, underlined on the clusterIP line and
  // explained in the Recreate banner.
  const banner = page.getByTestId("immutable-explanation");
  await expect(level.editorValidation).toHaveAttribute("data-problems", "1");
  await expect(banner).toContainText("clusterIP");
  await expect.poll(() => level.editorMarkers()).toEqual([expect.objectContaining({ line: 8, message: expect.stringContaining("clusterIP") })]);

  await level.apply();
  await level.recreate();

  // The cluster now holds exactly this text: no problem and no underline, without a reload.
  await expect(level.editorValidation).toHaveAttribute("data-problems", "0");
  await expect(level.editorValidation).toContainText("No problems found in service.yaml");
  await expect(banner).toHaveCount(0);
  await expect.poll(() => level.editorMarkers()).toEqual([]);

  // Someone puts an ordinary Service back from the terminal: the live view sees it, and the
  // editor says (unasked, without a keystroke) that its text can no longer be applied in place.
  const shell = await level.runShell("kubectl delete service redis && kubectl create service clusterip redis --tcp=6379:6379");
  expect(shell.exitCode).toBe(0);
  await expect(page.getByTestId("live-service")).toHaveAttribute("data-headless", "false");
  await expect(level.editorValidation).toHaveAttribute("data-problems", "1", { timeout: 60_000 });
  await expect(banner).toContainText("clusterIP");
  await expect.poll(() => level.editorMarkers()).toHaveLength(1);
});
