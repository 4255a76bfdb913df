// Issue 16, item 8: XP figures come from one source and update everywhere. Before, after a
// hint the header still said 250 XP while the Hints tab said "Passing now earns 225 XP", the
// chaos bonus had no number until it paid, and after passing the level list still said
// "1 level · 250 XP to earn" with no "Passed" mark on the card.
import { expect, test } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { CHAOS_BONUS_XP, LEVEL_ID, LEVEL_XP, abandonLevel30AfterEach, headlessService } from "./support/level-30";

abandonLevel30AfterEach();

const FIRST_HINT_COST = 25;
/** Level 31's XP: the list adds every level's (Level 30's 250 + Level 31's 200). */
const LEVEL_31_XP = 200;

test("the header, the Hints tab, the chaos card and the level list agree on XP", async ({ page }) => {
  test.setTimeout(420_000);
  const level = new LevelPage(page, LEVEL_ID);
  await page.goto("/");
  await expect(page.getByTestId("progress-headline")).toHaveText(`2 levels · ${LEVEL_XP + LEVEL_31_XP} XP to earn`);
  await expect(page.getByTestId(`level-passed-${LEVEL_ID}`)).toHaveCount(0);

  await level.goto();
  const header = page.getByTestId("header-xp");
  await expect(header).toHaveAttribute("data-worth", String(LEVEL_XP));

  // A hint: the header follows the Hints tab at once.
  await level.openHint(1);
  const worth = LEVEL_XP - FIRST_HINT_COST;
  await expect(page.getByTestId("level-worth")).toHaveAttribute("data-worth", String(worth));
  await expect(page.getByTestId("level-worth")).toContainText(`Passing now earns ${worth} XP`);
  await expect(header).toHaveAttribute("data-worth", String(worth));
  await expect(header).toContainText(`${worth} XP`);

  // The chaos bonus has its number before it pays, in the objectives and on the card.
  await page.getByRole("tab", { name: "Objectives" }).click();
  await expect(page.getByTestId("objective-chaos")).toContainText(`+${CHAOS_BONUS_XP} XP`);

  await level.start();
  await level.applyText(headlessService, { tab: "service.yaml", recreateIfImmutable: true });
  await level.waitForReadyPods("redis", 3, 120_000);
  await expect(await level.grade()).toHaveAttribute("data-passed", "true");
  await expect(page.getByTestId("chaos-card")).toContainText(`+${CHAOS_BONUS_XP} XP bonus`);
  // Awarded: the header says what was earned, as the award notice does.
  await expect(page.getByTestId("xp-award")).toHaveAttribute("data-xp", String(worth));
  await expect(header).toHaveAttribute("data-awarded", String(worth));
  await expect(header).toContainText("Earned");
  await expect(header).toContainText(`${worth} XP`);

  // The level list now says what was earned, and marks the card.
  await page.goto("/");
  await expect(page.getByTestId("progress-headline")).toHaveText(`1 of 2 levels passed · ${worth} XP earned`);
  await expect(page.getByTestId(`level-passed-${LEVEL_ID}`)).toContainText("Passed");
  await expect(page.getByTestId(`level-passed-${LEVEL_ID}`)).toContainText(`${worth} of ${LEVEL_XP} XP earned`);
});
