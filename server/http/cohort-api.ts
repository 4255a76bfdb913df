/**
 * The instructor dashboard's HTTP API (`/api/cohorts…`, `/api/cohort-invites/…`,
 * `/api/memberships…`), served by the custom server before the account API. Answers false for
 * any other path, so the account API (and its 404) gets it.
 *
 * Defences as in account-api.ts (both through json-api.ts): every state-changing request
 * passes the CSRF check (Origin + session-bound token); bodies are capped and validated with
 * the contract's zod schemas. Every
 * `/api/cohorts/:id/…` request passes the access guard (server/instructor/cohort-access.ts)
 * before anything is read. Contract: lib/protocol/instructor-api.ts.
 *
 * Node only.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ZodType } from "zod";
import {
  analyticsCsvTables,
  createCohortSchema,
  gradeCohortSchema,
  gradeLearnerSchema,
  inviteCodeSchema,
  joinCohortSchema,
  resetLearnerSchema,
  type AnalyticsCsvTable,
  type CohortInvitePreview,
  type LearnerDetail,
  type TerminalRecording,
} from "../../lib/protocol/instructor-api";
import type { ActionableError } from "../../lib/protocol/socket-events";
import type { AccountStore, Learner, SessionView } from "../database/account-store";
import type { CohortStore } from "../database/cohort-store";
import { asActionableError } from "../errors/actionable-failure";
import type { AuditLog } from "../instructor/audit-log";
import { checksCsv, learnersCsv } from "../instructor/analytics-csv";
import { DashboardError, requireCohortMember, requireInstructor, requireOwnedCohort } from "../instructor/cohort-access";
import { cohortAnalyticsOf, learnerDetailOf, rosterViewOf } from "../instructor/dashboard-views";
import type { InstructorActions } from "../instructor/instructor-actions";
import type { LevelCatalog } from "../levels/level-catalog";
import type { SessionSigner } from "../session/anonymous-session";
import type { OriginPolicy } from "../session/origin-check";
import { HttpError, INTERNAL_HTTP_ERROR, createRouter, parse as parseBody, readJson as readBody, sendJson, sessionOf } from "./json-api";
import { moduleLogger } from "../logging/logger";

const log = moduleLogger("cohort-api");

/** Bodies of this API are a few dozen bytes. */
const MAX_BODY_BYTES = 4 * 1024;

export interface CohortApiDeps {
  signer: SessionSigner;
  origins: OriginPolicy;
  accounts: AccountStore;
  cohorts: CohortStore;
  levels: () => Promise<LevelCatalog>;
  actions: InstructorActions;
  audit: AuditLog;
  /** The live roster: the learner's row follows their change (on every instance). */
  roster: { learnerActed(learnerId: string): void };
  /**
   * Terminal recordings (another module); absent: no recordings are listed. `since`: the
   * learner's joining of the cohort asked about (what they typed before is not its business).
   */
  recordings?: {
    list(learnerId: string, opts: { since: string }): Promise<LearnerDetail["recordings"]>;
    recording(learnerId: string, recordingId: string, opts: { since: string }): Promise<TerminalRecording | null>;
  };
  /** After a learner left a cohort (e.g. stop recording a learner in no cohort any more). */
  onLeft?(learnerId: string, cohortId: string): Promise<void>;
}

/** Validates a body with the contract's schema (400 `invalid-field` naming the field). */
const parse = <T>(schema: ZodType<T>, body: unknown): T => parseBody(schema, body, "request");
const readJson = (req: IncomingMessage): Promise<unknown> => readBody(req, MAX_BODY_BYTES);

function requireAccount(learner: Learner): void {
  if (!learner.username) throw new HttpError(401, { code: "not-signed-in", message: "You are not signed in.", action: "Sign in or create an account first, then open the invite link again." });
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  session: SessionView;
  url: URL;
  /** The path's captured parts, in order. */
  params: string[];
}

/** The routes of this API as (method, path) pairs: the integration test drives its access table from these. */
export const COHORT_API_ROUTES = [
  "GET /api/cohorts",
  "POST /api/cohorts",
  "POST /api/cohorts/:id/invite",
  "GET /api/cohorts/:id/roster",
  "GET /api/cohorts/:id/learners/:learnerId",
  "GET /api/cohorts/:id/learners/:learnerId/recordings/:recordingId",
  "POST /api/cohorts/:id/learners/:learnerId/grade",
  "POST /api/cohorts/:id/learners/:learnerId/reset",
  "POST /api/cohorts/:id/grade",
  "GET /api/cohorts/:id/analytics",
  "GET /api/cohorts/:id/analytics.csv",
  "GET /api/cohorts/:id/audit",
  "GET /api/cohort-invites/:code",
  "POST /api/cohorts/join",
  "GET /api/memberships",
  "DELETE /api/memberships/:cohortId",
] as const;

