/**
 * Page objects for the instructor dashboard and the learner's side of cohorts, in the terms of
 * the people using them: an instructor creates a cohort, shares its link, watches the roster,
 * opens a learner, replays their terminal, resets and grades; a learner joins with the link.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, type Download, type Locator, type Page } from "@playwright/test";
import { projectDatabaseEnv } from "../support/project-database";

const run = promisify(execFile);

export interface NewAccount {
  username: string;
  displayName: string;
  password: string;
}

/**
 * Makes an existing account an instructor, as an operator does (`npm run user:create-instructor`),
 * against the same database as the server under test: the running project's throwaway one
 * (e2e/support/project-database.ts).
 */
export async function promoteToInstructor(username: string): Promise<void> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/create-instructor.ts", username], { env: projectDatabaseEnv(), timeout: 60_000 });
  expect(stdout).toContain(`${username} is now an instructor`);
}

/** Fills and submits the sign-up form the page is on (reached through a link that set `next`). */
export async function fillSignUp(page: Page, account: NewAccount): Promise<void> {
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Display name").fill(account.displayName);
  await page.getByLabel("Password").fill(account.password);
  await page.getByTestId("sign-up-submit").click();
}

/** `/instructor`: the instructor's cohorts and the form to create one. */
export class InstructorHomePage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/instructor");
    await expect(this.page.getByTestId("create-cohort-form")).toBeVisible();
  }

  cohortCard(name: string): Locator {
    return this.page.locator(`[data-testid="cohort-card"][data-cohort-name="${name}"]`);
  }

  /** Creates a cohort and returns its id and invite link as the page shows them. */
  async createCohort(name: string): Promise<{ id: string; inviteLink: string; code: string }> {
    await this.page.getByTestId("cohort-name").fill(name);
    await this.page.getByTestId("create-cohort").click();
    const card = this.cohortCard(name);
    await expect(card).toBeVisible();
    const link = card.getByTestId("invite-link");
    await expect(link).toHaveValue(/\/join\/[A-Z0-9]{8}$/);
    return {
      id: (await card.getAttribute("data-cohort-id")) ?? "",
      inviteLink: await link.inputValue(),
      code: await card.getByTestId("invite-code").inputValue(),
    };
  }
}

/** The "Invite an instructor" panel of `/instructor`: makes a single-use sign-up link. */
export async function makeInstructorInvite(page: Page): Promise<string> {
  await page.getByTestId("make-instructor-invite").click();
  const link = page.getByTestId("instructor-invite-link");
  await expect(link).toHaveValue(/\/sign-up\?invite=[A-Za-z0-9_-]{20,}$/);
  return link.inputValue();
}

/** `/join/<code>` as a learner sees it. */
export class JoinPage {
  constructor(readonly page: Page) {}

  /** Opens the invite link, creates an account from it, comes back and joins. */
  async joinWithNewAccount(inviteLink: string, account: NewAccount, cohortName: string): Promise<void> {
    const path = new URL(inviteLink).pathname;
    await this.page.goto(path);
    await expect(this.page.getByTestId("join-cohort-name")).toHaveText(cohortName);
    await this.page.getByTestId("join-sign-up").click();
    await fillSignUp(this.page, account);
    await this.page.waitForURL((url) => url.pathname === path);
    await this.page.getByTestId("join-cohort").click();
    await expect(this.page.getByTestId("join-done")).toContainText(`You joined ${cohortName}`);
    // Learners are told their terminal is recorded.
    await expect(this.page.getByTestId("join-done")).toContainText("terminal is recorded");
  }
}

/** `/instructor/cohorts/<id>`: tabs Roster, Grade cohort, Analytics, Audit log. */
export class CohortDashboardPage {
  constructor(readonly page: Page) {}

  async goto(cohortId: string): Promise<void> {
    await this.page.goto(`/instructor/cohorts/${cohortId}`);
    await expect(this.page.getByTestId("connection-status")).toHaveAttribute("data-state", "connected");
    await expect(this.page.getByTestId("panel-roster")).toBeVisible();
  }

  async openTab(tab: "roster" | "grade" | "analytics" | "audit"): Promise<void> {
    await this.page.getByTestId(`tab-${tab}`).click();
    await expect(this.page.getByTestId(`panel-${tab}`)).toBeVisible();
  }

  row(learnerName: string): Locator {
    return this.page.locator(`[data-testid="roster-row"][data-learner-name="${learnerName}"]`);
  }

