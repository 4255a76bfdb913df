// Issue 14 item 2, "On the nodes": Level 31 shows, per node, the NAT rules kube-proxy programmed
// for the learner's two Services, refreshed while the live view is open. The rules for `cache`,
// an ordinary ClusterIP Service, appear on every node once its pods are ready; `cache-peers`
// starts as a ClusterIP Service too, and once the learner recreates it headless in the editor
// its rules go and stay gone through the next snapshots (the server's own sends are the signal,
// not a sleep), while `cache`'s remain. A screen reader is told the change in one line.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { LevelPage } from "./pages/level-page";
import { NodeRulesPanel } from "./pages/node-rules-panel";
import { abandonLevelAfterEach } from "./support/abandon-after-each";

const LEVEL_ID = "clusterip-and-headless";
const HEADLESS_PEERS = readFileSync("levels/03-networking-and-services/31-clusterip-and-headless/solution/cache-peers-service.yaml", "utf8");

abandonLevelAfterEach(LEVEL_ID);

test("the ClusterIP Service's rules appear on every node and the headless Service's stay absent", async ({ page }) => {
  const level = new LevelPage(page, LEVEL_ID);
  const panel = new NodeRulesPanel(page, LEVEL_ID);
  await level.goto();
  await level.start();
  await expect(page.getByTestId("live-jump-nodes")).toBeVisible();

  // kube-proxy translates both virtual IPs at the start, on every node: cache-peers is a ClusterIP Service too.
  await panel.expectOnEveryNode("cache", "rules");
  await panel.expectOnEveryNode("cache-peers", "rules");
  const nodes = await panel.nodes();
  for (const node of nodes) await expect(panel.column(node, "cache")).toContainText(/\d+ NAT rules for virtual IP 10\.96\./);
  await expect(panel.column(nodes[0]!, "cache")).toContainText("rewrites the destination to the pod at 10.244.");

  // The fix for the invalidator: cache-peers recreated headless, through the editor.
  expect(await level.applyText(HEADLESS_PEERS, { tab: "cache-peers-service.yaml", recreateIfImmutable: true })).toBe("recreated");
  await panel.expectOnEveryNode("cache-peers", "headless", 60_000);
  for (const node of nodes) {
    await expect(panel.column(node, "cache-peers")).toContainText("no rules — kube-proxy skips headless Services");
    await expect(panel.column(node, "cache-peers")).toHaveAttribute("data-rules", "0");
  }

  // Absent, and it stays so: two more snapshots of the server (sent every 10 s while nothing
  // changes), none with a rule for cache-peers on any node, while cache keeps its rules.
  const refreshes = await panel.refreshesAfter(panel.snapshots.length, 2);
  for (const snapshot of refreshes) {
    expect(snapshot.error).toBeNull();
    expect(NodeRulesPanel.rulesOf(snapshot, "cache-peers")).toEqual(nodes.map(() => 0));
    expect(NodeRulesPanel.rulesOf(snapshot, "cache").every((n) => n > 0)).toBe(true);
  }
  await panel.expectOnEveryNode("cache-peers", "headless");
  await panel.expectOnEveryNode("cache", "rules");
  // Only the learner's own namespace is ever sent.
  const namespaces = new Set(panel.snapshots.flatMap((s) => s.nodes.flatMap((n) => n.services.flatMap((x) => x.rules.map((r) => /--comment "?([a-z0-9-]+)\//.exec(r.text)?.[1])))));
  expect([...namespaces]).toEqual([panel.snapshots[0]!.namespace]);

  await expect(panel.summary).toHaveAttribute("aria-live", "polite");
  await expect(panel.summary).toHaveText(new RegExp(`^cache: NAT rules on ${nodes.length} of ${nodes.length} nodes?\\. cache-peers: no rules \\(headless\\)\\.$`));
});
