/**
 * The HTTP API under `/api/` (accounts, profile, leaderboard), served by the custom server
 * before Next sees the request, so it works (and is tested) without a Next build.
 *
 * Defences: every state-changing request passes the CSRF check (Origin + session-bound token,
 * see csrf.ts); sign-in is rate-limited per username and per client IP in fixed windows kept
 * in the database (so limits survive restarts and hold across processes sharing PostgreSQL);
 * sign-up and sign-in rotate the session id (no session fixation); bodies are capped. The
 * leaderboard lists, and filters by, only the viewer's own cohorts. JSON answers, body
 * parsing, routing and the session + CSRF check are shared with cohort-api.ts (json-api.ts).
 *
 * Node only.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ZodType } from "zod";
import { ACHIEVEMENTS, achievementById } from "../../lib/progress/achievements";
import {
  deleteAccountSchema,
  settingsSchema,
  signInSchema,
  signUpSchema,
  type AccountView,
  type LeaderboardRowView,
  type LeaderboardView,
  type ProfileView,
  type SessionInfo,
} from "../../lib/protocol/account-api";
import { dummyHash, hashPassword, verifyPassword } from "../accounts/password-hash";
import { AccountError, type AccountStore, type Learner, type SessionView } from "../database/account-store";
import type { CohortStore } from "../database/cohort-store";
import type { LeaderboardRow, ProgressStore } from "../database/progress-store";
import type { LevelCatalog } from "../levels/level-catalog";
import { isHttps, sessionCookieHeader, type SessionSigner } from "../session/anonymous-session";
import type { OriginPolicy } from "../session/origin-check";
import { HttpError, INTERNAL_HTTP_ERROR, createRouter, parse as parseBody, readJson as readBody, sendJson, sessionOf, type RouteKey } from "./json-api";
import { moduleLogger } from "../logging/logger";

const log = moduleLogger("api");

/** JSON bodies of this API are a few hundred bytes; anything beyond this is refused. */
const MAX_BODY_BYTES = 16 * 1024;
const LEADERBOARD_PAGE_SIZE = 20;

export interface SignInLimits {
  perUser: number;
  perIp: number;
  windowMs: number;
}

/** 5 tries per username and 30 per IP per 15 minutes: a person who mistypes is never stopped,
 * a password-guessing script gets 480 guesses a day per account at most. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perUser: 5, perIp: 30, windowMs: 15 * 60_000 };

export interface AccountApiDeps {
  signer: SessionSigner;
  origins: OriginPolicy;
  accounts: AccountStore;
  progress: ProgressStore;
  /** The cohorts a learner may filter the leaderboard by. */
  cohorts: Pick<CohortStore, "cohortsVisibleTo">;
  levels: () => Promise<LevelCatalog>;
  signInLimits?: SignInLimits;
  /** Called after changes that move the leaderboard (a deleted account, an anonymity switch). */
  onLeaderboardChanged?: () => void;
  /** A session was signed out: its sockets are disconnected and their terminals closed. */
  onSessionEnded?: (sessionId: string) => void;
  /** An account was deleted: every socket of that learner goes, on every device. */
  onLearnerDeleted?: (learnerId: string) => void;
}

/** Validates a body with the contract's schema (400 `invalid-field` naming the field). */
const parse = <T>(schema: ZodType<T>, body: unknown): T => parseBody(schema, body, "form");
const readJson = (req: IncomingMessage): Promise<unknown> => readBody(req, MAX_BODY_BYTES);

function setSessionCookie(req: IncomingMessage, res: ServerResponse, signer: SessionSigner, sessionId: string): void {
  res.setHeader("Set-Cookie", sessionCookieHeader(signer.sign(sessionId), isHttps(req)));
}

function clientIp(req: IncomingMessage): string {
  // The socket's address, not X-Forwarded-For: a client could forge that header to dodge the
  // per-IP limit. Behind a reverse proxy every client shares the proxy's address and the
  // per-username limit still holds.
  return req.socket.remoteAddress ?? "unknown";
}

