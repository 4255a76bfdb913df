/**
 * A learner's view of a level page, in the learner's own terms: start the level, type in the
 * terminal, edit and apply YAML, recreate, grade, open hints, reset.
 */
import { expect, type Locator, type Page } from "@playwright/test";

declare global {
  interface Window {
    monaco?: { editor: { getEditors(): { getModel(): { setValue(v: string): void; getValue(): string } | null }[] } };
  }
}

export class LevelPage {
  constructor(
    readonly page: Page,
    readonly levelId: string,
  ) {}

  async goto(): Promise<void> {
    await this.page.goto(`/levels/${this.levelId}`);
    await expect(this.page.getByTestId("connection-status")).toHaveAttribute("data-state", "connected");
  }

  /** Starts the level if needed and waits until the environment is ready. */
  async start(): Promise<void> {
    const status = this.page.getByTestId("env-status");
    await expect(status).toHaveAttribute("data-phase", /absent|ready|provisioning/);
    if ((await status.getAttribute("data-phase")) === "absent") {
      await this.page.getByTestId("start-level").click();
    }
    await expect(status).toHaveAttribute("data-phase", "ready", { timeout: 120_000 });
  }

  get terminal(): Locator {
    return this.page.getByTestId("terminal");
  }

  /** Types a command into the real shell and waits until `expected` shows on screen. */
  async runInTerminal(command: string, expected: RegExp | string): Promise<void> {
    await expect(this.terminal).toHaveAttribute("data-status", "attached", { timeout: 60_000 });
    await this.terminal.locator(".xterm").click();
    await this.page.keyboard.type(command);
    await this.page.keyboard.press("Enter");
    await expect(this.terminal.locator(".xterm-rows")).toContainText(expected, { timeout: 30_000 });
  }

  async openEditorTab(name: string): Promise<void> {
    await this.page.getByTestId(`editor-tab-${name}`).click();
  }

  /** Replaces the open file's text (as a learner pasting a whole file would). */
  async setEditorText(text: string): Promise<void> {
    await this.page.waitForFunction(() => (window.monaco?.editor.getEditors().length ?? 0) > 0);
    await this.page.evaluate((value) => {
      window.monaco!.editor.getEditors()[0]!.getModel()!.setValue(value);
    }, text);
  }

  async editorText(): Promise<string> {
    return this.page.evaluate(() => window.monaco!.editor.getEditors()[0]!.getModel()!.getValue());
  }

  async apply(): Promise<Locator> {
    await this.page.getByTestId("apply-yaml").click();
    const result = this.page.getByTestId("apply-result");
    await expect(result).toBeVisible();
    return result;
  }

  /** Confirms the editor's Recreate action after an immutable-field refusal. */
  async recreate(): Promise<void> {
    await expect(this.page.getByTestId("immutable-explanation")).toBeVisible();
    await this.page.getByTestId("recreate-resource").click();
    await expect(this.page.getByTestId("confirm-dialog")).toBeVisible();
    await this.page.getByTestId("confirm-yes").click();
    await expect(this.page.getByTestId("apply-result")).toContainText("created");
  }

  check(id: string): Locator {
    return this.page.getByTestId(`grade-check-${id}`);
  }

  /** Runs "Check my work" (or the chaos round) and waits for the summary. */
  async grade(round: "main" | "chaos" = "main"): Promise<Locator> {
    await this.page.getByTestId(round === "main" ? "grade-run" : "chaos-run").click();
    const summary = this.page.getByTestId("grade-summary");
    await expect(summary).toBeVisible({ timeout: 180_000 });
    return summary;
  }

  async openHint(n: number): Promise<Locator> {
    await this.page.getByRole("tab", { name: /Hints/ }).click();
    await this.page.getByTestId(`hint-open-${n}`).click();
    return this.page.getByTestId(`hint-${n}`);
  }

  async reset(): Promise<void> {
    await this.page.getByTestId("reset-level").click();
    await this.page.getByTestId("confirm-yes").click();
    await expect(this.page.getByTestId("env-status")).toHaveAttribute("data-phase", "ready", { timeout: 180_000 });
  }
}
