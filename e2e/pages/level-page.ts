/**
 * A learner's view of a level page, in the learner's own terms: start the level, type in the
 * terminal, edit and apply YAML, recreate, grade, open hints, reset.
 */
import { expect, type Locator, type Page } from "@playwright/test";
import type { EnvironmentStatus, GradeFinished, LiveChecks, XpAwarded } from "../../lib/protocol/socket-events";

declare global {
  interface Window {
    monaco?: {
      editor: {
        getEditors(): { getModel(): { setValue(v: string): void; getValue(): string; uri: unknown } | null }[];
        getModelMarkers(filter: { resource?: unknown }): { message: string; severity: number; startLineNumber: number }[];
      };
    };
  }
}

/** What the grade panel shows for one check once a run has finished. */
export interface ShownCheck {
  id: string;
  status: string;
}

/** Result of a shell command typed into the learner's terminal. */
export interface ShellResult {
  exitCode: number;
  /** The terminal's visible rows once the command finished (what a learner would read). */
  screen: string;
}

/** socket.io's wire format for an acknowledgement: "43<id>[<answer>]". */
const ACK_FRAME = /^43\d+(\[.*\])$/s;

/** The value of a successful acknowledgement, if `frame` is one. */
function ackValue(frame: string): Record<string, unknown> | undefined {
  const m = ACK_FRAME.exec(frame);
  if (!m) return undefined;
  try {
    const [answer] = JSON.parse(m[1]!) as [{ ok?: boolean; value?: unknown }];
    return answer.ok && answer.value !== null && typeof answer.value === "object" ? (answer.value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The payload of a server event frame ("42[<event>,<payload>]") named `event`. */
function eventPayload(frame: string, event: string): Record<string, unknown> | undefined {
  if (!frame.startsWith(`42["${event}"`)) return undefined;
  try {
    const [, payload] = JSON.parse(frame.slice(2)) as [string, unknown];
    return payload !== null && typeof payload === "object" ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Quotes one argument for bash, so level data never becomes shell syntax. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export class LevelPage {
  /** Every grade result the server sent this page (read off the WebSocket, for timings). */
  readonly gradeResults: GradeFinished[] = [];
  /** Every environment status the server answered this page with (open, start, reset). */
  readonly environmentAnswers: EnvironmentStatus[] = [];
  /** Every XP award the server announced to this page ("xp:awarded"), for this level. */
  readonly xpAwards: XpAwarded[] = [];
  /** Every live verdict the server sent this page ("checks:live"), for this level. */
  readonly liveUpdates: LiveChecks[] = [];
  private marker = 0;

  constructor(
    readonly page: Page,
    readonly levelId: string,
  ) {
    // The answer to "grade:run" arrives as an acknowledgement frame; its per-check durations are
    // what a report needs, and its arrival is the unambiguous "this run is over" signal.
    page.on("websocket", (ws) => {
      ws.on("framereceived", ({ payload }) => {
        const award = typeof payload === "string" ? eventPayload(payload, "xp:awarded") : undefined;
        if (award?.levelId === this.levelId) this.xpAwards.push(award as unknown as XpAwarded);
        const live = typeof payload === "string" ? eventPayload(payload, "checks:live") : undefined;
        if (live?.levelId === this.levelId) this.liveUpdates.push(live as unknown as LiveChecks);
        const value = typeof payload === "string" ? ackValue(payload) : undefined;
        if (!value || value.levelId !== this.levelId) return;
        if (typeof value.runId === "string" && Array.isArray(value.results)) this.gradeResults.push(value as unknown as GradeFinished);
        else if (typeof value.phase === "string") this.environmentAnswers.push(value as unknown as EnvironmentStatus);
      });
    });
  }

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

  /** The problems Monaco underlines in the open file (what the learner sees as squiggles). */
  async editorMarkers(): Promise<{ message: string; line: number }[]> {
    return this.page.evaluate(() => {
      const model = window.monaco!.editor.getEditors()[0]!.getModel()!;
      return window.monaco!.editor.getModelMarkers({ resource: model.uri }).map((m) => ({ message: m.message, line: m.startLineNumber }));
    });
  }

  /** The editor's validation line under the file: "No problems found…", or the list of problems. */
  get editorValidation(): Locator {
    return this.page.getByTestId("yaml-validation");
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
    // Deleting and creating again waits on the cluster: allow for a busy one.
    await expect(this.page.getByTestId("apply-result")).toContainText("created", { timeout: 90_000 });
  }

  check(id: string): Locator {
    return this.page.getByTestId(`grade-check-${id}`);
  }

  /** A check row's live mark ("pass", "fail"; "none" for a check only Check my work runs). */
  async expectLive(id: string, verdict: "pass" | "fail" | "none", timeoutMs = 30_000): Promise<void> {
    await expect(this.check(id)).toHaveAttribute("data-live", verdict, { timeout: timeoutMs });
  }

  /** What screen readers were last told about live checks (a polite status region). */
  get liveAnnouncer(): Locator {
    return this.page.getByTestId("live-checks-announcer");
  }

  /**
   * Keeps every text the live checks' status region takes from now on (call before goto): a
   * later change replaces the region's text, as a screen reader would hear it, one after another.
   */
  async recordLiveAnnouncements(): Promise<void> {
    await this.page.addInitScript(() => {
      const said: string[] = [];
      (window as unknown as { __liveAnnouncements: string[] }).__liveAnnouncements = said;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="live-checks-announcer"]')?.textContent ?? "";
        if (text !== "" && said.at(-1) !== text) said.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
  }

  /** The texts recorded since recordLiveAnnouncements(), in order. */
  async liveAnnouncements(): Promise<string[]> {
    return this.page.evaluate(() => [...((window as unknown as { __liveAnnouncements?: string[] }).__liveAnnouncements ?? [])]);
  }

  // -------------------------------------------------------------------------------------------
  // The editor from the keyboard alone

  /** Whether the keyboard focus is in the YAML editor (its text area or one of its widgets). */
  async focusInEditor(): Promise<boolean> {
    return this.page.evaluate(() => Boolean(document.activeElement?.closest(".monaco-editor")));
  }

  /** Tabs from the open file's tab into the editor, as a keyboard user does; fails after 10 presses. */
  async tabIntoEditor(file: string): Promise<void> {
    await this.page.getByTestId(`editor-tab-${file}`).focus();
    for (let presses = 0; presses < 10; presses++) {
      await this.page.keyboard.press("Tab");
      if (await this.focusInEditor()) return;
    }
    throw new Error("Tab never reached the editor");
  }

  /**
   * Monaco's suggestion list (completion) of the level's editor. Scoped to it: for a moment after
   * the schema arrives, a hidden editor warms completion up and has a list of its own
   * (components/yaml-editor/completion-warm-up.ts).
   */
  get suggestions(): Locator {
    return this.page.getByTestId("yaml-editor").locator(".editor-widget.suggest-widget");
  }

  /** Monaco's hover (a field's documentation). */
  get hover(): Locator {
    return this.page.locator(".monaco-hover:not(.hidden)");
  }

  /**
   * Runs "Check my work" (or the chaos round) and waits for the summary of *this* run (an
   * earlier run's summary may still be on screen when the button is clicked).
   */
  async grade(round: "main" | "chaos" = "main"): Promise<Locator> {
    const before = this.gradeResults.length;
    const button = this.page.getByTestId(round === "main" ? "grade-run" : "chaos-run");
    await expect(button).toBeEnabled({ timeout: 60_000 });
    await button.click();
    await expect.poll(() => this.gradeResults.length, { timeout: 240_000, message: `the ${round} grade did not finish` }).toBeGreaterThan(before);
    const finished = this.gradeResults.at(-1)!;
    const summary = this.page.getByTestId("grade-summary");
    await expect(summary).toHaveAttribute("data-round", finished.round);
    await expect(summary).toHaveAttribute("data-passed", String(finished.passed));
    return summary;
  }

  /** The last grade result the server sent (with evidence and durations). */
  lastGrade(): GradeFinished {
    const last = this.gradeResults.at(-1);
    if (!last) throw new Error("no grade has finished on this page yet");
    return last;
  }

  /** Each check as the grade panel shows it, in order. */
  async shownChecks(): Promise<ShownCheck[]> {
    return this.page.locator('[data-testid^="grade-check-"]').evaluateAll((rows) =>
      rows.map((row) => ({ id: (row.getAttribute("data-testid") ?? "").replace(/^grade-check-/, ""), status: row.getAttribute("data-status") ?? "" })),
    );
  }

  /** Opens a check's details (evidence and hint); a failed check opens by itself. */
  async expandCheck(id: string): Promise<Locator> {
    const row = this.check(id);
    const toggle = row.getByRole("button").first();
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    return row;
  }

  /**
   * Types a shell command and waits for it to finish, reading its exit status from a marker the
   * command prints (the marker text in the typed line itself has no digits, so it cannot match).
   */
  async runShell(command: string, timeoutMs = 120_000): Promise<ShellResult> {
    const id = `KQ${Date.now().toString(36)}${++this.marker}`;
    await expect(this.terminal).toHaveAttribute("data-status", "attached", { timeout: 60_000 });
    await this.terminal.locator(".xterm").click();
    const line = `${command}; echo ${id}=$?`;
    // A long line arrives as a paste would (one input event), not key by key: typing a 2 KB
    // line took over a minute and tells nothing more about the terminal.
    if (line.length > 200) await this.page.keyboard.insertText(line);
    else await this.page.keyboard.type(line);
    await this.page.keyboard.press("Enter");
    const rows = this.terminal.locator(".xterm-rows");
    const done = new RegExp(`${id}=(\\d+)`);
    await expect(rows, `the shell command to finish: ${command}`).toContainText(done, { timeout: timeoutMs });
    const screen = (await rows.textContent()) ?? "";
    return { exitCode: Number(done.exec(screen)?.[1] ?? -1), screen };
  }

  /** Puts `yaml` in the editor (in `tab`) and applies it; Recreates when the apply is refused as immutable. */
  async applyText(yaml: string, opts: { tab: string; recreateIfImmutable: boolean }): Promise<"applied" | "recreated"> {
    await this.openEditorTab(opts.tab);
    await this.setEditorText(yaml);
    const result = await this.apply();
    await expect(result).toHaveAttribute("data-phase", /done|error/, { timeout: 60_000 });
    if ((await result.getAttribute("data-phase")) === "done") return "applied";
    if (opts.recreateIfImmutable && (await this.page.getByTestId("immutable-explanation").isVisible())) {
      await this.recreate();
      return "recreated";
    }
    throw new Error(`applying in ${opts.tab} failed: ${((await result.textContent()) ?? "").trim()}`);
  }

  /** Waits until the live view shows `replicas` ready pods named `<workload>-…`. */
  async waitForReadyPods(workload: string, replicas: number, timeoutMs: number): Promise<void> {
    const ready = this.page.locator(`[data-testid^="live-pod-${workload}-"][data-ready="true"]`);
    await expect.poll(() => ready.count(), { timeout: timeoutMs, message: `${replicas} ready ${workload} pods in the live view` }).toBeGreaterThanOrEqual(replicas);
  }

  /** Opens the Debrief tab and returns its text. */
  async readDebrief(): Promise<string> {
    await this.page.getByRole("tab", { name: /Debrief/ }).click();
    const debrief = this.page.getByTestId("debrief");
    await expect(debrief).toBeVisible();
    return (await debrief.textContent()) ?? "";
  }

  /** Reloads the page as a learner pressing F5 would, and waits for the connection. */
  async reload(): Promise<void> {
    await this.page.reload();
    await expect(this.page.getByTestId("connection-status")).toHaveAttribute("data-state", "connected");
  }

  /** Opens hint `n`, confirming its cost when asked (a hint that costs XP asks first). */
  async openHint(n: number): Promise<Locator> {
    await this.page.getByRole("tab", { name: /Hints/ }).click();
    await this.page.getByTestId(`hint-open-${n}`).click();
    const hint = this.page.getByTestId(`hint-${n}`);
    const confirm = this.page.getByTestId("confirm-dialog");
    await expect(confirm.or(hint)).toBeVisible();
    if (await confirm.isVisible()) await this.page.getByTestId("confirm-yes").click();
    await expect(hint).toBeVisible();
    return hint;
  }

  /**
   * Resets and waits for the server's answer to *this* reset: the status pill still says
   * "ready" for a moment after the click, so waiting on it alone would race the reset.
   */
  async reset(): Promise<void> {
    const before = this.environmentAnswers.length;
    await this.page.getByTestId("reset-level").click();
    await this.page.getByTestId("confirm-yes").click();
    await expect
      .poll(() => this.environmentAnswers.slice(before).some((s) => s.phase === "ready" || s.phase === "failed"), { timeout: 240_000, message: "the reset did not finish" })
      .toBe(true);
    await expect(this.page.getByTestId("env-status")).toHaveAttribute("data-phase", "ready", { timeout: 30_000 });
    await expect(this.page.getByTestId("reset-level")).toBeEnabled();
  }
}
