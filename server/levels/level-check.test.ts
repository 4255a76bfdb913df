import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkLevels, formatLevelCheckReport } from "./level-check";

const LEVELS = path.join(__dirname, "../../levels");
const LEVEL_30_DIR = "03-networking-and-services/30-headless-statefulset-dns";

const temps: string[] = [];
async function copyOfLevels(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kq-levels-check-"));
  temps.push(dir);
  await fs.cp(LEVELS, dir, { recursive: true });
  return dir;
}
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function edit(file: string, change: (text: string) => string): Promise<void> {
  await fs.writeFile(file, change(await fs.readFile(file, "utf8")));
}

const messages = async (root: string): Promise<string[]> =>
  (await checkLevels(root)).problems.map((p) => `${p.file}: ${p.message}`);

describe("checkLevels", () => {
  it("finds nothing wrong with the real levels", async () => {
    const report = await checkLevels(LEVELS);
    expect(report.problems).toEqual([]);
    expect(report.levels.map((l) => l.manifest?.id)).toContain("headless-statefulset-dns");
    expect(formatLevelCheckReport(report, LEVELS)).toMatch(/✓ Level 30/);
  });

  it("refuses a level with a check no scenario is declared to fail (one wrong fix removed)", async () => {
    const root = await copyOfLevels();
    const manifest = path.join(root, LEVEL_30_DIR, "level.yaml");
    // writable-replicas is the only scenario that fails at replication-data; its file goes too.
    await edit(manifest, (t) => t.replace(/\n {2}- id: writable-replicas\n(?: {4}.*\n| {6}.*\n)+/, "\n"));
    expect(await messages(root)).toEqual([
      `${LEVEL_30_DIR}/level.yaml: grader[7].id: check "replication-data" is never seen failing: neither the broken state nor any wrong fix declares failsAt: replication-data. Add a realistic wrong fix that fails there`,
    ]);
  });

  it("refuses a wrong fix that declares exactly the broken state's failure, or no evidence", async () => {
    const root = await copyOfLevels();
    const manifest = path.join(root, LEVEL_30_DIR, "level.yaml");
    await edit(manifest, (t) => t.replace('evidence: "Service redis-headless is headless, but the StatefulSet names redis"', "evidence: has the virtual IP"));
    expect(await messages(root)).toEqual([
      `${LEVEL_30_DIR}/level.yaml: wrongFixes[1].evidence: fails exactly as the broken state does (service-headless, "has the virtual IP"): declare the evidence only this fix produces, or a fix whose steps did nothing would count`,
    ]);
    await edit(manifest, (t) => t.replace(/ {4}evidence: "A Deployment's pods get random names"\n/, ""));
    expect(await messages(root)).toContainEqual(expect.stringMatching(/level\.yaml: wrongFixes\[3\]\.evidence: /));
  });

  it("refuses declared evidence that is a broken regular expression", async () => {
    const root = await copyOfLevels();
    await edit(path.join(root, LEVEL_30_DIR, "level.yaml"), (t) => t.replace("evidence: has the virtual IP", 'evidence: "/has the (virtual IP/"'));
    expect(await messages(root)).toContainEqual(expect.stringMatching(/level\.yaml: brokenState\.evidence: write a valid regular expression between slashes/));
  });

  it("catches a stray file", async () => {
    const root = await copyOfLevels();
    await fs.writeFile(path.join(root, LEVEL_30_DIR, "broken/old-service.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n");
    expect(await messages(root)).toEqual([`${LEVEL_30_DIR}/broken/old-service.yaml: ${"stray file"}: no setup, editableFiles, solution or wrongFixes entry of level.yaml refers to it (reference it or delete it)`]);
  });

  it("catches :latest, untagged images and pull policy Always", async () => {
    const root = await copyOfLevels();
    const statefulSet = path.join(root, LEVEL_30_DIR, "broken/statefulset.yaml");
    await edit(statefulSet, (t) => t.replace("image: kubequest/redis:7.0.15-2", "image: kubequest/redis:latest"));
    await edit(statefulSet, (t) => t.replace("image: kubequest/redis:7.0.15-2", "image: kubequest/redis"));
    await edit(path.join(root, "_platform/60-toolbox.yaml"), (t) => t.replace("imagePullPolicy: IfNotPresent", "imagePullPolicy: Always"));
    const found = await messages(root);
    expect(found).toEqual([
      "_platform/60-toolbox.yaml: Pod toolbox: spec.containers[0].imagePullPolicy: Always needs a registry; use IfNotPresent",
      expect.stringMatching(/broken\/statefulset\.yaml: StatefulSet redis: spec\.template\.spec\.initContainers\[0\]: image "kubequest\/redis:latest" uses :latest/),
      expect.stringMatching(/broken\/statefulset\.yaml: StatefulSet redis: spec\.template\.spec\.containers\[0\]: image "kubequest\/redis" has no tag/),
    ]);
  });

  it("catches a namespace in an object and a stray placeholder", async () => {
    const root = await copyOfLevels();
    await edit(path.join(root, LEVEL_30_DIR, "solution/service.yaml"), (t) => t.replace("  name: redis\n", "  name: redis\n  namespace: default\n"));
    await edit(path.join(root, LEVEL_30_DIR, "broken/service.yaml"), (t) => t.replace("app: redis\nspec", "app: \"{{namespace}}\"\nspec"));
    const found = await messages(root);
    expect(found).toEqual([
      expect.stringMatching(/broken\/service\.yaml: Service redis: metadata\.labels\.app: "\{\{namespace\}\}": level files take no placeholders/),
      expect.stringMatching(/solution\/service\.yaml: Service redis: remove metadata\.namespace/),
    ]);
  });

  it("lets a file only steps apply fill in the namespace and a pod's IP, and nothing else", async () => {
    const root = await copyOfLevels();
    const file = path.join(root, LEVEL_30_DIR, "wrong-fixes/pin-primary-with-host-aliases/statefulset.yaml");
    expect(await messages(root)).toEqual([]);
    await edit(file, (t) => t.replace("redis-0.redis.{{namespace}}", "redis-0.{{service}}.{{namespace}}"));
    expect(await messages(root)).toEqual([
      expect.stringMatching(/pin-primary-with-host-aliases\/statefulset\.yaml: StatefulSet redis: .*hostnames\[0\]: .*: the only placeholders allowed in a file only steps apply are \{\{namespace\}\} and \{\{podIP:<pod-name>\}\}/),
    ]);
  });

  it("catches duplicate ids and numbers across levels", async () => {
    const root = await copyOfLevels();
    await fs.cp(path.join(root, LEVEL_30_DIR), path.join(root, "03-networking-and-services/31-headless-statefulset-dns"), { recursive: true });
    const found = await messages(root);
    expect(found).toEqual([
      "03-networking-and-services/31-headless-statefulset-dns: the directory of level 30 \"headless-statefulset-dns\" must be named 30-headless-statefulset-dns",
      "03-networking-and-services/31-headless-statefulset-dns/level.yaml: id \"headless-statefulset-dns\" is already used by 03-networking-and-services/30-headless-statefulset-dns",
      "03-networking-and-services/31-headless-statefulset-dns/level.yaml: number 30 is already used by 03-networking-and-services/30-headless-statefulset-dns",
    ]);
  });

  it("catches a level whose editor steps need a kind its editorKinds does not list", async () => {
    const root = await copyOfLevels();
    await edit(path.join(root, LEVEL_30_DIR, "level.yaml"), (t) => t.replace("  - apps/Deployment\n", ""));
    expect(await messages(root)).toEqual([
      `${LEVEL_30_DIR}/wrong-fixes/deployment-instead-of-statefulset/deployment.yaml: Deployment redis: goes through the editor, but editorKinds in level.yaml does not list apps/Deployment`,
    ]);
  });

  it("refuses an editorKinds entry that would open KubeQuest's fences, and a missing list", async () => {
    const root = await copyOfLevels();
    const manifest = path.join(root, LEVEL_30_DIR, "level.yaml");
    await edit(manifest, (t) => t.replace("  - apps/Deployment\n", "  - apps/Deployment\n  - Secret\n  - discovery.k8s.io/EndpointSlice\n"));
    expect(await messages(root)).toEqual([
      `${LEVEL_30_DIR}/level.yaml: editorKinds[3]: Secret can never be applied from the editor: no level needs one, and Secrets are kept out of learners' reach`,
      `${LEVEL_30_DIR}/level.yaml: editorKinds[4]: discovery.k8s.io/EndpointSlice can never be applied from the editor: the control plane writes them from Services and pods`,
    ]);
    await edit(manifest, (t) => t.replace(/\neditorKinds:\n( {2}- .*\n)+/, "\n"));
    expect((await messages(root)).join("\n")).toMatch(/level\.yaml: editorKinds/);
  });

  it("catches level pods that Pod Security restricted would refuse", async () => {
    const root = await copyOfLevels();
    const statefulSet = path.join(root, LEVEL_30_DIR, "broken/statefulset.yaml");
    await edit(statefulSet, (t) => t.replace("        seccompProfile:\n          type: RuntimeDefault\n", "").replace("      volumes:\n", "      hostNetwork: true\n      volumes:\n        - name: node\n          hostPath:\n            path: /\n"));
    await edit(path.join(root, "_platform/60-toolbox.yaml"), (t) => t.replace("        allowPrivilegeEscalation: false\n", ""));
    expect(await messages(root)).toEqual([
      "_platform/60-toolbox.yaml: Pod toolbox: spec: containers[0]: set securityContext.allowPrivilegeEscalation: false (Pod Security restricted)",
      `${LEVEL_30_DIR}/broken/statefulset.yaml: StatefulSet redis: spec.template.spec: hostNetwork: true is refused in learner namespaces (Pod Security restricted)`,
      `${LEVEL_30_DIR}/broken/statefulset.yaml: StatefulSet redis: spec.template.spec: volume node: hostPath is refused in learner namespaces (Pod Security restricted)`,
      `${LEVEL_30_DIR}/broken/statefulset.yaml: StatefulSet redis: spec.template.spec: initContainers[0]: set seccompProfile type RuntimeDefault (pod or container securityContext) (Pod Security restricted)`,
      `${LEVEL_30_DIR}/broken/statefulset.yaml: StatefulSet redis: spec.template.spec: containers[0]: set seccompProfile type RuntimeDefault (pod or container securityContext) (Pod Security restricted)`,
    ]);
  });

  it("catches exec probes the admission policy would refuse (more than 30 a minute per pod)", async () => {
    const root = await copyOfLevels();
    const statefulSet = path.join(root, LEVEL_30_DIR, "broken/statefulset.yaml");
    // One exec readiness probe every second on the Redis container, plus an exec liveness probe
    // at the default period (6 a minute) on the init container: 66 a minute.
    await edit(statefulSet, (t) =>
      t
        .replace(/tcpSocket:\n {14}port: redis\n {12}periodSeconds: 1/, 'exec:\n              command: ["redis-cli", "ping"]\n            periodSeconds: 1')
        .replace("          command: [\"kubequest-wait-for-primary\"]\n", '          command: ["kubequest-wait-for-primary"]\n          livenessProbe:\n            exec:\n              command: ["true"]\n'),
    );
    expect(await messages(root)).toEqual([
      `${LEVEL_30_DIR}/broken/statefulset.yaml: StatefulSet redis: spec.template.spec: exec probes would run 66 times a minute; at most 30 a minute per pod are admitted: use a tcpSocket or httpGet probe, or a longer periodSeconds (KubeQuest admission policy)`,
    ]);
  });

  it("refuses a check type the check library does not have, and params that do not fit a check's type", async () => {
    const root = await copyOfLevels();
    const manifest = path.join(root, LEVEL_30_DIR, "level.yaml");
    await edit(manifest, (t) => t.replace("type: endpointslice-hostnames", "type: endpointslice-hostname").replace("timeoutSeconds: 60", "timeoutMs: 60"));
    expect(await messages(root)).toEqual([
      expect.stringMatching(new RegExp(`^${LEVEL_30_DIR}/level.yaml: grader\\[2\\]\\.params\\.timeoutSeconds: .*\\(for a pods-ready check\\)$`)),
      expect.stringMatching(new RegExp(`^${LEVEL_30_DIR}/level.yaml: grader\\[2\\]\\.params: .*timeoutMs`)),
      expect.stringMatching(new RegExp(`^${LEVEL_30_DIR}/level.yaml: grader\\[3\\]\\.type: "endpointslice-hostname" is not a check type \\(known: .*endpointslice-hostnames`)),
    ]);
  });

  it("refuses a readyWhenStarted entry a start could never see (a pod beyond the replicas, a container the pods lack)", async () => {
    const root = await copyOfLevels();
    const manifest = path.join(root, LEVEL_30_DIR, "level.yaml");
    await edit(manifest, (t) => t.replace("    - pod: redis-1\n      container: wait-for-primary\n", "    - pod: redis-3\n      container: wait-for-primary\n    - pod: redis-1\n      container: wait-for-primry\n"));
    const found = await messages(root);
    expect(found).toContain(`${LEVEL_30_DIR}/level.yaml: workload.readyWhenStarted[0].pod: "redis-3" is not a pod of StatefulSet redis (redis-0 … redis-2)`);
    expect(found).toContain(`${LEVEL_30_DIR}/level.yaml: workload.readyWhenStarted[1].container: the StatefulSet's pods have no container "wait-for-primry" (they have wait-for-primary, redis)`);
    expect(found).toHaveLength(2);
  });

  it("refuses readyWhenStarted on a Deployment (its pods' names are generated) and an ordinal written with a leading zero", async () => {
    const root = await copyOfLevels();
    await edit(path.join(root, LEVEL_30_DIR, "level.yaml"), (t) => t.replace("    - pod: redis-1\n", "    - pod: redis-01\n"));
    const level31 = "03-networking-and-services/31-clusterip-and-headless";
    await edit(path.join(root, level31, "level.yaml"), (t) => t.replace("  defaultServiceName: cache\n", "  defaultServiceName: cache\n  readyWhenStarted:\n    - pod: cache-0\n      container: cache\n"));
    expect(await messages(root)).toEqual([
      `${LEVEL_30_DIR}/level.yaml: workload.readyWhenStarted[0].pod: "redis-01" is not a pod of StatefulSet redis (redis-0 … redis-2)`,
      `${level31}/level.yaml: workload.readyWhenStarted[0]: a Deployment's pods have generated names; only a StatefulSet's pods can be named here`,
    ]);
  });

  it("reports schema problems with the file and field", async () => {
    const root = await copyOfLevels();
    await edit(path.join(root, LEVEL_30_DIR, "level.yaml"), (t) => t.replace(/failsAt: service-headless(\n {4}evidence: "Service redis-headless)/, "failsAt: service-is-headless$1"));
    expect(await messages(root)).toEqual([
      expect.stringMatching(new RegExp(`^${LEVEL_30_DIR}/level.yaml: wrongFixes\\[1\\]\\.failsAt: "service-is-headless" is not a grader check id`)),
    ]);
  });
});