function statusOf(err: unknown): { status: number; body: ActionableError } | null {
  if (err instanceof HttpError) return { status: err.status, body: err.body };
  if (err instanceof DashboardError) return { status: err.status, body: err.error };
  const known = asActionableError(err);
  if (!known) return null;
  // Environment and grading conflicts: the instructor retries later. Cluster trouble: 503.
  const conflict = ["environment-not-ready", "grading-in-progress"].includes(known.code);
  return { status: conflict ? 409 : known.code === "unknown-level" ? 404 : 503, body: known };
}

export function createCohortApi(deps: CohortApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { cohorts } = deps;
  const owned = (ctx: Ctx) => requireOwnedCohort(cohorts, ctx.session.learner, ctx.params[0]!);
  const member = (ctx: Ctx) => requireCohortMember(cohorts, ctx.session.learner, ctx.params[0]!, ctx.params[1]!);

  const handlers: Record<(typeof COHORT_API_ROUTES)[number], (ctx: Ctx) => Promise<void>> = {
    "GET /api/cohorts": async ({ res, session }) => {
      requireInstructor(session.learner);
      sendJson(res, 200, { cohorts: await cohorts.ownedCohorts(session.learner.id) });
    },

    "POST /api/cohorts": async ({ req, res, session }) => {
      requireInstructor(session.learner);
      const { name } = parse(createCohortSchema, await readJson(req));
      const cohort = await cohorts.createCohort(session.learner.id, name);
      await deps.audit.record({ action: "cohort.create", actorId: session.learner.id, cohortId: cohort.id, detail: `created "${name}"` });
      sendJson(res, 201, cohort);
    },

    "POST /api/cohorts/:id/invite": async (ctx) => {
      const cohort = await owned(ctx);
      const summary = await cohorts.rotateInvite(cohort.id);
      await deps.audit.record({ action: "cohort.invite-rotated", actorId: ctx.session.learner.id, cohortId: cohort.id, detail: "new invite code; the old one no longer works" });
      sendJson(ctx.res, 200, summary);
    },

    "GET /api/cohorts/:id/roster": async (ctx) => {
      const cohort = await owned(ctx);
      sendJson(ctx.res, 200, await rosterViewOf(cohorts, await deps.levels(), cohort.id));
    },

    "GET /api/cohorts/:id/learners/:learnerId": async (ctx) => {
      const cohort = await member(ctx);
      const detail = await learnerDetailOf(cohorts, deps.recordings, cohort, ctx.params[1]!, cohort.memberJoinedAt);
      if (!detail) throw new DashboardError(404, "learner-not-found", "This learner is not in the cohort.", "Pick a learner from the cohort's roster.");
      sendJson(ctx.res, 200, detail);
    },

    "GET /api/cohorts/:id/learners/:learnerId/recordings/:recordingId": async (ctx) => {
      const cohort = await member(ctx);
      const recording = (await deps.recordings?.recording(ctx.params[1]!, ctx.params[2]!, { since: cohort.memberJoinedAt })) ?? null;
      if (!recording) {
        throw new HttpError(404, { code: "recording-not-found", message: "There is no such recording of this learner (recordings are deleted after their retention period).", action: "Pick a recording from the learner's list." });
      }
      sendJson(ctx.res, 200, recording);
    },

    "POST /api/cohorts/:id/learners/:learnerId/grade": async (ctx) => {
      const cohort = await member(ctx);
      const { levelId } = parse(gradeLearnerSchema, await readJson(ctx.req));
      sendJson(ctx.res, 200, await deps.actions.gradeLearner(ctx.session.learner, cohort.id, ctx.params[1]!, levelId));
    },

    "POST /api/cohorts/:id/learners/:learnerId/reset": async (ctx) => {
      const cohort = await member(ctx);
      const { levelId } = parse(resetLearnerSchema, await readJson(ctx.req));
      sendJson(ctx.res, 200, await deps.actions.resetLearner(ctx.session.learner, cohort.id, ctx.params[1]!, levelId));
    },

    "POST /api/cohorts/:id/grade": async (ctx) => {
      const cohort = await owned(ctx);
      const { levelId } = parse(gradeCohortSchema, await readJson(ctx.req));
      sendJson(ctx.res, 200, await deps.actions.gradeCohort(ctx.session.learner, cohort.id, levelId));
    },

    "GET /api/cohorts/:id/analytics": async (ctx) => {
      const cohort = await owned(ctx);
      sendJson(ctx.res, 200, await cohortAnalyticsOf(cohorts, await deps.levels(), cohort.id));
    },

    "GET /api/cohorts/:id/analytics.csv": async (ctx) => {
      const cohort = await owned(ctx);
      const table = ctx.url.searchParams.get("table") ?? "checks";
      if (!(analyticsCsvTables as readonly string[]).includes(table)) {
        throw new HttpError(400, { code: "invalid-field", message: `There is no table "${table}".`, action: `Ask for table=${analyticsCsvTables.join(" or table=")}.` });
      }
      const csv =
        (table as AnalyticsCsvTable) === "checks"
          ? checksCsv(await cohortAnalyticsOf(cohorts, await deps.levels(), cohort.id))
          : learnersCsv(await cohorts.rosterRows(cohort.id));
      // A file name from the cohort name, reduced to safe characters (no header injection).
      const slug = cohort.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "cohort";
      ctx.res.statusCode = 200;
      ctx.res.setHeader("Content-Type", "text/csv; charset=utf-8");
      ctx.res.setHeader("Content-Disposition", `attachment; filename="kubequest-${slug}-${table}.csv"`);
      ctx.res.setHeader("Cache-Control", "no-store");
      ctx.res.end(csv);
    },

    "GET /api/cohorts/:id/audit": async (ctx) => {
      const cohort = await owned(ctx);
      sendJson(ctx.res, 200, { entries: await cohorts.audit(cohort.id) });
    },

    "GET /api/cohort-invites/:code": async (ctx) => {
      const code = parse(inviteCodeSchema, ctx.params[0]);
      const preview = await cohorts.previewByCode(code);
      if (!preview) throw new HttpError(404, { code: "invite-not-found", message: "This invite code does not open any cohort.", action: "Check the code, or ask your instructor for the current link (a code stops working when it is renewed)." });
      sendJson(ctx.res, 200, { name: preview.name, instructorName: preview.instructorName } satisfies CohortInvitePreview);
    },

    "POST /api/cohorts/join": async ({ req, res, session }) => {
      requireAccount(session.learner);
      const { code } = parse(joinCohortSchema, await readJson(req));
      // An instructor in their own cohort would be recorded and listed among their learners.
      if ((await cohorts.previewByCode(code))?.ownerId === session.learner.id) {
        throw new HttpError(409, { code: "own-cohort", message: "This is your own cohort: its instructor is not one of its learners.", action: "Share the invite link with your learners; they appear in the cohort's roster." });
      }
      const joined = await cohorts.join(code, session.learner.id);
      if (!joined) throw new HttpError(404, { code: "invite-not-found", message: "This invite code does not open any cohort.", action: "Check the code, or ask your instructor for the current link." });
      if (joined.joinedNow) {
        await deps.audit.record({ action: "cohort.join", actorId: session.learner.id, cohortId: joined.membership.cohortId, learnerId: session.learner.id, detail: "joined with the invite code" });
        deps.roster.learnerActed(session.learner.id);
      }
      sendJson(res, 200, { membership: joined.membership });
    },

    "GET /api/memberships": async ({ res, session }) => {
      sendJson(res, 200, { memberships: await cohorts.memberships(session.learner.id) });
    },

    "DELETE /api/memberships/:cohortId": async ({ res, session, params }) => {
      const cohortId = params[0]!;
      if (!(await cohorts.leave(cohortId, session.learner.id))) {
        throw new HttpError(404, { code: "membership-not-found", message: "You are not in this cohort.", action: "Reload your profile to see your cohorts." });
      }
      await deps.audit.record({ action: "cohort.leave", actorId: session.learner.id, cohortId, learnerId: session.learner.id, detail: "left the cohort" });
      await deps.onLeft?.(session.learner.id, cohortId);
      res.statusCode = 204;
      res.end();
    },
  };

  const route = createRouter(handlers);

  const ours = (path: string) => path === "/api/cohorts" || path.startsWith("/api/cohorts/") || path.startsWith("/api/cohort-invites/") || path === "/api/memberships" || path.startsWith("/api/memberships/");

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!ours(url.pathname)) return false;
    const method = (req.method ?? "GET").toUpperCase();
    try {
      const found = route(method, url.pathname);
      if (!("handler" in found)) {
        throw found.otherMethod
          ? new HttpError(405, { code: "method-not-allowed", message: `${method} is not allowed on ${url.pathname}.`, action: "Check the API description in lib/protocol/instructor-api.ts." })
          : new HttpError(404, { code: "not-found", message: `No API at ${method} ${url.pathname}.`, action: "Check the address." });
      }
      const session = await sessionOf(req, deps);
      await found.handler({ req, res, session, url, params: found.params });
    } catch (err) {
      const known = statusOf(err);
      if (known) sendJson(res, known.status, { error: known.body });
      else {
        log.error({ err, method: req.method, path: url.pathname }, "a dashboard API request failed");
        sendJson(res, 500, { error: INTERNAL_HTTP_ERROR });
      }
    }
    return true;
  };
}
