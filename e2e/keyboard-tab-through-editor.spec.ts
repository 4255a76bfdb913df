// Issue 16, item 5: a keyboard user tabbing through the level page passes through the YAML
// editor without changing it. Before, Tab in the editor always indented: 21 presses made the
// file invalid, the way out (Esc, then Tab) was only in the shortcuts dialog, and the parser
// then blamed the innocent line 2.
import { expect, test, type Page } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { LEVEL_ID, abandonLevel30AfterEach } from "./support/level-30";

abandonLevel30AfterEach();

async function focusIsIn(page: Page): Promise<{ editor: boolean; terminal: boolean }> {
  return page.evaluate(() => {
    const active = document.activeElement;
    return { editor: Boolean(active?.closest(".monaco-editor")), terminal: Boolean(active?.closest('[data-testid="terminal"]')) };
  });
}

test("Tab from the page header reaches the terminal without changing the YAML; once the learner edits, Tab indents", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();
  await level.start();
  await expect(level.terminal).toHaveAttribute("data-status", "attached", { timeout: 60_000 });
  await level.openEditorTab("service.yaml");
  const original = await level.editorText();

  await page.getByTestId("reset-level").focus();
  let passedThroughEditor = false;
  let reachedTerminal = false;
  for (let presses = 0; presses < 150 && !reachedTerminal; presses++) {
    await page.keyboard.press("Tab");
    const where = await focusIsIn(page);
    if (where.editor) {
      passedThroughEditor = true;
      // Said where the cursor is: Tab moves on here.
      await expect(page.getByTestId("editor-tab-mode")).toHaveAttribute("data-mode", "focus");
    }
    reachedTerminal = where.terminal;
  }
  expect(passedThroughEditor, "Tab never reached the editor").toBe(true);
  expect(reachedTerminal, "Tab never reached the terminal").toBe(true);
  expect(await level.editorText()).toBe(original);

  // A learner who clicks into the text is editing: Tab indents, and Esc then Tab leaves.
  await page.locator(".monaco-editor .view-line").first().click();
  await page.keyboard.press("Home");
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("editor-tab-mode")).toHaveAttribute("data-mode", "indent");
  expect(await level.editorText()).toBe(`  ${original}`);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  expect((await focusIsIn(page)).editor).toBe(false);
  expect(await level.editorText()).toBe(`  ${original}`);

  // And an indented first line is blamed on line 1, with what to do, not on the innocent line 2.
  await expect(level.editorValidation).toContainText("line 1 is indented by 2 spaces but line 2 is not", { timeout: 30_000 });
});
