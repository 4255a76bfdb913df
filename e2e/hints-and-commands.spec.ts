// Issue 16, item 9: hints and snippets. Before, one click on a hint charged XP with no
// confirmation, code blocks were cut off and scrolled sideways, commands in hints and the
// briefing had no Copy or "Run in terminal" (Killercoda and iximiuz have both), and the
// terminal's home folder was empty, so a terminal-only learner had no manifests to edit.
import { expect, test } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { LEVEL_ID, LEVEL_XP, abandonLevel30AfterEach, attachScreenshot } from "./support/level-30";

abandonLevel30AfterEach();

test("a hint that costs XP asks first; Cancel charges nothing", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();
  await page.getByRole("tab", { name: /Hints/ }).click();
  const worth = page.getByTestId("level-worth");
  await expect(worth).toHaveAttribute("data-worth", String(LEVEL_XP));

  await page.getByTestId("hint-open-1").click();
  const dialog = page.getByTestId("confirm-dialog");
  await expect(dialog).toContainText("Open hint 1 for 25 XP?");
  await expect(dialog).toContainText(`earns ${LEVEL_XP} XP. After this hint it earns ${LEVEL_XP - 25} XP`);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("hint-1")).toHaveCount(0);
  await expect(worth).toHaveAttribute("data-worth", String(LEVEL_XP));

  await level.openHint(1);
  await expect(worth).toHaveAttribute("data-worth", String(LEVEL_XP - 25));
});

test("commands in the briefing and hints can be copied and run in the terminal; the manifests are in the home folder", async ({ page, context }, testInfo) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();

  // Before the level runs there is no shell: Run says why, Copy works.
  const briefingBlock = page.getByRole("tabpanel").getByTestId("code-block").first();
  await expect(briefingBlock.getByTestId("code-run")).toBeDisabled();
  await expect(briefingBlock.getByTestId("code-run")).toHaveAttribute("title", /Start the level first/);
  await briefingBlock.getByTestId("code-copy").click();
  await expect(briefingBlock).toContainText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("kubectl get statefulset,service,pods");

  await level.start();
  await expect(level.terminal).toHaveAttribute("data-status", "attached", { timeout: 60_000 });
  await page.getByRole("tab", { name: "Briefing" }).click();
  await briefingBlock.getByTestId("code-run").click();
  // Typed into the learner's own shell and run there.
  await expect(level.terminal.locator(".xterm-rows")).toContainText(/statefulset\.apps\/redis/, { timeout: 30_000 });
  await expect(level.terminal.locator(".xterm-rows")).toContainText(/service\/redis\s+ClusterIP/);

  // A hint's command block: whole (wrapped, not cut off) and runnable too.
  const hint = await level.openHint(1);
  const block = hint.getByTestId("code-block").first();
  await expect(block).toContainText("kubectl logs redis-1 -c wait-for-primary");
  const overflow = await block.locator("pre").evaluate((pre) => pre.scrollWidth - pre.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await attachScreenshot(page, testInfo, "hint with Copy and Run in terminal");
  // The level is Ready once redis-1's init container runs (readyWhenStarted), but the container
  // logs its first line only after two DNS lookups: a second, or many on a busy machine, and a
  // command run before then prints nothing. Wait, as a learner watching the pods would, until
  // the log says what the hint describes, then run it.
  const waitedFrom = Date.now();
  const settled = await level.runShell("timeout 60 sh -c \"until kubectl logs redis-1 -c wait-for-primary 2>/dev/null | grep -q 'waiting for'; do sleep 1; done\"");
  expect(settled.exitCode, "redis-1's wait-for-primary logged nothing within 60 s").toBe(0);
  testInfo.annotations.push({ type: "redis-1 logging after the hint opened", description: `${Date.now() - waitedFrom} ms` });
  await block.getByTestId("code-run").click();
  await expect(level.terminal.locator(".xterm-rows")).toContainText("kubequest-wait-for-primary: waiting for", { timeout: 30_000 });

  // The level's manifests are in the terminal's home folder, the same as the editor's.
  const listing = await level.runShell("clear; ls ~ && grep -c 'kind: Service' ~/service.yaml");
  expect(listing.exitCode).toBe(0);
  expect(listing.screen).toMatch(/service\.yaml\s+statefulset\.yaml/);
});
