// Issue 15 item 3: the editor's completion and documentation from the keyboard alone, with
// Monaco's own keys, said in the editor and in the shortcuts dialog, and no focus trap on the
// way: a keyboard user tabs into service.yaml, asks for the fields that fit under spec
// (Ctrl+Space), reads clusterIP's documentation in the list (Ctrl+Space again), takes it
// (Enter), reads the documentation of the field at the cursor (Ctrl+K Ctrl+I, again to move
// into it, Esc back), jumps to an underlined typo (F8), and leaves (Esc, Tab). No level
// environment is needed: the schema comes from the cluster's OpenAPI, not the namespace.
import { expect, test } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { LEVEL_ID } from "./support/level-30";

test("completion, field documentation and problems work from the keyboard, and the keys are documented", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  const schemaLoaded = page.waitForResponse((r) => r.url().endsWith(`/api/editor-schema/${LEVEL_ID}`) && r.status() === 200);
  await level.goto();
  await schemaLoaded;

  await level.tabIntoEditor("service.yaml");
  // Said where the cursor is: the completion and documentation keys.
  await expect(page.getByTestId("editor-keys-hint")).toHaveText("Ctrl+Space suggests fields · Ctrl+K Ctrl+I shows a field's documentation · F8 next problem");
  await expect(page.locator(".monaco-editor textarea").first()).toHaveAttribute("aria-label", /Control\+Space suggests fields; Control\+K then Control\+I reads the documentation/);

  // A new line under `type: ClusterIP` in spec (line 8), then the fields that fit there.
  await page.keyboard.press("Control+Home");
  for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+Space");
  await expect(level.suggestions).toBeVisible();
  await page.keyboard.type("clusterIP");
  await expect(level.suggestions.locator(".monaco-list-row.focused")).toContainText("clusterIP");
  // Ctrl+Space again: the focused field's documentation beside the list.
  await page.keyboard.press("Control+Space");
  await expect(page.getByTestId("yaml-editor").locator(".suggest-details")).toContainText("clusterIP is the IP address of the service");
  await page.keyboard.press("Enter");
  await expect(level.suggestions).toBeHidden();
  await page.keyboard.type("None");
  await expect.poll(async () => (await level.editorText()).split("\n")[8]).toBe("  clusterIP: None");
  expect(await level.focusInEditor()).toBe(true);

  // The documentation of the field at the cursor, with KubeQuest's Recreate note.
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  await expect(level.hover).toContainText("clusterIP is the IP address of the service");
  await expect(level.hover).toContainText("Recreate");
  // Again: into the documentation (to scroll it), and Esc back to the text, not nowhere.
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest(".monaco-hover")))).toBe(true);
  await page.keyboard.press("Escape");
  await expect(level.hover).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName === "TEXTAREA" && Boolean(document.activeElement.closest(".monaco-editor")))).toBe(true);

  // A misspelt field is underlined; F8 goes to it and says what is wrong; Esc closes that.
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("clusterIPz: x");
  await page.keyboard.press("Escape");
  await expect.poll(async () => (await level.editorText()).split("\n")[9]).toBe("  clusterIPz: x");
  await expect(page.locator(".monaco-editor .squiggly-warning, .monaco-editor .squiggly-error").first()).toBeVisible();
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("F8");
  const problem = page.locator(".monaco-editor .marker-widget");
  await expect(problem).toContainText("clusterIPz");
  await page.keyboard.press("Escape");
  await expect(problem).toBeHidden();
  expect(await level.focusInEditor()).toBe(true);

  // No trap: Esc then Tab leaves the editor, Shift+Tab comes back.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  expect(await level.focusInEditor()).toBe(false);
  await page.keyboard.press("Shift+Tab");
  expect(await level.focusInEditor()).toBe(true);
  await page.keyboard.press("Shift+Tab");
  expect(await level.focusInEditor()).toBe(false);

  // And the shortcuts dialog lists the editor's keys (from a control, "?" is not typing).
  await page.keyboard.press("?");
  const help = page.getByTestId("shortcuts-help");
  await expect(help).toBeVisible();
  const editorKeys = help.getByTestId("shortcuts-editor");
  await expect(editorKeys).toContainText("Suggest the fields that fit here");
  await expect(editorKeys).toContainText("Show the documentation of the field at the cursor");
  await expect(editorKeys).toContainText("Go to the next underlined problem");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();
});
