// Brings the kind cluster up (or reuses it) once before the integration suite, through the
// same code path as `npm run cluster:up`, and points every test at its kubeconfig.
import { clusterUp } from "../../cluster-kit/cluster";

export default async function setup(): Promise<void> {
  const info = await clusterUp();
  process.env.KUBECONFIG = info.kubeconfig;
}
