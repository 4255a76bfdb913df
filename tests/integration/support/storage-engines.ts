/**
 * Storage tests run the same cases on both databases KubeQuest supports: SQLite in a temporary
 * folder and a throwaway PostgreSQL started from Debian's binaries. `bothStorageEngines` starts
 * (and afterwards stops and deletes) both for the calling test file, for `describe.each`.
 *
 * Also the level rules those tests grade against: two levels of world 3.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { DatabaseConfig } from "../../../server/database/database";
import type { LevelRules } from "../../../server/database/progress-store";
import { startThrowawayPostgres, type ThrowawayPostgres } from "./postgres";

export const RULES: LevelRules = { levelId: "test-level", world: 3, xp: 250, chaosBonusXp: 100, hintCosts: [25, 25, 50], solutionXpCost: 250 };
export const OTHER: LevelRules = { ...RULES, levelId: "other-level" };
/** World 3 holds both levels (for the "world done" achievement). */
export const WORLDS = new Map([[3, [RULES.levelId, OTHER.levelId]]]);

export interface StorageEngine {
  name: "SQLite" | "PostgreSQL";
  /** The configuration to open it with (valid once the file's beforeAll ran). */
  config: () => DatabaseConfig;
}

/** Registers beforeAll/afterAll that start and remove both engines; `prefix` names the temp folder. */
export function bothStorageEngines(prefix: string): StorageEngine[] {
  let pg: ThrowawayPostgres | undefined;
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  beforeAll(async () => {
    pg = await startThrowawayPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
    fs.rmSync(sqliteDir, { recursive: true, force: true });
  });
  return [
    { name: "SQLite", config: () => ({ dataDir: sqliteDir }) },
    {
      name: "PostgreSQL",
      config: () => {
        if (!pg) throw new Error("PostgreSQL has not started (beforeAll failed?)");
        return { databaseUrl: pg.url, dataDir: sqliteDir };
      },
    },
  ];
}
