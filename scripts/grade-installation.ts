/**
 * `npm run grade:installation -- --url http://host:port`: before a class, proves that a running
 * KubeQuest installation works end to end. For every level the installation lists, as a new
 * learner in Chromium: start it, grade the broken state (must fail), apply the solution through
 * the editor and terminal, grade (must pass), grade again; then delete the environment through
 * the server (`level:abandon`), since the installation's cluster may be out of reach from here.
 *
 * Prints a per-level table and leaves a report directory (path printed) with report.json, and
 * Playwright traces and screenshots of any failure. When the installation's cluster is down it
 * stops at once and says so, instead of waiting on every level.
 *
 *   npm run grade:installation -- --url http://host:port [--level <id>] [--wrong-fixes] [--report-dir <dir>] [--timeout-minutes 30]
 *
 * Level steps (solution files) come from this checkout's levels/ (or KUBEQUEST_LEVELS_DIR): run
 * it from the same version as the installation. Exit codes: 0 all levels work, 1 a level does
 * not, 2 the installation cannot be used at all (server or cluster unreachable).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { expect, type Browser } from "@playwright/test";
import { loadLevelCatalog } from "../server/levels/level-catalog";
import { printRun, writeReport, type GradingRunReport } from "./grading-run/grading-report";
import { finishLearner, launchChromium, newLearner } from "./grading-run/learner-browser";
import { abandonLevel } from "../e2e/support/environment-cleanup";
import { playLevel, type LevelReport, type ScenarioKind } from "./grading-run/play-level";

/** Said when the installation's level page reports that its cluster cannot be reached. */
const CLUSTER_ACTION =
  "Start or repair the installation's Kubernetes cluster (on a KubeQuest host: npm run cluster:up, or check the KUBECONFIG the server was started with), restart the KubeQuest server if its kubeconfig changed, then run this again.";

class InstallationUnusable extends Error {
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

async function reachServer(url: string): Promise<void> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    throw new InstallationUnusable(
      `The KubeQuest server at ${url} does not answer (${(err as Error).message}).`,
      "Check the URL and that the server runs (npm start on the KubeQuest host), then run this again.",
    );
  }
}

/** The level ids the installation lists on its home page. */
async function listedLevels(browser: Browser, url: string): Promise<string[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    const cards = page.locator('[data-testid^="level-card-"]');
    await expect(cards.first()).toBeVisible({ timeout: 30_000 });
    const ids = await cards.evaluateAll((els) => els.map((e) => (e.getAttribute("data-testid") ?? "").replace(/^level-card-/, "")));
    return [...new Set(ids)];
  } finally {
    await context.close();
  }
}

/**
 * Opens a level page and asks the installation how its environment is: a cluster that cannot
 * be reached shows as a failed environment within seconds, before anything is created.
 */
async function checkCluster(browser: Browser, url: string, levelId: string): Promise<void> {
  const context = await browser.newContext({ baseURL: url });
  try {
    const page = await context.newPage();
    await page.goto(`/levels/${levelId}`);
    await expect(page.getByTestId("connection-status")).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    const status = page.getByTestId("env-status");
    await expect(status).toHaveAttribute("data-phase", /absent|ready|provisioning|resetting|failed/, { timeout: 60_000 });
    if ((await status.getAttribute("data-phase")) === "failed") {
      // innerText keeps the callout's lines apart (message, then what to do); the "!" is its icon.
      const shown = ((await page.getByTestId("env-error").innerText({ timeout: 5_000 }).catch(() => null)) ?? "")
        .replace(/^\s*!\s*/, "")
        .split(/\s*\n\s*/)
        .filter(Boolean)
        .join(" ");
      if (/cluster|kubeconfig|reach|connect/i.test(shown)) {
        throw new InstallationUnusable(`The installation at ${url} cannot reach its Kubernetes cluster. It says: ${shown}`, CLUSTER_ACTION);
      }
    }
  } catch (err) {
    if (err instanceof InstallationUnusable) throw err;
    throw new InstallationUnusable(`The level page of ${url} did not load or connect: ${(err as Error).message.split("\n")[0]}`, "Open the URL in a browser to see what is wrong; check the server's log.");
  } finally {
    await context.close();
  }
}

