// Brings the kind cluster up (or reuses the one `npm test` brought up) before the integration suite, through the
// same code path as `npm run cluster:up`, and points every test at its kubeconfig.
import { clusterForTests } from "../../cluster-kit/cluster";

export default async function setup(): Promise<void> {
  const info = await clusterForTests();
  process.env.KUBECONFIG = info.kubeconfig;
}
