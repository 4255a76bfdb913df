// The warm pool's size setting: a test server keeps none unless told, a bad value is refused by
// name; which listed namespaces a claim may hand out (the claim itself runs on the real cluster
// in tests/integration/warm-pool.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_WARM_POOL, warmPoolFrom } from "../config/server-config";
import { loadLevelCatalog, type LoadedLevel } from "../levels/level-catalog";
import { LABELS, MANAGED_BY, environmentLabels } from "./environment-naming";
import { POOL_LABELS, WarmPool, levelBuildHash, type ListedNamespace } from "./warm-pool";

describe("warmPoolFrom", () => {
  it("keeps the default for a real server and none for a test server", () => {
    expect(warmPoolFrom({})).toBe(DEFAULT_WARM_POOL);
    expect(warmPoolFrom({ KUBEQUEST_TEST_RUN: "it-1" })).toBe(0);
    expect(warmPoolFrom({ KUBEQUEST_TEST_RUN: "it-1", KUBEQUEST_WARM_POOL: "3" })).toBe(3);
    expect(warmPoolFrom({ KUBEQUEST_WARM_POOL: "0" })).toBe(0);
  });

  it("refuses what is not a whole number from 0 to 50, naming the variable", () => {
    for (const bad of ["-1", "2.5", "lots", "51"]) {
      expect(() => warmPoolFrom({ KUBEQUEST_WARM_POOL: bad })).toThrow(/KUBEQUEST_WARM_POOL must be a whole number from 0 to 50/);
    }
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
});
