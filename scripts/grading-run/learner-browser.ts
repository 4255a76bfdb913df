/**
 * Debian's Chromium (never a downloaded browser), launched like the Playwright config does,
 * and one browser context per level: a new learner with its own session and namespace,
 * traced so a failure can be replayed with `npx playwright show-trace`.
 */
import path from "node:path";
import { chromium, type Browser, type BrowserContext } from "@playwright/test";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

export async function newLearner(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } });
  // Generous defaults: level setup and grading wait on a real cluster.
  context.setDefaultTimeout(60_000);
  await context.tracing.start({ screenshots: true, snapshots: true });
  return context;
}

/** Keeps the trace only when something failed; returns its path. */
export async function finishLearner(context: BrowserContext, keepTraceIn: string | null, name: string): Promise<string | undefined> {
  let trace: string | undefined;
  if (keepTraceIn) {
    trace = path.resolve(keepTraceIn, `${name}-trace.zip`);
    await context.tracing.stop({ path: trace }).catch(() => (trace = undefined));
  } else {
    await context.tracing.stop().catch(() => undefined);
  }
  await context.close().catch(() => undefined);
  return trace;
}
