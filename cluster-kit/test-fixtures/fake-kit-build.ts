/**
 * A kit build with fake steps, for cluster-lock.test.ts: the real lock and the real cached-step
 * runner, but steps that only record that they ran (BUILD_LOG) and take STEP_MS each, so two
 * concurrent "cluster:up" runs and a build killed mid-step can be tested in seconds.
 * Environment: KUBEQUEST_KIT_CACHE, LOCK_FILE, BUILD_LOG, STEPS (comma-separated), STEP_MS.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { withClusterLock } from "../cluster-lock";
import { KIT_CACHE } from "../kit-config";
import { runCachedStep } from "../step-runner";

const steps = (process.env.STEPS ?? "alpha,beta").split(",");
const stepMs = Number(process.env.STEP_MS ?? "500");
const buildLog = process.env.BUILD_LOG ?? path.join(KIT_CACHE, "builds.log");

void withClusterLock(
  async () => {
    for (const [i, name] of steps.entries()) {
      await runCachedStep(i + 1, steps.length, {
        name,
        outDir: path.join(KIT_CACHE, name),
        key: "fake-key-1",
        run: async (dir) => {
          appendFileSync(buildLog, `${name} ${process.pid}\n`);
          writeFileSync(path.join(dir, "half-written"), "a step that has not finished yet");
          await new Promise((r) => setTimeout(r, stepMs));
          writeFileSync(path.join(dir, "output"), "done");
        },
      });
    }
  },
  { lockFile: process.env.LOCK_FILE, pollMs: 100 },
).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
