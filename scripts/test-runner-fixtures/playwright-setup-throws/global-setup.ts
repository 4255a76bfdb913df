// Fails as e2e/global-setup.ts does when the cluster cannot be reached.
export default function globalSetup(): void {
  throw new Error("the fixture cluster did not come up");
}
