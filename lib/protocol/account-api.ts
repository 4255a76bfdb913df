/**
 * The HTTP API for accounts, profile and leaderboard (served by the custom server under
 * `/api/`): request schemas (zod, validated on the server) and answer types, shared by the
 * browser and the server. Nothing here may import Node-only modules.
 *
 * Every state-changing request (POST, PATCH, DELETE) must send the session's CSRF token in the
 * `x-kq-csrf` header; GET /api/session gives it. Errors come back as `{ error: ActionableError }`.
 */
import { z } from "zod";
import { displayNameSchema, passwordSchema, usernameSchema } from "../accounts/account-rules";
import type { ActionableError } from "./socket-events";

export const CSRF_HEADER_NAME = "x-kq-csrf";

export const signUpSchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  displayName: displayNameSchema,
  /** An instructor's invitation token: the new account is an instructor. */
  invite: z.string().max(100).optional(),
});
export type SignUpRequest = z.input<typeof signUpSchema>;

export const signInSchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1, "Enter your username.").max(64),
  password: z.string().min(1, "Enter your password.").max(200),
});
export type SignInRequest = z.input<typeof signInSchema>;

export const settingsSchema = z.strictObject({
  displayName: displayNameSchema.optional(),
  publicOnLeaderboard: z.boolean().optional(),
});
export type SettingsRequest = z.input<typeof settingsSchema>;

export const deleteAccountSchema = z.strictObject({
  /** The account's username, typed again: deletion cannot be undone. */
  confirmUsername: z.string().trim().toLowerCase().min(1, "Type your username to confirm."),
});

export interface AccountView {
  /** null while the learner plays anonymously. */
  username: string | null;
  displayName: string | null;
  role: "learner" | "instructor";
  publicOnLeaderboard: boolean;
  xp: number;
}

export interface SessionInfo {
  account: AccountView;
  csrfToken: string;
}

export interface EarnedAchievementView {
  id: string;
  title: string;
  description: string;
  earnedAt: string;
}

export interface ProfileLevelView {
  levelId: string;
  title: string;
  number: number | null;
  attempts: number;
  hintsOpened: number;
  solutionRevealed: boolean;
  passedAt: string | null;
  chaosPassedAt: string | null;
  xp: number;
  timeSpentMs: number | null;
}

export interface ProfileView {
  account: AccountView;
  levelsPassed: number;
  levels: ProfileLevelView[];
  achievements: EarnedAchievementView[];
  attempts: { levelId: string; round: "main" | "chaos"; passed: boolean; createdAt: string; durationMs: number; checksPassed: number; checks: number }[];
  place: { allTime: number | null; week: number | null };
}

export interface LeaderboardRowView {
  rank: number;
  /** null: the learner appears anonymously. */
  displayName: string | null;
  xp: number;
  reachedAt: string;
  /** This row is the viewer's own. */
  you: boolean;
}

export interface LeaderboardView {
  period: "all" | "week";
  cohort: { id: string; name: string } | null;
  rows: LeaderboardRowView[];
  total: number;
  page: number;
  pageSize: number;
  you: LeaderboardRowView | null;
  cohorts: { id: string; name: string }[];
}

export type ApiError = { error: ActionableError };
