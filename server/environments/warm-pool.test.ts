// The warm pool's size setting: a test server keeps none unless told, a bad value is refused by
// name; which listed namespaces a claim may hand out (the claim itself runs on the real cluster
// in tests/integration/warm-pool.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_WARM_POOL, warmPoolFrom } from "../config/server-config";
import { loadLevelCatalog, type LoadedLevel } from "../levels/level-catalog";
import { LABELS, MANAGED_BY, environmentLabels } from "./environment-naming";
import { POOL_LABELS, WarmPool, levelBuildHash, poolSizeOf, poolSettingProblems, type ListedNamespace } from "./warm-pool";

describe("warmPoolFrom", () => {
  it("keeps the default for a real server and none for a test server", () => {
    expect(warmPoolFrom({})).toEqual({ each: DEFAULT_WARM_POOL, levels: {} });
    expect(warmPoolFrom({ KUBEQUEST_TEST_RUN: "it-1" })).toEqual({ each: 0, levels: {} });
    expect(warmPoolFrom({ KUBEQUEST_TEST_RUN: "it-1", KUBEQUEST_WARM_POOL: "3" })).toEqual({ each: 3, levels: {} });
    expect(warmPoolFrom({ KUBEQUEST_WARM_POOL: "0" })).toEqual({ each: 0, levels: {} });
  });

  it("reads a pool per level, by number or id; the levels a list does not name get its bare number, else none", () => {
    expect(warmPoolFrom({ KUBEQUEST_WARM_POOL: "30=3" })).toEqual({ each: 0, levels: { "30": 3 } });
    // A name that is a JavaScript object's own (the server then refuses it as no level's name).
    expect(warmPoolFrom({ KUBEQUEST_WARM_POOL: "constructor=1" })).toEqual({ each: 0, levels: { constructor: 1 } });
    expect(warmPoolFrom({ KUBEQUEST_WARM_POOL: " 1, headless-statefulset-dns = 4 ,31=0" })).toEqual({
      each: 1,
      levels: { "headless-statefulset-dns": 4, "31": 0 },
    });
  });

  it("refuses what it cannot read, naming the variable, the whole value and every problem", () => {
    for (const [bad, problem] of [
      ["constructor=1,constructor=2", /names level "constructor" twice/],
      ["-1", /"-1" is not a whole number from 0 to 50/],
      ["2.5", /"2.5" is not a whole number/],
      ["lots", /"lots" is not a whole number/],
      ["51", /"51" is not a whole number/],
      ["0x3", /"0x3" is not a whole number/],
      ["30=1e1", /the pool in "30=1e1" is not a whole number/],
      ["30=", /the pool in "30=" is not a whole number/],
      ["30=x", /the pool in "30=x" is not a whole number/],
      ["Level 30=2", /"Level 30" in "Level 30=2" is not a level's number or id/],
      ["1,2", /for every level twice \("1" and "2"\)/],
      ["30=1,30=2", /names level "30" twice/],
    ] as const) {
      expect(() => warmPoolFrom({ KUBEQUEST_WARM_POOL: bad })).toThrow(/- KUBEQUEST_WARM_POOL is a whole number from 0 to 50 for every level, or a list/);
      expect(() => warmPoolFrom({ KUBEQUEST_WARM_POOL: bad })).toThrow(problem);
    }
    expect(() => warmPoolFrom({ KUBEQUEST_WARM_POOL: "x,30=y" })).toThrow(/"x" is not a whole number.*; the pool in "30=y"/);
  });
});

describe("poolSizeOf and poolSettingProblems", () => {
  it("gives a level its id's entry, else its number's, else the size for every level", async () => {
    const levels = (await loadLevelCatalog()).list();
    const l30 = levels.find((l) => l.manifest.number === 30)!;
    const l31 = levels.find((l) => l.manifest.number === 31)!;
    expect(poolSizeOf({ each: 2, levels: {} }, l30)).toBe(2);
    expect(poolSizeOf({ each: 0, levels: { "30": 3 } }, l30)).toBe(3);
    expect(poolSizeOf({ each: 0, levels: { "30": 3 } }, l31)).toBe(0);
    expect(poolSizeOf({ each: 1, levels: { "30": 0 } }, l30)).toBe(0);
    expect(poolSizeOf({ each: 1, levels: { "30": 0, "headless-statefulset-dns": 4 } }, l30)).toBe(4);
    expect(poolSettingProblems({ each: 0, levels: { "30": 1, "clusterip-and-headless": 1 } }, levels)).toEqual([]);
    const [unknown, ...rest] = poolSettingProblems({ each: 0, levels: { "30": 1, "clusterip-and-headless": 1, "29": 1, "headless-services": 2 } }, levels);
    expect(unknown).toMatch(/names "29", "headless-services", which no level has; the levels are 30 \(headless-statefulset-dns\), 31 \(clusterip-and-headless\)/);
    expect(rest).toEqual([]);
    expect(poolSettingProblems({ each: 0, levels: { "30": 3, "headless-statefulset-dns": 1 } }, levels)).toEqual([
      'KUBEQUEST_WARM_POOL names level 30 twice, as "30" and as "headless-statefulset-dns": keep one',
    ]);
  });
});

describe("WarmPool.handOutable", () => {
  let level: LoadedLevel;
  let other: LoadedLevel;
  const NOW = 1_800_000_000_000;
  const scope = { "kubequest.dev/test-run": "it-1" };

  beforeAll(async () => {
    const catalog = await loadLevelCatalog();
    level = catalog.get("headless-statefulset-dns")!;
    other = catalog.list().find((l) => l.manifest.id !== level.manifest.id)!;
  });

  const pool = (): WarmPool =>
    new WarmPool({
      kube: () => {
        throw new Error("handOutable reads only what it is given");
      },
      levels: () => Promise.reject(new Error("not used")),
      build: () => Promise.reject(new Error("not used")),
      size: 2,
      scopeLabels: scope,
      now: () => NOW,
    });

  /** A ready pooled namespace of `forLevel`, `ageMs` old, with `change` applied to its labels. */
  function pooled(name: string, forLevel: LoadedLevel, ageMs: number, change: Record<string, string | undefined> = {}, deleting = false): ListedNamespace {
    const labels: Record<string, string> = {
      ...environmentLabels("pool", forLevel.manifest.id, NOW - ageMs),
      ...scope,
      [POOL_LABELS.pool]: forLevel.manifest.id,
      [POOL_LABELS.ready]: "true",
      [POOL_LABELS.build]: levelBuildHash(forLevel),
    };
    delete labels[LABELS.session];
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete labels[k];
      else labels[k] = v;
    }
    return { name, labels, deleting };
  }

  it("hands out only ready, current, young pooled environments of the level in its scope, youngest first", () => {
    const listed: ListedNamespace[] = [
      pooled("older", level, 600_000),
      pooled("younger", level, 60_000),
      pooled("another-level", other, 30_000),
      pooled("still-building", level, 30_000, { [POOL_LABELS.ready]: undefined }),
      pooled("old-files", level, 30_000, { [POOL_LABELS.build]: "0000000000000000" }),
      pooled("aged-out", level, 31 * 60_000),
      pooled("being-deleted", level, 30_000, {}, true),
      pooled("another-run", level, 30_000, { "kubequest.dev/test-run": "it-2" }),
      pooled("not-ours", level, 30_000, { [LABELS.managedBy]: `${MANAGED_BY}-not` }),
      // A learner's environment (claimed: session label, no pool marks).
      { name: "a-learners", labels: { ...environmentLabels("learner", level.manifest.id, NOW), ...scope }, deleting: false },
    ];
    expect(pool().handOutable(level, listed).map((ns) => ns.name)).toEqual(["younger", "older"]);
  });

  it("outside any test run, hands out none of a test run's or a bench's pooled environments", () => {
    const unscoped = new WarmPool({ kube: () => ({}) as never, levels: () => Promise.reject(new Error("not used")), build: () => Promise.reject(new Error("not used")), size: 2, scopeLabels: {}, now: () => NOW });
    const listed = [pooled("the-installation's", level, 60_000, { "kubequest.dev/test-run": undefined }), pooled("a-test-run's", level, 30_000)];
    expect(unscoped.handOutable(level, listed).map((ns) => ns.name)).toEqual(["the-installation's"]);
  });

  describe("a refill above the setting", () => {
    /** A cluster of pooled namespaces in memory: what the refill lists, relabels and deletes. */
    function fakeCluster(namespaces: ListedNamespace[], claimedMeanwhile: string[] = []) {
      const calls = { selectors: [] as string[], deleted: [] as string[] };
      const kube = {
        listNamespaces: async (selector: string) => {
          calls.selectors.push(selector);
          const wanted = selector.split(",").filter((t) => t.includes("=") && !t.startsWith("!"));
          return namespaces.filter((ns) => wanted.every((t) => ns.labels[t.split("=")[0]!] === t.split("=")[1]));
        },
        // A learner's claim got there first for these: the guarded relabel loses.
        relabelNamespaceIf: async (name: string, guard: { key: string; value: string }, _set: Record<string, string>, remove: string[]) => {
          expect(guard).toEqual({ key: POOL_LABELS.ready, value: "true" });
          expect(remove).toEqual([POOL_LABELS.ready]);
          return !claimedMeanwhile.includes(name);
        },
        deleteNamespace: async (name: string) => void calls.deleted.push(name),
      };
      return { kube, calls };
    }

    const refilling = (kube: unknown, size: { each: number; levels: Record<string, number> }, scopeLabels: Record<string, string> = scope) =>
      new WarmPool({
        kube: () => kube as never,
        levels: async () => ({ list: () => [level, other] }),
        build: () => Promise.reject(new Error("nothing is missing: no build")),
        size,
        scopeLabels,
        now: () => NOW,
      });

    it("gives back its oldest ready environments at once, but not one a learner claimed meanwhile", async () => {
      const { kube, calls } = fakeCluster([pooled("oldest", level, 900_000), pooled("middle", level, 600_000), pooled("youngest", level, 60_000)], ["oldest"]);
      await refilling(kube, { each: 0, levels: { "30": 1 } }).refill();
      expect(calls.deleted).toEqual(["middle"]);
    });

    it("with the pool off, gives back all of it; outside a test run it lists no test run's", async () => {
      const { kube, calls } = fakeCluster([pooled("a", level, 600_000), pooled("b", other, 60_000)]);
      await refilling(kube, { each: 0, levels: {} }).refill();
      expect(calls.deleted.sort()).toEqual(["a", "b"]);
      const unscoped = fakeCluster([]);
      await refilling(unscoped.kube, { each: 0, levels: {} }, {}).refill();
      expect(unscoped.calls.selectors.every((sel) => sel.split(",").includes("!kubequest.dev/test-run"))).toBe(true);
    });
  });
});
