// The browser tests need the real cluster: bring it up (or reuse it) like `npm run cluster:up`.
import { clusterForTests } from "../cluster-kit/cluster";

export default async function globalSetup(): Promise<void> {
  await clusterForTests();
}
