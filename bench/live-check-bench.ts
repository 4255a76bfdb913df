/**
 * The `live-check` section of `npm run bench` (issue 15 item 2: a live check updates "within a
 * second of a change"): a learner's Service is recreated, alternately headless and with a
 * virtual IP, through the editor's own request (`yaml:recreate`), and each time the section
 * measures from the request's answer (the change is made) to the `checks:live` whose
 * service-headless verdict shows it (0 when that came before the answer). The path is the real one: the namespace watch, the live
 * view's debounced read, the grader's verdict, the socket.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { LiveChecks } from "../lib/protocol/socket-events";
import { getLevelCatalog } from "../server/levels/level-catalog";
import { ask, sessionClient } from "./bench-client";

export async function benchLiveCheck(base: string, levelId: string, runs: number): Promise<number[]> {
  const level = (await getLevelCatalog()).get(levelId);
  if (!level) throw new Error(`no level ${levelId}`);
  const broken = level.editableFiles.find((f) => f.name === "service.yaml")!.content;
  const step = level.manifest.solution.find((s) => s.action === "recreate");
  if (!step) throw new Error(`level ${levelId} has no recreate step in its solution`);
  const headless = readFileSync(path.join(level.dir, step.file), "utf8");

  const socket = await sessionClient(base);
  const received: { at: number; checks: LiveChecks }[] = [];
  socket.on("checks:live", (checks) => received.push({ at: performance.now(), checks }));
  /** When the first verdict showing the new Service arrived after `since`. */
  const shownAt = async (since: number, headlessNow: boolean): Promise<number> => {
    const shows = (checks: LiveChecks) => {
      const check = checks.checks.find((c) => c.id === "service-headless");
      // The Service's deletion on the way is a change too: only its new state counts here.
      return headlessNow ? check?.verdict === "pass" : check?.verdict === "fail" && /virtual IP/.test(check.reason ?? "");
    };
    for (;;) {
      const found = received.find((r) => r.at >= since && shows(r.checks));
      if (found) return found.at;
      if (performance.now() - since > 30_000) throw new Error(`no live verdict of the ${headlessNow ? "headless" : "virtual IP"} Service within 30 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const samples: number[] = [];
  try {
    await ask(socket, "level:start", { levelId });
    for (let i = 0; i < runs; i++) {
      const headlessNow = i % 2 === 0;
      const sent = performance.now();
      await ask(socket, "yaml:recreate", { levelId, yaml: headlessNow ? headless : broken, confirmed: true });
      const answered = performance.now();
      samples.push(Math.max(0, (await shownAt(sent, headlessNow)) - answered));
      // Let the namespace settle (the replicas react to the Service) before the next change.
      await new Promise((r) => setTimeout(r, 1500));
    }
    await ask(socket, "level:abandon", { levelId }).catch(() => undefined);
    process.stdout.write(`  live check: ${samples.length} changes\n`);
    return samples;
  } finally {
    socket.close();
  }
}
