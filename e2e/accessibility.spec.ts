// Issue 16, item 11: an accessibility audit (axe-core, WCAG 2.1 AA rules) of every page and of
// the level page's states: before start, running, a failed check, passed, the debrief. Before,
// the level page had 7 colour-contrast failures before start and 8 while running plus a
// scrollable region keyboard users could not focus, and sign-up a contrast failure and a link
// told apart from text by colour only. The standard is 0 serious or critical violations.
import { expect, test } from "@playwright/test";
import { AccountHeader, SignUpPage } from "./pages/account-pages";
import { InstructorHomePage, promoteToInstructor } from "./pages/instructor-pages";
import { LevelPage } from "./pages/level-page";
import { expectNoSeriousA11yViolations } from "./support/axe-audit";
import { LEVEL_ID, VIEWPORTS, abandonLevel30AfterEach, headlessService } from "./support/level-30";

abandonLevel30AfterEach();

test("the public and account pages have no serious or critical violations", async ({ page }, testInfo) => {
  for (const [path, ready] of [
    ["/", "level-card-" + LEVEL_ID],
    ["/leaderboard", null],
    ["/sign-in", "sign-in-submit"],
    ["/sign-up", "sign-up-submit"],
    ["/profile", null],
    ["/instructor", null],
    ["/join/NOSUCHCO", null],
    ["/levels/no-such-level", null],
  ] as const) {
    await page.goto(path);
    if (ready) await expect(page.getByTestId(ready)).toBeVisible();
    await page.waitForLoadState("networkidle");
    await expectNoSeriousA11yViolations(page, testInfo, path);
  }

  // Signed in: the header with the account and Sign out, the profile with its settings.
  const username = `e2e-a11y-${Date.now().toString(36)}`;
  await new SignUpPage(page).signUp({ username, displayName: `A11y ${username}`, password: "a long enough password" }, "/profile");
  await expect(new AccountHeader(page).name()).toHaveText(`A11y ${username}`);
  await page.waitForLoadState("networkidle");
  await expectNoSeriousA11yViolations(page, testInfo, "/profile, signed in");
  await page.goto("/leaderboard");
  await page.waitForLoadState("networkidle");
  await expectNoSeriousA11yViolations(page, testInfo, "/leaderboard, signed in");

  // The instructor's pages: home, and a cohort's dashboard with each of its tabs.
  await promoteToInstructor(username);
  const home = new InstructorHomePage(page);
  await home.goto();
  await expectNoSeriousA11yViolations(page, testInfo, "/instructor (instructor)");
  const cohort = await home.createCohort(`A11y ${Date.now().toString(36)}`);
  await expectNoSeriousA11yViolations(page, testInfo, "/instructor with a cohort");
  await page.goto(`/instructor/cohorts/${cohort.id}`);
  await expect(page.getByTestId("panel-roster")).toBeVisible();
  for (const tab of ["roster", "grade", "analytics", "audit"] as const) {
    await page.getByTestId(`tab-${tab}`).click();
    await expect(page.getByTestId(`panel-${tab}`)).toBeVisible();
    await expectNoSeriousA11yViolations(page, testInfo, `cohort dashboard, ${tab}`);
  }
  await page.goto(new URL(cohort.inviteLink).pathname);
  await page.waitForLoadState("networkidle");
  await expectNoSeriousA11yViolations(page, testInfo, "/join/<code>");
});

test("the level page has no serious or critical violations in any of its states, at both sizes", async ({ page }, testInfo) => {
  test.setTimeout(480_000);
  const level = new LevelPage(page, LEVEL_ID);
  const auditBothSizes = async (state: string) => {
    for (const [name, size] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(size);
      await expectNoSeriousA11yViolations(page, testInfo, `level page, ${state}, ${name}`);
    }
    await page.setViewportSize(VIEWPORTS.large);
  };

  await level.goto();
  await expect(page.getByTestId("start-level")).toBeVisible();
  await auditBothSizes("before start");
  for (const tab of ["Objectives", "Hints", "Debrief"]) {
    await page.getByRole("tab", { name: new RegExp(tab) }).click();
    await expectNoSeriousA11yViolations(page, testInfo, `level page, before start, ${tab} tab`);
  }
  await page.getByRole("tab", { name: "Briefing" }).click();

  await level.start();
  await expect(level.terminal).toHaveAttribute("data-status", "attached", { timeout: 60_000 });
  await expect(page.getByTestId("live-service")).toBeVisible({ timeout: 60_000 });
  await auditBothSizes("running");

  await level.grade();
  await expect(level.check("service-headless")).toHaveAttribute("data-status", "fail");
  await auditBothSizes("failed check");

  await level.openEditorTab("service.yaml");
  await level.setEditorText(headlessService);
  await level.apply();
  await expect(page.getByTestId("immutable-explanation")).toBeVisible();
  await auditBothSizes("refused apply with the Recreate banner");

  await level.openHint(1);
  await expectNoSeriousA11yViolations(page, testInfo, "level page, an open hint");

  await level.recreate();
  await level.waitForReadyPods("redis", 3, 120_000);
  await expect(await level.grade()).toHaveAttribute("data-passed", "true");
  await auditBothSizes("passed");

  await page.getByTestId("read-debrief").click();
  await expect(page.getByTestId("debrief-dialog")).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, "level page, debrief wide view");
  await page.keyboard.press("Escape");
  await level.readDebrief();
  await expectNoSeriousA11yViolations(page, testInfo, "level page, debrief tab");
});
