// A learner plays Level 30 from the level list to the debrief, in Chromium, against the real
// cluster: terminal first, then the editor, the immutable clusterIP, Recreate, the live view,
// the grade with its evidence, and the chaos round.
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { LevelPage } from "./pages/level-page";

const LEVEL_ID = "headless-statefulset-dns";
const brokenService = readFileSync("levels/03-networking-and-services/30-headless-statefulset-dns/broken/service.yaml", "utf8");
const headlessService = brokenService.replace(/^spec:\n/m, "spec:\n  clusterIP: None\n");

test("a learner fixes the headless Service and passes Level 30", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId(`level-card-${LEVEL_ID}`).click();
  await expect(page).toHaveURL(new RegExp(`/levels/${LEVEL_ID}$`));

  const level = new LevelPage(page, LEVEL_ID);
  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-state", "connected");
  await level.start();

  // Look around: redis-1 is stuck waiting for the primary.
  await level.runInTerminal("kubectl get pods", /redis-1\s+0\/1\s+Init:0\/1/);
  await level.runInTerminal("kubectl get svc redis", /redis\s+ClusterIP\s+10\.96\./);

  // A failing grade shows its evidence and a hint.
  await level.grade();
  await expect(level.check("service-headless")).toHaveAttribute("data-status", "fail");
  await expect(level.check("service-headless")).toContainText("spec.clusterIP = 10.96.");

  // clusterIP: None over the existing Service is refused; Recreate fixes it.
  await level.openEditorTab("service.yaml");
  await level.setEditorText(headlessService);
  await level.apply();
  await level.recreate();

  // The live view heals: headless Service, three ready pods.
  await expect(page.getByTestId("live-service")).toHaveAttribute("data-headless", "true");
  await expect(page.getByTestId("live-pod-redis-2")).toBeVisible({ timeout: 90_000 });

  const summary = await level.grade();
  await expect(summary).toHaveAttribute("data-passed", "true");
  for (const id of ["service-headless", "statefulset-service-name", "pods-ready", "endpointslice-hostnames", "per-pod-dns", "service-dns", "replication-topology", "replication-data"]) {
    await expect(level.check(id)).toHaveAttribute("data-status", "pass");
  }
  await expect(page.getByTestId("debrief")).toBeAttached();

  const chaos = await level.grade("chaos");
  await expect(chaos).toHaveAttribute("data-passed", "true", { timeout: 120_000 });
});