  /** The dots of the learner's latest grade (one per check, each with data-status). */
  checkDots(learnerName: string): Locator {
    return this.row(learnerName).locator("[data-check]");
  }

  /** Keeps only learners whose latest grade failed check `checkId` ("" shows everyone again). */
  async filterFailingCheck(checkId: string): Promise<void> {
    await this.page.getByTestId("roster-filter-failing").selectOption(checkId);
  }

  async openLearner(learnerName: string): Promise<void> {
    await this.row(learnerName).getByTestId("roster-learner-link").click();
    await expect(this.page.getByTestId("learner-name")).toHaveText(learnerName);
  }

  /** Grades every learner (confirmed) and waits for the final table. */
  async gradeCohort(): Promise<Locator> {
    await this.openTab("grade");
    await this.page.getByTestId("grade-cohort").click();
    await this.page.getByTestId("confirm-yes").click();
    await expect(this.page.getByTestId("grade-cohort-summary")).toBeVisible({ timeout: 240_000 });
    return this.page.getByTestId("grade-cohort-table");
  }

  gradeRow(learnerName: string): Locator {
    return this.page.locator(`[data-testid="grade-cohort-row"][data-learner-name="${learnerName}"]`);
  }

  /** Clicks a CSV download link and returns the file's text. */
  async downloadCsv(table: "checks" | "learners"): Promise<{ download: Download; text: string }> {
    const [download] = await Promise.all([this.page.waitForEvent("download"), this.page.getByTestId(`download-${table}-csv`).click()]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    return { download, text: Buffer.concat(chunks).toString("utf8") };
  }

  auditEntries(action: string): Locator {
    return this.page.locator(`[data-testid="panel-audit"] [data-testid="audit-entry"][data-action="${action}"]`);
  }
}

/** `/instructor/cohorts/<id>/learners/<learnerId>`: one learner in depth. */
export class LearnerDetailPage {
  constructor(readonly page: Page) {}

  envStatus(): Locator {
    return this.page.getByTestId("learner-env-status");
  }

  liveService(): Locator {
    return this.page.getByTestId("live-view").getByTestId("live-service");
  }

  /**
   * Replays the newest recorded terminal session to its end and returns what its screen shows.
   * Retried: output reaches the recording store in batches, so the newest lines may need a moment.
   */
  async replayNewestRecording(expected: string | RegExp): Promise<void> {
    await expect(async () => {
      await this.page.reload();
      await expect(this.page.getByTestId("recording-item").first()).toBeVisible();
      await this.page.getByTestId("replay-recording").first().click();
      const replay = this.page.getByTestId("terminal-replay");
      await expect(this.page.getByTestId("terminal-replay-play")).toBeEnabled();
      await replay.getByRole("button", { name: "Speed 8×" }).click();
      await this.page.getByTestId("terminal-replay-play").click();
      await expect(replay).toHaveAttribute("data-state", "ended", { timeout: 30_000 });
      await expect(this.page.getByTestId("terminal-replay-screen")).toContainText(expected);
    }).toPass({ timeout: 90_000, intervals: [2_000, 5_000] });
  }

  gradeSummary(): Locator {
    return this.page.getByTestId("learner-grade-summary");
  }

  /** A check of the instructor's latest grade run, as the grader panel shows it. */
  check(id: string): Locator {
    return this.page.getByTestId("learner-grade-panel").getByTestId(`grade-check-${id}`);
  }

  /** Runs "Grade now" and waits for its verdict and for the run to join the grade history. */
  async gradeNow(): Promise<void> {
    const history = this.page.getByTestId("grade-history-entry");
    const before = await history.count();
    await expect(this.page.getByTestId("learner-grade-now")).toBeEnabled();
    await this.page.getByTestId("learner-grade-now").click();
    await expect(history).toHaveCount(before + 1, { timeout: 240_000 });
    await expect(this.gradeSummary()).toHaveAttribute("data-phase", "finished");
  }

  /** Resets the learner's environment (confirmed) and waits until it is ready again. */
  async resetEnvironment(): Promise<void> {
    await this.page.getByTestId("learner-reset").click();
    const dialog = this.page.getByTestId("confirm-dialog");
    await expect(dialog).toContainText("deleted");
    await this.page.getByTestId("confirm-yes").click();
    await expect(this.envStatus()).toHaveAttribute("data-phase", "resetting");
    await expect(this.page.getByTestId("learner-reset")).toBeEnabled({ timeout: 180_000 });
    await expect(this.envStatus()).toHaveAttribute("data-phase", "ready");
  }
}
