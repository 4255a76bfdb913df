// Issue 15 item 2: checks that turn green while the learner works. Before anything is graded
// the check list shows Level 30's checks, the object-only ones marked Live and red on the broken
// namespace. A first "Check my work" fails; the learner recreates the Service headless in the
// editor, and its live check turns green on its own, with no second grade: the grader's red
// verdict and its evidence stay beside it, nothing is awarded, and a screen reader hears the
// change once. Only pressing Check my work passes the level.
import { expect, test } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { LEVEL_ID, LEVEL_XP, abandonLevel30AfterEach, headlessService } from "./support/level-30";

abandonLevel30AfterEach();

const LIVE = ["service-headless", "statefulset-service-name", "pods-ready", "endpointslice-hostnames"];
const CHECK_MY_WORK_ONLY = ["service-dns", "per-pod-dns", "replication-topology", "replication-data"];

test("a live check turns from red to green after the fix, before Check my work is pressed again", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  await level.recordLiveAnnouncements();
  await level.goto();
  await level.start();

  // Before any grade: every check listed, not yet checked; the object-only ones live.
  await level.expectLive("service-headless", "fail");
  await expect(level.check("service-headless")).toHaveAttribute("data-status", "pending");
  for (const id of CHECK_MY_WORK_ONLY) await level.expectLive(id, "none");
  await expect(level.check("per-pod-dns").getByTestId("grade-only-note")).toHaveText("Checked when you press Check my work");
  await expect(page.getByTestId("live-checks-note")).toContainText("only Check my work passes the level");
  const headlessRow = await level.expandCheck("service-headless");
  await expect(headlessRow.getByTestId("live-reason")).toContainText("has the virtual IP 10.96.");

  // Check my work fails where the live check said.
  const failed = await level.grade();
  await expect(failed).toHaveAttribute("data-passed", "false");
  await expect(level.check("service-headless")).toHaveAttribute("data-status", "fail");
  await expect(level.check("service-headless")).toContainText("spec.clusterIP = 10.96.");
  const gradesBefore = level.gradeResults.length;

  // The fix, through the editor: Recreate the Service headless.
  expect(await level.applyText(headlessService, { tab: "service.yaml", recreateIfImmutable: true })).toBe("recreated");

  // Green, from the server's watch of the namespace, with no grade run.
  await level.expectLive("service-headless", "pass");
  expect(level.liveUpdates.some((u) => u.checks.find((c) => c.id === "service-headless")?.verdict === "pass")).toBe(true);
  expect(level.gradeResults).toHaveLength(gradesBefore);
  await expect.poll(() => level.liveAnnouncements()).toContainEqual(expect.stringContaining("Live check passes now: The governing Service is headless."));
  // The grader's verdict and its evidence stay as they were, beside the live one.
  const row = await level.expandCheck("service-headless");
  await expect(row).toHaveAttribute("data-status", "fail");
  await expect(row).toContainText("What the grader saw at your last Check my work");
  await expect(row).toContainText("spec.clusterIP = 10.96.");
  await expect(row.getByTestId("live-details")).toContainText("spec.clusterIP = None");
  await expect(row.getByTestId("live-verdict")).toHaveAttribute("data-verdict", "pass");
  // Nothing is awarded by a live check.
  await expect(page.getByTestId("level-worth")).toHaveAttribute("data-worth", String(LEVEL_XP));
  expect(level.xpAwards).toEqual([]);

  // The replicas start; the other live checks follow, still without a grade.
  for (const id of LIVE) await level.expectLive(id, "pass", 180_000);
  expect(level.gradeResults).toHaveLength(gradesBefore);
  // A screen reader heard the turns to green (and any turn to red on the way), not every update.
  const said = await level.liveAnnouncements();
  for (const text of said) expect(text).toMatch(/^(Live check (passes|fails) now: [^.]+\. ?)+$/);
  expect(said.join(" ")).toContain("Live check passes now: All Redis pods are Ready.");
  await expect(level.liveAnnouncer).toHaveAttribute("aria-live", "polite");

  // Only Check my work passes the level, and the live marks stay beside its verdicts.
  const passed = await level.grade();
  await expect(passed).toHaveAttribute("data-passed", "true");
  for (const id of LIVE) {
    await expect(level.check(id)).toHaveAttribute("data-status", "pass");
    await expect(level.check(id)).toHaveAttribute("data-live", "pass");
  }
  await expect.poll(() => level.xpAwards.length).toBe(1);
});