/** A level whose start failed because the cluster went away: stop instead of trying every level. */
function clusterDown(report: LevelReport): boolean {
  return Boolean(report.error && /did not start/.test(report.error) && /cluster|kubeconfig|connect|reach/i.test(report.error));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      level: { type: "string", multiple: true },
      "wrong-fixes": { type: "boolean", default: false },
      "report-dir": { type: "string" },
      "timeout-minutes": { type: "string", default: "30" },
    },
  });
  // Whatever goes wrong on the installation, the instructor gets an answer, not a hung terminal.
  const limitMin = Number(values["timeout-minutes"]) || 30;
  setTimeout(() => {
    console.error(`✗ grade:installation gave up after ${limitMin} min: the installation is too slow or stuck.\n  What to do: look at the server's log and the cluster (npm run cluster:status on its host); --timeout-minutes raises the limit.`);
    process.exit(2);
  }, limitMin * 60_000).unref();
  if (!values.url) {
    console.error("usage: npm run grade:installation -- --url http://host:port [--level <id>] [--wrong-fixes] [--report-dir <dir>]");
    return 2;
  }
  const url = new URL(values.url).origin;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const reportDir = path.resolve(values["report-dir"] ?? path.join("installation-reports", stamp));
  mkdirSync(reportDir, { recursive: true });
  const reportFile = path.join(reportDir, "report.json");
  const scenarios = new Set<ScenarioKind>(["broken", "solution", "regrade", ...(values["wrong-fixes"] ? (["wrong-fix"] as const) : [])]);

  const started = Date.now();
  const results: LevelReport[] = [];
  const report: GradingRunReport = { kind: "grade-installation", url, startedAt: new Date(started).toISOString(), durationMs: 0, ok: false, levels: results };
  const browser = await launchChromium();
  try {
    console.log(`grading the installation at ${url}`);
    await reachServer(url);
    const catalog = await loadLevelCatalog();
    const listed = (await listedLevels(browser, url)).filter((id) => !values.level || values.level.includes(id));
    if (listed.length === 0) throw new InstallationUnusable(`The installation at ${url} lists no level${values.level ? ` named ${values.level.join(", ")}` : ""}.`, "Check the installation's levels/ directory.");
    await checkCluster(browser, url, listed[0]!);
    console.log(`${listed.length} level(s): ${listed.join(", ")}`);

    for (const id of listed) {
      const level = catalog.get(id);
      if (!level) {
        results.push({ id, number: 0, title: "", ok: false, scenarios: [], totalMs: 0, error: `the installation lists level ${id}, which this checkout's levels/ does not have: run this from the installation's version` });
        continue;
      }
      const context = await newLearner(browser, url);
      const result = await playLevel(context, level, { baseURL: url, scenarios, artifactsDir: reportDir, log: (l) => console.log(l) });
      await abandonLevel(context, url, id).catch((err: unknown) => {
        result.ok = false;
        result.error ??= `its environment could not be deleted afterwards: ${(err as Error).message}`;
      });
      result.trace = await finishLearner(context, result.ok ? null : reportDir, id);
      results.push(result);
      if (clusterDown(result)) throw new InstallationUnusable(`The installation at ${url} lost its Kubernetes cluster: ${result.error}`, CLUSTER_ACTION);
    }
    report.ok = results.every((r) => r.ok);
  } catch (err) {
    if (!(err instanceof InstallationUnusable)) throw err;
    report.error = { message: err.message, action: err.action };
    report.durationMs = Date.now() - started;
    printRun(report, writeReport(reportFile, report));
    return 2;
  } finally {
    await browser.close();
  }
  report.durationMs = Date.now() - started;
  return printRun(report, writeReport(reportFile, report));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`✗ grade:installation could not run: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
