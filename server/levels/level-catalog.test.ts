import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LevelCatalogError, loadLevelCatalog } from "./level-catalog";

const LEVELS = path.join(__dirname, "../../levels");
const LEVEL_30_DIR = "03-networking-and-services/30-headless-statefulset-dns";

const temps: string[] = [];
async function copyOfLevels(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kq-catalog-"));
  temps.push(dir);
  await fs.cp(LEVELS, dir, { recursive: true });
  return dir;
}
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe("loadLevelCatalog", () => {
  it("loads Level 30 with its summary and detail", async () => {
    const catalog = await loadLevelCatalog(LEVELS);
    const level = catalog.get("headless-statefulset-dns");
    expect(level).toBeDefined();
    if (!level) return;
    expect(catalog.list().map((l) => l.manifest.id)).toContain("headless-statefulset-dns");
    expect(level.dir).toBe(path.join(LEVELS, LEVEL_30_DIR));

    expect(level.summary()).toEqual({
      id: "headless-statefulset-dns",
      number: 30,
      title: "Headless Services & StatefulSet DNS",
      world: { number: 3, title: "Networking & Services" },
      xp: 250,
      difficulty: "intermediate",
      concepts: expect.arrayContaining(["Headless Service", "StatefulSet"]) as unknown as string[],
    });

    const detail = level.detail();
    expect(detail.briefing).toMatch(/^# Mission/);
    expect(detail.objectives.length).toBeGreaterThan(0);
    // The chaos round's objective is apart, so it is ticked only when that round passes.
    expect(detail.chaosObjective).toMatch(/primary pod is deleted/);
    expect(detail.objectives.join(" ")).not.toMatch(/chaos|primary pod is deleted/);
    expect(detail.hints).toHaveLength(4);
    // The level page shows the panels the level names: here "On the nodes".
    expect(detail.panels).toEqual(["node-rules"]);
    // Hint bodies stay on the server until the learner opens them (hint:open records the cost).
    expect(Object.keys(detail.hints[0] ?? {}).sort()).toEqual(["title", "xpCost"]);
    expect(level.hintBody(0)).toMatch(/kubectl logs redis-1/);
    expect(level.hintBody(4)).toBeUndefined();
    expect(detail).toMatchObject({ solutionXpCost: 250, chaosBonusXp: 100 });
    expect(level.solutionMarkdown()).toMatch(/Recreate \(delete and create again\) `service\.yaml`[\s\S]*clusterIP: None/);
    expect(detail.editableFiles.map((f) => f.name)).toEqual(["service.yaml", "statefulset.yaml"]);
    expect(detail.editableFiles[0]?.content).toMatch(/kind: Service/);
    expect(detail.editableFiles[0]?.content).not.toMatch(/clusterIP: None/);
    expect(level.debrief).toMatch(/clusterIP: None/);
  });

  it("reads a level file into objects, as fresh copies", async () => {
    const level = (await loadLevelCatalog(LEVELS)).get("headless-statefulset-dns")!;
    const [service] = level.readObjects("solution/service.yaml");
    expect(service).toMatchObject({ apiVersion: "v1", kind: "Service", metadata: { name: "redis" }, spec: { clusterIP: "None" } });
    service!.metadata.name = "changed";
    expect(level.readObjects("solution/service.yaml")[0]?.metadata.name).toBe("redis");

    const [statefulSet] = level.readObjects("broken/statefulset.yaml");
    expect(statefulSet).toMatchObject({ kind: "StatefulSet", spec: { serviceName: "redis", replicas: 3 } });
    expect(() => level.readObjects("level.yaml")).toThrow(/has no file "level.yaml"/);
  });

  it("gives the platform objects of a namespace, placeholder replaced", async () => {
    const level = (await loadLevelCatalog(LEVELS)).get("headless-statefulset-dns")!;
    const objects = level.platformObjects("kq-abc123");
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ServiceAccount/learner",
      "Role/learner",
      "RoleBinding/learner",
      "ResourceQuota/kubequest-limits",
      "LimitRange/kubequest-defaults",
      "NetworkPolicy/kubequest-default-deny",
      "ConfigMap/kubequest-level-files",
      "Pod/toolbox",
    ]);
    // The level's manifests, for the toolbox to copy into the terminal's home folder (issue 16,
    // item 9: a terminal-only learner had no manifests to edit).
    const files = objects.find((o) => o.kind === "ConfigMap") as { data?: Record<string, string>; metadata: { labels?: Record<string, string> } } | undefined;
    expect(Object.keys(files?.data ?? {})).toEqual(["service.yaml", "statefulset.yaml"]);
    expect(files?.data?.["service.yaml"]).toBe(level.detail().editableFiles[0]?.content);
    expect(files?.metadata.labels).toMatchObject({ "app.kubernetes.io/part-of": "kubequest" });
    const toolbox = objects.find((o) => o.kind === "Pod") as unknown as { spec: { volumes: { name: string; configMap?: { name: string } }[] } };
    expect(toolbox.spec.volumes.find((v) => v.configMap)?.configMap?.name).toBe("kubequest-level-files");
    expect(JSON.stringify(objects)).not.toContain("{{");
    const binding = objects.find((o) => o.kind === "RoleBinding") as { subjects?: { namespace?: string }[] } | undefined;
    expect(binding?.subjects?.[0]?.namespace).toBe("kq-abc123");
    for (const o of objects) expect(o.metadata.namespace).toBeUndefined();

    expect(() => level.platformObjects("Bad_Namespace")).toThrow(/not a valid namespace/);
    expect(() => level.platformObjects("a".repeat(64))).toThrow(/not a valid namespace/);
  });

  it("says which file and field is wrong", async () => {
    const root = await copyOfLevels();
    const manifest = path.join(root, LEVEL_30_DIR, "level.yaml");
    await fs.writeFile(manifest, (await fs.readFile(manifest, "utf8")).replace("xp: 250", "xp: lots"));
    const error = await loadLevelCatalog(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LevelCatalogError);
    expect((error as LevelCatalogError).message).toContain(`${LEVEL_30_DIR}/level.yaml: xp: `);
  });

  it("refuses a level whose referenced file is missing or not a Kubernetes object", async () => {
    const root = await copyOfLevels();
    await fs.rm(path.join(root, LEVEL_30_DIR, "solution/service.yaml"));
    await fs.writeFile(path.join(root, LEVEL_30_DIR, "broken/service.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {}\n");
    const error = (await loadLevelCatalog(root).catch((e: unknown) => e)) as LevelCatalogError;
    expect(error.problems.map((p) => `${p.file}: ${p.message}`)).toEqual([
      expect.stringMatching(new RegExp(`^${LEVEL_30_DIR}/broken/service.yaml: object: metadata.name: `)),
      `${LEVEL_30_DIR}/solution/service.yaml: file is missing`,
    ]);
  });

  it("refuses a YAML alias bomb instead of hanging", async () => {
    const root = await copyOfLevels();
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    await fs.writeFile(path.join(root, LEVEL_30_DIR, "level.yaml"), lines.join("\n"));
    const error = (await loadLevelCatalog(root).catch((e: unknown) => e)) as LevelCatalogError;
    expect(error.message).toMatch(/aliases/);
  });
});
