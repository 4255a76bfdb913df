// A person creates an account, plays Level 30 with one hint, and finds their XP (the level's
// XP less the hint's cost, shown before opening it), their achievement and their place on the
// leaderboard in the browser.
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { AccountHeader, LeaderboardPage, ProfilePage, SignUpPage } from "./pages/account-pages";
import { LevelPage } from "./pages/level-page";
import { abandonLevel } from "./support/environment-cleanup";
import { BOTH_DATABASES } from "./support/project-database";

const LEVEL_ID = "headless-statefulset-dns";
const LEVEL_DIR = "levels/03-networking-and-services/30-headless-statefulset-dns";
const brokenService = readFileSync(`${LEVEL_DIR}/broken/service.yaml`, "utf8");
const headlessService = brokenService.replace(/^spec:\n/m, "spec:\n  clusterIP: None\n");
const LEVEL_XP = 250;
const FIRST_HINT_COST = 25;

test.afterEach(async ({ context, baseURL }) => {
  await abandonLevel(context, baseURL!, LEVEL_ID).catch(() => undefined);
});

test("a person signs up, passes Level 30 and finds their XP, achievement and place", BOTH_DATABASES, async ({ page }) => {
  // Sign-up, a level start, Recreate, three Redis pods and a full grade on a shared 2-core machine.
  test.setTimeout(420_000);
  // Before any page opens its socket: the page object reads grade answers off the WebSocket.
  const level = new LevelPage(page, LEVEL_ID);
  const username = `e2e-${Date.now().toString(36)}`;
  await new SignUpPage(page).signUp({ username, displayName: `Tester ${username}`, password: "a long enough password" }, `/levels/${LEVEL_ID}`);
  const header = new AccountHeader(page);
  await expect(header.name()).toHaveText(`Tester ${username}`);
  await header.expectXp(0);

  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-state", "connected");

  // The hint says what it costs before it opens; the server sends its text and records the cost.
  await page.getByRole("tab", { name: /Hints/ }).click();
  await expect(page.getByTestId("level-worth")).toHaveAttribute("data-worth", String(LEVEL_XP));
  await expect(page.getByTestId("hint-open-1")).toContainText(`−${FIRST_HINT_COST} XP`);
  const hint = await level.openHint(1);
  await expect(hint).toContainText("kubectl logs redis-1");
  await expect(page.getByTestId("level-worth")).toHaveAttribute("data-worth", String(LEVEL_XP - FIRST_HINT_COST));

  await level.start();
  await level.openEditorTab("service.yaml");
  await level.setEditorText(headlessService);
  await level.apply();
  await level.recreate();
  await level.waitForReadyPods("redis", 3, 120_000);
  const summary = await level.grade();
  await expect(summary).toHaveAttribute("data-passed", "true");

  // Awarded once, by the server, live: the notice and the header.
  const award = page.getByTestId("xp-award");
  await expect(award).toHaveAttribute("data-xp", String(LEVEL_XP - FIRST_HINT_COST));
  await expect(award).toContainText("Achievement: First fix");
  await header.expectXp(LEVEL_XP - FIRST_HINT_COST);

  // (Replays awarding nothing are proven against both databases in tests/integration.)

  const profile = new ProfilePage(page);
  await profile.goto();
  await expect(profile.xp()).toHaveAttribute("data-xp", String(LEVEL_XP - FIRST_HINT_COST));
  await expect(profile.levelsPassed()).toHaveText("1");
  await expect(profile.achievement("first-pass")).toContainText("First fix");
  await expect(profile.achievement("first-pass")).toContainText("Earned");
  // A hint was opened: not "unaided".
  await expect(profile.achievement("no-hints")).toHaveCount(0);

  const board = new LeaderboardPage(page);
  await board.goto();
  await expect(board.yourPlace()).toContainText(/Your place: #\d+ of \d+ with 225 XP/);
  await page.getByTestId("period-week").click();
  await expect(board.yourPlace()).toContainText("225 XP");
});
