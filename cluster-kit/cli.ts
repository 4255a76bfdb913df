/**
 * npm run cluster:up [-- --offline | --online] [--nodes N]
 *                                                 create or reuse the kind cluster "kubequest":
 *                                                 one node, or a control plane and N-1 workers
 * npm run cluster:down                            delete it
 * npm run cluster:status                          nodes, system pods and loaded images
 */
import { clusterDown, clusterStatus, clusterUp, nodesFlag, parseNodeCount, type ClusterMode } from "./cluster";
import { StepFailed } from "./step-runner";

async function main(): Promise<number> {
  const [command, ...flags] = process.argv.slice(2);
  const mode: ClusterMode = flags.includes("--offline") ? "offline" : flags.includes("--online") ? "online" : "auto";
  switch (command) {
    case "up": {
      await clusterUp({ mode, nodes: parseNodeCount(nodesFlag(flags)) });
      return 0;
    }
    case "down":
      await clusterDown();
      return 0;
    case "status":
      return clusterStatus();
    default:
      console.error("usage: tsx cluster-kit/cli.ts up [--offline|--online] [--nodes N] | down | status");
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof StepFailed) {
      console.error(`\n✗ ${err.message}`);
    } else {
      console.error(`\n✗ ${err instanceof Error ? err.message : String(err)}`);
    }
    process.exit(1);
  },
);
