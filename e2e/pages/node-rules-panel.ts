/**
 * The live view's "On the nodes" panel, in a learner's terms: which Services kube-proxy has NAT
 * rules for on each node, and why one has none. It also keeps every `noderules:snapshot` the
 * server sent the page (read off the WebSocket), so a spec can wait for the panel to have been
 * refreshed again, a positive signal that something *stayed* as it was, instead of sleeping.
 */
import { expect, type Locator, type Page } from "@playwright/test";
import type { NodeRulesSnapshot } from "../../lib/protocol/socket-events";

export type ColumnState = "rules" | "stale" | "headless" | "waiting" | "no-virtual-ip";

export class NodeRulesPanel {
  /** Every "On the nodes" snapshot the server sent this page for the level, in order. */
  readonly snapshots: NodeRulesSnapshot[] = [];

  constructor(
    readonly page: Page,
    readonly levelId: string,
  ) {
    page.on("websocket", (ws) => {
      ws.on("framereceived", ({ payload }) => {
        if (typeof payload !== "string" || !payload.startsWith('42["noderules:snapshot"')) return;
        const [, snapshot] = JSON.parse(payload.slice(2)) as [string, NodeRulesSnapshot];
        if (snapshot.levelId === this.levelId) this.snapshots.push(snapshot);
      });
    });
  }

  get root(): Locator {
    return this.page.getByTestId("node-rules-panel");
  }

  /** What a screen reader is told (a polite status line). */
  get summary(): Locator {
    return this.page.getByTestId("node-rules-summary");
  }

  /** One Service's column on one node. */
  column(node: string, service: string): Locator {
    return this.page.getByTestId(`node-rules-${node}-${service}`);
  }

  /** The nodes the panel shows, once it shows any. */
  async nodes(): Promise<string[]> {
    const rows = this.page.locator('[data-testid^="node-rules-node-"]');
    await expect(rows.first()).toBeVisible({ timeout: 60_000 });
    return rows.evaluateAll((els) => els.map((el) => (el.getAttribute("data-testid") ?? "").replace(/^node-rules-node-/, "")));
  }

  /** Waits until `service` is shown in `state` on every node. */
  async expectOnEveryNode(service: string, state: ColumnState, timeoutMs = 120_000): Promise<void> {
    await expect(this.root).toHaveAttribute("data-kind", "nodes", { timeout: timeoutMs });
    for (const node of await this.nodes()) await expect(this.column(node, service)).toHaveAttribute("data-state", state, { timeout: timeoutMs });
  }

  /** The rules the server sent for `service` in `snapshot`, per node. */
  static rulesOf(snapshot: NodeRulesSnapshot, service: string): number[] {
    return snapshot.nodes.map((n) => n.services.find((s) => s.service === service)?.rules.length ?? 0);
  }

  /** Waits for `count` more snapshots after the first `after` (sent on a change, and every 10 s regardless). */
  async refreshesAfter(after: number, count: number): Promise<NodeRulesSnapshot[]> {
    await expect.poll(() => this.snapshots.length, { timeout: count * 10_000 + 30_000, message: `${count} more "On the nodes" snapshots` }).toBeGreaterThanOrEqual(after + count);
    return this.snapshots.slice(after);
  }
}