export function createAccountApi(deps: AccountApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const limits = deps.signInLimits ?? DEFAULT_SIGN_IN_LIMITS;

  async function accountView(learner: Learner): Promise<AccountView> {
    return {
      username: learner.username,
      displayName: learner.displayName,
      role: learner.role,
      publicOnLeaderboard: learner.publicOnLeaderboard,
      xp: await deps.progress.learnerXp(learner.id),
    };
  }

  function requireAccount(session: SessionView): Learner {
    if (!session.learner.username) {
      throw new HttpError(401, { code: "not-signed-in", message: "You are not signed in.", action: "Sign in or create an account first." });
    }
    return session.learner;
  }

  function rowView(row: LeaderboardRow, viewer: string): LeaderboardRowView {
    return { rank: row.rank, displayName: row.displayName, xp: row.xp, reachedAt: row.reachedAt, you: row.learnerId === viewer };
  }

  const tooMany = (waitMs: number) =>
    new HttpError(
      429,
      {
        code: "rate-limited",
        message: "Too many sign-in attempts.",
        action: `Wait ${Math.ceil(waitMs / 60_000)} minute(s), then try again.`,
      },
      { "Retry-After": String(Math.ceil(waitMs / 1000)) },
    );

  type Handler = (ctx: { req: IncomingMessage; res: ServerResponse; session: SessionView; url: URL }) => Promise<void>;
  const routes: Partial<Record<RouteKey, Handler>> = {
    "GET /api/session": async ({ res, session }) => {
      const info: SessionInfo = { account: await accountView(session.learner), csrfToken: session.csrfToken };
      sendJson(res, 200, info);
    },

    "POST /api/auth/sign-up": async ({ req, res, session }) => {
      const body = parse(signUpSchema, await readJson(req));
      let role: Learner["role"] = "learner";
      if (body.invite) {
        if (!(await deps.accounts.takeInvite(body.invite))) {
          throw new HttpError(400, { code: "bad-invite", message: "This invitation is not valid or was already used.", action: "Ask your instructor for a new invitation link." });
        }
        role = "instructor";
      }
      let learner: Learner;
      try {
        learner = await deps.accounts.attachAccount(session.learner.id, {
          username: body.username,
          passwordHash: await hashPassword(body.password),
          displayName: body.displayName,
          role,
        });
      } catch (err) {
        // A failed sign-up (say, a taken username) must not use the invitation up.
        if (body.invite) await deps.accounts.releaseInvite(body.invite);
        throw err;
      }
      const next = await deps.accounts.startSession(learner, session.sessionId);
      setSessionCookie(req, res, deps.signer, next.sessionId);
      deps.onLeaderboardChanged?.();
      sendJson(res, 201, { account: await accountView(learner), csrfToken: next.csrfToken } satisfies SessionInfo);
    },

    "POST /api/auth/sign-in": async ({ req, res, session }) => {
      const body = parse(signInSchema, await readJson(req));
      const userKey = `user:${body.username}`;
      const ipWait = await deps.accounts.takeSignInAttempt(`ip:${clientIp(req)}`, limits.perIp, limits.windowMs);
      const userWait = await deps.accounts.takeSignInAttempt(userKey, limits.perUser, limits.windowMs);
      if (ipWait > 0 || userWait > 0) throw tooMany(Math.max(ipWait, userWait));
      const found = await deps.accounts.learnerByUsername(body.username);
      // Hash even for unknown usernames, so timing does not tell which usernames exist.
      const ok = await verifyPassword(body.password, found?.passwordHash ?? (await dummyHash()));
      if (!found || !found.passwordHash || !ok) {
        throw new HttpError(401, { code: "bad-credentials", message: "That username and password do not match.", action: "Check both and try again." });
      }
      await deps.accounts.clearSignInAttempts(userKey);
      const next = await deps.accounts.startSession(found, session.sessionId);
      setSessionCookie(req, res, deps.signer, next.sessionId);
      sendJson(res, 200, { account: await accountView(found), csrfToken: next.csrfToken } satisfies SessionInfo);
    },

    "POST /api/auth/sign-out": async ({ req, res, session }) => {
      await deps.accounts.endSession(session.sessionId);
      // Sockets authenticated by this session must not go on acting as the account.
      deps.onSessionEnded?.(session.sessionId);
      // A fresh anonymous session; the account's progress stays with the account.
      const anonymous = await deps.accounts.startSession(await deps.accounts.createAnonymousLearner());
      setSessionCookie(req, res, deps.signer, anonymous.sessionId);
      sendJson(res, 200, { account: await accountView(anonymous.learner), csrfToken: anonymous.csrfToken } satisfies SessionInfo);
    },

    "GET /api/profile": async ({ res, session }) => {
      const learner = session.learner;
      const catalog = await deps.levels();
      const [history, earned, allTime, week] = await Promise.all([
        deps.progress.historyOf(learner.id),
        deps.progress.achievementsOf(learner.id),
        deps.progress.placeOf(learner.id, { period: "all" }),
        deps.progress.placeOf(learner.id, { period: "week" }),
      ]);
      const profile: ProfileView = {
        account: await accountView(learner),
        levelsPassed: history.levels.filter((l) => l.passedAt !== null).length,
        levels: history.levels.map((l) => {
          const level = catalog.get(l.levelId);
          return {
            levelId: l.levelId,
            title: level?.manifest.title ?? l.levelId,
            number: level?.manifest.number ?? null,
            attempts: l.attempts,
            hintsOpened: l.hintsOpened,
            solutionRevealed: l.solutionRevealed,
            passedAt: l.passedAt,
            chaosPassedAt: l.chaosPassedAt,
            xp: l.xp,
            timeSpentMs: l.timeSpentMs,
          };
        }),
        achievements: earned.map((e) => {
          const def = achievementById(e.id);
          return { id: e.id, title: def?.title ?? e.id, description: def?.description ?? "", earnedAt: e.earnedAt };
        }),
        attempts: history.grades.slice(0, 100).map((g) => ({
          levelId: g.levelId,
          round: g.round,
          passed: g.passed,
          createdAt: g.createdAt,
          durationMs: g.durationMs,
          checksPassed: g.results.filter((r) => r.status === "pass").length,
          checks: g.results.length,
        })),
        place: { allTime: allTime?.rank ?? null, week: week?.rank ?? null },
      };
      sendJson(res, 200, profile);
    },

    "GET /api/profile/export": async ({ res, session }) => {
      const data = await deps.accounts.exportLearner(session.learner.id);
      const earned = await deps.progress.achievementsOf(session.learner.id);
      sendJson(
        res,
        200,
        { ...data, achievementDefinitions: ACHIEVEMENTS.filter((a) => earned.some((e) => e.id === a.id)) },
        { "Content-Disposition": 'attachment; filename="kubequest-my-data.json"' },
      );
    },

    "PATCH /api/profile/settings": async ({ req, res, session }) => {
      const learner = requireAccount(session);
      const body = parse(settingsSchema, await readJson(req));
      const updated = await deps.accounts.updateSettings(learner.id, body);
      deps.onLeaderboardChanged?.();
      sendJson(res, 200, { account: await accountView(updated), csrfToken: session.csrfToken } satisfies SessionInfo);
    },

    "DELETE /api/profile": async ({ req, res, session }) => {
      const learner = requireAccount(session);
      const body = parse(deleteAccountSchema, await readJson(req));
      if (body.confirmUsername !== learner.username) {
        throw new HttpError(400, { code: "confirm-mismatch", message: "The username you typed is not this account's.", action: `Type ${learner.username} to confirm.` });
      }
      await deps.accounts.deleteLearner(learner.id);
      deps.onLearnerDeleted?.(learner.id);
      const anonymous = await deps.accounts.startSession(await deps.accounts.createAnonymousLearner());
      setSessionCookie(req, res, deps.signer, anonymous.sessionId);
      deps.onLeaderboardChanged?.();
      sendJson(res, 200, { account: await accountView(anonymous.learner), csrfToken: anonymous.csrfToken } satisfies SessionInfo);
    },

    "POST /api/instructor/invites": async ({ res, session }) => {
      const learner = requireAccount(session);
      if (learner.role !== "instructor") {
        throw new HttpError(403, { code: "not-instructor", message: "Only instructors can invite instructors.", action: "Ask an instructor to invite you." });
      }
      sendJson(res, 201, { invite: await deps.accounts.createInvite(learner.id) });
    },

    "GET /api/leaderboard": async ({ res, session, url }) => {
      const period = url.searchParams.get("period") === "week" ? "week" : "all";
      const page = Math.max(1, Math.min(10_000, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
      // Only the viewer's own cohorts (member or instructor) are listed or can be filtered by;
      // any other cohort id is treated as no cohort (its name and members stay private).
      const cohorts = await deps.cohorts.cohortsVisibleTo(session.learner.id);
      const cohortParam = url.searchParams.get("cohort");
      const cohort = cohorts.find((c) => c.id === cohortParam) ?? null;
      const q = { period, cohortId: cohort?.id, page, pageSize: LEADERBOARD_PAGE_SIZE } as const;
      const [board, mine] = await Promise.all([deps.progress.leaderboard(q), deps.progress.placeOf(session.learner.id, q)]);
      const view: LeaderboardView = {
        period,
        cohort,
        rows: board.rows.map((r) => rowView(r, session.learner.id)),
        total: board.total,
        page: board.page,
        pageSize: board.pageSize,
        you: mine ? rowView(mine, session.learner.id) : null,
        cohorts,
      };
      sendJson(res, 200, view);
    },
  };

  const route = createRouter(routes);

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith("/api/")) return false;
    const method = (req.method ?? "GET").toUpperCase();
    const found = route(method, url.pathname);
    try {
      // Any path or method this API lacks is a 404 (the dashboard's API answered its own first).
      if (!("handler" in found)) throw new HttpError(404, { code: "not-found", message: `No API at ${req.method} ${url.pathname}.`, action: "Check the address." });
      const session = await sessionOf(req, deps);
      await found.handler({ req, res, session, url });
    } catch (err) {
      if (err instanceof HttpError) sendJson(res, err.status, { error: err.body }, err.headers);
      else if (err instanceof AccountError) sendJson(res, err.status, { error: { code: err.code, message: err.message, action: err.action } });
      else {
        log.error({ err, method: req.method, path: url.pathname }, "an account API request failed");
        sendJson(res, 500, { error: INTERNAL_HTTP_ERROR });
      }
    }
    return true;
  };
}
