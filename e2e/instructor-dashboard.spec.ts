// A person runs a class of several learners in the browser: an instructor creates a cohort and
// shares its link, two learners join through it, and the instructor follows them live on the
// roster, opens one (live view, terminal replay), resets their environment, grades the whole
// cohort, reads the analytics with their CSV, and finds the reset in the audit log. A learner
// opening the dashboard sees no roster. Real server, real cluster, real Chromium.
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { LevelPage } from "./pages/level-page";
import { SignUpPage } from "./pages/account-pages";
import {
  CohortDashboardPage,
  InstructorHomePage,
  JoinPage,
  LearnerDetailPage,
  fillSignUp,
  makeInstructorInvite,
  promoteToInstructor,
  type NewAccount,
} from "./pages/instructor-pages";
import { abandonLevel } from "./support/environment-cleanup";
import { BOTH_DATABASES } from "./support/project-database";

const LEVEL_ID = "headless-statefulset-dns";
const LEVEL_DIR = "levels/03-networking-and-services/30-headless-statefulset-dns";
const brokenService = readFileSync(`${LEVEL_DIR}/broken/service.yaml`, "utf8");
const headlessService = brokenService.replace(/^spec:\n/m, "spec:\n  clusterIP: None\n");
const CHECK_COUNT = 8;
const PASSWORD = "a long enough password";

function account(prefix: string, run: string, displayName: string): NewAccount {
  return { username: `${prefix}-${run}`, displayName: `${displayName} ${run}`, password: PASSWORD };
}

