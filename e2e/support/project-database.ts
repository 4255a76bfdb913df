/**
 * Which database the running Playwright project's server uses (playwright.config.ts: project
 * "sqlite" or "postgres", each with its own throwaway database), for what a spec runs beside
 * the server against the same database: `npm run user:create-instructor`, `levels:verify
 * --database`. Only inside a test (it reads test.info()).
 */
import { test } from "@playwright/test";
import type { DatabaseEngine } from "../../tests/support/throwaway-database";

export interface ProjectDatabase {
  engine: DatabaseEngine;
  /** KUBEQUEST_DATA_DIR, and DATABASE_URL for PostgreSQL. */
  vars: Record<string, string>;
}

export function projectDatabase(): ProjectDatabase {
  const metadata = test.info().project.metadata as { database?: ProjectDatabase };
  if (!metadata.database) throw new Error(`Playwright project "${test.info().project.name}" names no database (see playwright.config.ts)`);
  return metadata.database;
}

/** The environment a script needs to use the project's database (an inherited DATABASE_URL dropped). */
export function projectDatabaseEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _inherited, ...env } = process.env;
  return { ...env, ...projectDatabase().vars };
}

/**
 * The tag of a test that runs on both databases (the "postgres" project runs only these):
 * the flows whose queries differ by engine (XP, the dashboard, the grading runs).
 */
export const BOTH_DATABASES = { tag: "@both-databases" } as const;
