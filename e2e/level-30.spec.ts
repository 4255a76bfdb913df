// A learner plays Level 30 from the level list to the debrief, in Chromium, against the real
// cluster: terminal first, then the editor, the immutable clusterIP, Recreate, the live view,
// the grade with its evidence, and the chaos round. Then the ways a learner goes wrong: a
// replica pointed at a pod IP, a reload in the middle of the level, and a Reset.
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { LevelPage } from "./pages/level-page";
import { abandonLevel } from "./support/environment-cleanup";

const LEVEL_ID = "headless-statefulset-dns";
const LEVEL_DIR = "levels/03-networking-and-services/30-headless-statefulset-dns";
const brokenService = readFileSync(`${LEVEL_DIR}/broken/service.yaml`, "utf8");
const headlessService = brokenService.replace(/^spec:\n/m, "spec:\n  clusterIP: None\n");
const ALL_CHECKS = ["service-headless", "statefulset-service-name", "pods-ready", "endpointslice-hostnames", "service-dns", "per-pod-dns", "replication-topology", "replication-data"];

// Each test is a new learner with a namespace of its own: delete it afterwards, as a learner
// abandoning the level would, so runs do not pile up environments on the shared cluster.
test.afterEach(async ({ context, page, baseURL }, testInfo) => {
  // The automatic failure screenshot is taken after this hook: keep the page as the learner saw it.
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach("page before cleanup", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" }).catch(() => undefined);
  }
  await abandonLevel(context, baseURL!, LEVEL_ID).catch(() => undefined);
});

test("a learner fixes the headless Service and passes Level 30", async ({ page }) => {
  // Before any page opens its socket: the page object reads grade answers off the WebSocket.
  const level = new LevelPage(page, LEVEL_ID);
  await page.goto("/");
  await page.getByTestId(`level-card-${LEVEL_ID}`).click();
  await expect(page).toHaveURL(new RegExp(`/levels/${LEVEL_ID}$`));

  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-state", "connected");
  await level.start();

  // Look around: redis-1 is stuck waiting for the primary, and the Service has a virtual IP.
  await level.runInTerminal("kubectl get svc,pods", /service\/redis\s+ClusterIP\s+10\.96\./);
  await expect(level.terminal.locator(".xterm-rows")).toContainText(/pod\/redis-1\s+0\/1\s+Init:0\/1/);
  // redis-0's own name answers with its pod IP, but the Service's name hides the pods behind
  // one virtual address: what redis-1 asks DNS for the members of the Service.
  await level.runInTerminal("clear; nslookup redis-0.redis.$POD_NAMESPACE.svc.cluster.local", /Name:\s+redis-0\.redis\.kq-[a-z0-9-]+\.svc\.cluster\.local\s*Address:\s+10\.244\./);
  await level.runInTerminal("clear; nslookup redis.$POD_NAMESPACE.svc.cluster.local", /Name:\s+redis\.kq-[a-z0-9-]+\.svc\.cluster\.local\s*Address:\s+10\.96\./);

  // A failing grade shows its evidence and a hint.
  await level.grade();
  await expect(level.check("service-headless")).toHaveAttribute("data-status", "fail");
  await expect(level.check("service-headless")).toContainText("spec.clusterIP = 10.96.");

  // clusterIP: None over the existing Service is refused, with an explanation; Recreate fixes it.
  await level.openEditorTab("service.yaml");
  await level.setEditorText(headlessService);
  await level.apply();
  await expect(page.getByTestId("immutable-explanation")).toContainText(/immutable/i);
  await expect(page.getByTestId("immutable-explanation")).toContainText("clusterIP");
  await level.recreate();

  // The live view heals: headless Service, three ready pods.
  await expect(page.getByTestId("live-service")).toHaveAttribute("data-headless", "true");
  await level.waitForReadyPods("redis", 3, 120_000);

  const summary = await level.grade();
  await expect(summary).toHaveAttribute("data-passed", "true");
  for (const id of ALL_CHECKS) {
    await expect(level.check(id)).toHaveAttribute("data-status", "pass");
  }

  // Now the Service's name answers with the pods themselves, in the learner's own shell too.
  await level.runInTerminal("clear; nslookup redis.$POD_NAMESPACE.svc.cluster.local", /Name:\s+redis\.kq-[a-z0-9-]+\.svc\.cluster\.local\s*Address:\s+10\.244\./);

  const chaos = await level.grade("chaos");
  await expect(chaos).toHaveAttribute("data-passed", "true", { timeout: 120_000 });

  // The debrief explains what was broken.
  const debrief = await level.readDebrief();
  expect(debrief).toMatch(/headless/i);
  expect(debrief).toMatch(/clusterIP/);
});

test("a replica pointed at redis-0's pod IP fails the topology check, with evidence and a hint", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();
  await level.start();

  // The Service is fixed properly, but the replicas are told to follow an IP address.
  await level.openEditorTab("service.yaml");
  await level.setEditorText(headlessService);
  await level.apply();
  await level.recreate();
  await level.waitForReadyPods("redis", 3, 120_000);
  for (const replica of ["redis-1", "redis-2"]) {
    const r = await level.runShell(`kubectl exec ${replica} -- redis-cli REPLICAOF "$(kubectl get pod redis-0 -o jsonpath='{.status.podIP}')" 6379`);
    expect(r.exitCode).toBe(0);
  }

  const summary = await level.grade();
  await expect(summary).toHaveAttribute("data-passed", "false");
  const topology = level.check("replication-topology");
  await expect(topology).toHaveAttribute("data-status", "fail");
  // A failed check opens by itself: what the grader saw, and where to look next.
  await expect(topology).toContainText("What the grader saw");
  await expect(topology).toContainText(/master_host:\d+\.\d+\.\d+\.\d+/);
  await expect(topology).toContainText("Look next:");
  await expect(topology).toContainText("INFO replication");
  await expect(level.check("replication-data")).toHaveAttribute("data-status", "skipped");
  for (const id of ALL_CHECKS.slice(0, 6)) {
    await expect(level.check(id)).toHaveAttribute("data-status", "pass");
  }
});

test("a reload mid-level keeps the level and re-attaches the terminal; Reset restores the broken state", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  await level.goto();
  await level.start();
  await level.runInTerminal("echo kq-before-$((40+2))", "kq-before-42");
  await level.openEditorTab("service.yaml");
  await level.setEditorText(headlessService);
  await level.apply();
  await level.recreate();
  await expect(page.getByTestId("live-service")).toHaveAttribute("data-headless", "true");

  await level.reload();
  // The same environment, not a new one: no Start button, the fix still in place.
  await expect(page.getByTestId("env-status")).toHaveAttribute("data-phase", "ready");
  await expect(page.getByTestId("start-level")).toHaveCount(0);
  await expect(page.getByTestId("live-service")).toHaveAttribute("data-headless", "true");
  // The terminal re-attaches to the same shell: what was typed before the reload is still there.
  await expect(level.terminal).toHaveAttribute("data-status", "attached", { timeout: 60_000 });
  await expect(level.terminal.locator(".xterm-rows")).toContainText("kq-before-42");
  await level.runInTerminal("echo kq-after-$((40+3))", "kq-after-43");

  await level.reset();
  await expect(page.getByTestId("live-service")).toHaveAttribute("data-headless", "false");
  await level.runInTerminal("kubectl get svc redis", /redis\s+ClusterIP\s+10\.96\./);
  const summary = await level.grade();
  await expect(summary).toHaveAttribute("data-passed", "false");
  await expect(level.check("service-headless")).toHaveAttribute("data-status", "fail");
});