test("an instructor runs a class of two learners from the dashboard", BOTH_DATABASES, async ({ browser, page, baseURL }, testInfo) => {
  // Two sign-ups, a level start, Recreate, three Redis pods, two grades, a reset and a cohort
  // grade on a shared 2-core machine.
  test.setTimeout(420_000);
  const run = Date.now().toString(36);
  const instructor = account("inst", run, "Ines");
  const ada = account("ada", run, "Ada");
  const bo = account("bo", run, "Bo");
  const cohortName = `Platform class ${run}`;
  const contexts: BrowserContext[] = [];
  const newLearnerPage = async (): Promise<Page> => {
    const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    return context.newPage();
  };

  try {
    // The instructor: an account made an instructor by the operator's command.
    await new SignUpPage(page).signUp(instructor);
    await promoteToInstructor(instructor.username);
    const home = new InstructorHomePage(page);
    await home.goto();
    await expect(page.getByTestId("nav-instructor")).toBeVisible();
    const cohort = await home.createCohort(cohortName);

    // The instructor watches the (empty) roster; it must fill in without a reload.
    const dashboard = new CohortDashboardPage(page);
    await dashboard.goto(cohort.id);
    await expect(page.getByTestId("roster-empty")).toBeVisible();
    await page.evaluate(() => ((window as unknown as { kqSamePage: boolean }).kqSamePage = true));

    // Two learners join through the invite link, each in a browser of their own.
    const adaPage = await newLearnerPage();
    // Before the level page opens its socket: the page object reads grade answers off the WebSocket.
    const adaLevel = new LevelPage(adaPage, LEVEL_ID);
    await new JoinPage(adaPage).joinWithNewAccount(cohort.inviteLink, ada, cohortName);
    const boPage = await newLearnerPage();
    await new JoinPage(boPage).joinWithNewAccount(cohort.inviteLink, bo, cohortName);
    await expect(dashboard.row(ada.displayName)).toHaveAttribute("data-state", "not-started");
    await expect(dashboard.row(bo.displayName)).toHaveAttribute("data-state", "not-started");

    // A learner is refused the dashboard: a clear message, no roster.
    await boPage.goto(`/instructor/cohorts/${cohort.id}`);
    await expect(boPage.getByTestId("not-instructor")).toContainText("This page is for instructors");
    await expect(boPage.getByTestId("roster-table")).toHaveCount(0);

    // Ada starts Level 30: the roster shows her in progress, live.
    await adaLevel.goto();
    await adaLevel.start();
    await expect(dashboard.row(ada.displayName)).toHaveAttribute("data-state", "in-progress");

    // She types in her terminal (the output, 42, is not in what she typed: the replay must show the shell's answer).
    await adaLevel.runInTerminal("echo KQ-REPLAY-$((6*7))", "KQ-REPLAY-42");

    // She fixes the level and grades: the roster shows her passed with every check green.
    await adaLevel.applyText(headlessService, { tab: "service.yaml", recreateIfImmutable: true });
    await adaLevel.waitForReadyPods("redis", 3, 150_000);
    const summary = await adaLevel.grade();
    await expect(summary).toHaveAttribute("data-passed", "true");
    await expect(dashboard.row(ada.displayName)).toHaveAttribute("data-state", "passed");
    await expect(dashboard.checkDots(ada.displayName)).toHaveCount(CHECK_COUNT);
    await expect(dashboard.checkDots(ada.displayName).and(page.locator('[data-status="pass"]'))).toHaveCount(CHECK_COUNT);
    expect(await page.evaluate(() => (window as unknown as { kqSamePage?: boolean }).kqSamePage)).toBe(true);

    // The instructor opens Ada: her live namespace, then her terminal replayed.
    await dashboard.openLearner(ada.displayName);
    const learner = new LearnerDetailPage(page);
    await expect(learner.envStatus()).toHaveAttribute("data-phase", "ready");
    await expect(learner.liveService()).toHaveAttribute("data-headless", "true");
    await learner.replayNewestRecording("KQ-REPLAY-42");

    // Reset: her environment is back to its broken state (a Service with a virtual IP).
    await expect(learner.liveService()).toHaveAttribute("data-headless", "true");
    await learner.resetEnvironment();
    await expect(learner.liveService()).toHaveAttribute("data-headless", "false", { timeout: 60_000 });
    await expect(page.locator('[data-testid="audit-entry"][data-action="learner.reset"]')).toHaveCount(1);

    // Grade now: the checks stream in and the verdict is the broken one, kept in her history as the instructor's.
    await learner.gradeNow();
    await expect(learner.gradeSummary()).toHaveAttribute("data-passed", "false");
    await expect(learner.check("service-headless")).toHaveAttribute("data-status", "fail");
    await expect(page.getByTestId("grade-history-entry").first()).toContainText(`graded by ${instructor.displayName}`);

    // Grading the cohort: Ada fails after the reset, Bo has no environment.
    await page.getByTestId("back-to-cohort").click();
    await dashboard.gradeCohort();
    await expect(dashboard.gradeRow(ada.displayName)).toHaveAttribute("data-verdict", "fail");
    await expect(dashboard.gradeRow(bo.displayName)).toHaveAttribute("data-verdict", "no-environment");

    // The roster follows: filtering on the failing check finds Ada alone.
    await dashboard.openTab("roster");
    await expect(dashboard.checkDots(ada.displayName).and(page.locator('[data-status="fail"]'))).toHaveCount(1);
    await dashboard.filterFailingCheck("service-headless");
    await expect(page.getByTestId("roster-row")).toHaveCount(1);
    await expect(dashboard.row(ada.displayName)).toBeVisible();
    await dashboard.filterFailingCheck("");
    await expect(page.getByTestId("roster-row")).toHaveCount(2);

    // Analytics: a chart per level, and the CSV tables download.
    await dashboard.openTab("analytics");
    await expect(page.getByTestId("chart-check-pass-rate").locator("svg[role=img]")).toBeVisible();
    await expect(page.getByTestId("chart-time-to-solve")).toBeVisible();
    const checksCsv = await dashboard.downloadCsv("checks");
    expect(checksCsv.download.suggestedFilename()).toMatch(/\.csv$/);
    expect(checksCsv.text.split(/\r?\n/)[0]).toBe("level_number,level_id,level_title,check_id,check_title,runs,passed,pass_rate");
    const learnersCsv = await dashboard.downloadCsv("learners");
    expect(learnersCsv.text.split(/\r?\n/)[0]).toMatch(/^name,username,/);
    expect(learnersCsv.text).toContain(ada.displayName);

    // The audit log lists the reset (and the cohort grade).
    await dashboard.openTab("audit");
    await expect(dashboard.auditEntries("learner.reset")).toHaveCount(1);
    await expect(dashboard.auditEntries("learner.reset")).toContainText(ada.displayName);
    await expect(dashboard.auditEntries("cohort.grade")).toHaveCount(1);

    // Bo leaves the cohort from his profile: he drops off the roster, and the log says so.
    await boPage.goto("/profile");
    await boPage.getByTestId("membership").filter({ hasText: cohortName }).getByTestId("leave-cohort").click();
    await boPage.getByTestId("confirm-yes").click();
    await expect(boPage.getByTestId("membership")).toHaveCount(0);
    await expect(dashboard.auditEntries("cohort.leave")).toHaveCount(1);
    await dashboard.openTab("roster");
    await expect(dashboard.row(bo.displayName)).toHaveCount(0);
    await expect(page.getByTestId("roster-row")).toHaveCount(1);
  } catch (error) {
    for (const [i, context] of contexts.entries()) {
      const learnerPage = context.pages()[0];
      if (learnerPage) await testInfo.attach(`learner ${i + 1}`, { body: await learnerPage.screenshot({ fullPage: true }), contentType: "image/png" }).catch(() => undefined);
    }
    throw error;
  } finally {
    // Ada's namespace (started by her, rebuilt by the reset): delete it as abandoning would.
    if (contexts[0]) await abandonLevel(contexts[0], baseURL!, LEVEL_ID).catch(() => undefined);
    for (const context of contexts) await context.close().catch(() => undefined);
  }
});

test("an instructor invites a colleague, who signs up as an instructor through the link, once", BOTH_DATABASES, async ({ browser, page, baseURL }) => {
  const run = Date.now().toString(36);
  const instructor = account("host", run, "Hana");
  const colleague = account("colleague", run, "Cole");
  await new SignUpPage(page).signUp(instructor);
  await promoteToInstructor(instructor.username);
  await new InstructorHomePage(page).goto();
  const link = await makeInstructorInvite(page);

  const context = await browser.newContext({ baseURL });
  try {
    const colleaguePage = await context.newPage();
    await colleaguePage.goto(link);
    await expect(colleaguePage.getByTestId("instructor-invite-notice")).toContainText("instructor");
    await fillSignUp(colleaguePage, colleague);
    // A new instructor lands on their own (empty) dashboard, with the menu entry to find it again.
    await colleaguePage.waitForURL((url) => url.pathname === "/instructor");
    await expect(colleaguePage.getByTestId("no-cohorts")).toBeVisible();
    await expect(colleaguePage.getByTestId("nav-instructor")).toBeVisible();

    // The link works once: someone else using it is told so and can ask for a new one.
    await colleaguePage.context().clearCookies();
    await colleaguePage.goto(link);
    await fillSignUp(colleaguePage, account("late", run, "Late"));
    await expect(colleaguePage.getByTestId("auth-error")).toContainText("not valid or was already used");
  } finally {
    await context.close();
  }
});
