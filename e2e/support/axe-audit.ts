/**
 * Why: issue 16, item 11. An automated WCAG 2.1 AA audit (axe-core, run in the real page by
 * @axe-core/playwright) of every page and of the level page's states. Serious and critical
 * violations fail the test; the full result of each audit is attached to the report so the
 * moderate and minor ones stay visible too.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** One line per failing node, enough to find it: rule, impact, selector and axe's summary. */
function describeViolations(violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown; failureSummary?: string }[] }[]): string {
  return violations
    .flatMap((v) => v.nodes.map((n) => `${v.impact ?? "?"} ${v.id} (${v.help}) at ${JSON.stringify(n.target)}: ${(n.failureSummary ?? "").replace(/\s+/g, " ")}`))
    .join("\n");
}

/** Audits the page as it is now; fails on any serious or critical violation. */
export async function expectNoSeriousA11yViolations(page: Page, testInfo: TestInfo, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  await testInfo.attach(`axe: ${state}`, { body: JSON.stringify(results.violations, null, 2), contentType: "application/json" });
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `serious or critical accessibility violations on ${state}:\n${describeViolations(serious)}`).toEqual([]);
}
