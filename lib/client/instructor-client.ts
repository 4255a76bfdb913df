/**
 * Typed wrappers for the instructor dashboard's HTTP API (`lib/protocol/instructor-api.ts`) and
 * the learner's side of cohorts (join, memberships). GETs and CSRF-protected sends go through
 * `account-client.ts`, so every failure comes back as an `ActionableError` value.
 *
 * Browser-only.
 */
import type {
  AnalyticsCsvTable,
  AuditEntry,
  CohortAnalytics,
  CohortGradeResult,
  CohortInvitePreview,
  CohortSummary,
  CreateCohortRequest,
  GradeCohortRequest,
  GradeLearnerRequest,
  JoinCohortRequest,
  LearnerDetail,
  Membership,
  ResetLearnerRequest,
  RosterView,
  TerminalRecording,
} from "@/lib/protocol/instructor-api";
import { CSRF_HEADER_NAME } from "@/lib/protocol/account-api";
import type { EnvironmentStatus, GradeFinished, Result } from "@/lib/protocol/socket-events";
import { apiGet, apiSend, fetchSession } from "./account-client";

/** Path segments come from the address bar: never let one add a segment or a query. */
const seg = (value: string) => encodeURIComponent(value);
const cohortPath = (cohortId: string) => `/api/cohorts/${seg(cohortId)}`;
const learnerPath = (cohortId: string, learnerId: string) => `${cohortPath(cohortId)}/learners/${seg(learnerId)}`;

export const instructorApi = {
  listCohorts: () => apiGet<{ cohorts: CohortSummary[] }>("/api/cohorts"),
  createCohort: (body: CreateCohortRequest) => apiSend<CohortSummary>("POST", "/api/cohorts", body),
  /** A new invite code; the old one stops working. */
  rotateInvite: (cohortId: string) => apiSend<CohortSummary>("POST", `${cohortPath(cohortId)}/invite`),
  roster: (cohortId: string) => apiGet<RosterView>(`${cohortPath(cohortId)}/roster`),
  learner: (cohortId: string, learnerId: string) => apiGet<LearnerDetail>(learnerPath(cohortId, learnerId)),
  recording: (cohortId: string, learnerId: string, recordingId: string) =>
    apiGet<TerminalRecording>(`${learnerPath(cohortId, learnerId)}/recordings/${seg(recordingId)}`),
  gradeLearner: (cohortId: string, learnerId: string, body: GradeLearnerRequest) =>
    apiSend<GradeFinished>("POST", `${learnerPath(cohortId, learnerId)}/grade`, body),
  resetLearner: (cohortId: string, learnerId: string, body: ResetLearnerRequest) =>
    apiSend<EnvironmentStatus>("POST", `${learnerPath(cohortId, learnerId)}/reset`, body),
  gradeCohort: (cohortId: string, body: GradeCohortRequest = {}) => apiSend<CohortGradeResult>("POST", `${cohortPath(cohortId)}/grade`, body),
  analytics: (cohortId: string) => apiGet<CohortAnalytics>(`${cohortPath(cohortId)}/analytics`),
  audit: (cohortId: string) => apiGet<{ entries: AuditEntry[] }>(`${cohortPath(cohortId)}/audit`),
  /** A single-use sign-up token whose account becomes an instructor (`/sign-up?invite=…`). */
  inviteInstructor: () => apiSend<{ invite: string }>("POST", "/api/instructor/invites"),
};

/** Where the browser downloads a CSV table of a cohort's analytics (a plain link). */
export function analyticsCsvUrl(cohortId: string, table: AnalyticsCsvTable): string {
  return `${cohortPath(cohortId)}/analytics.csv?table=${table}`;
}

/** The page a learner opens to join with `code`. */
export function joinPath(code: string): string {
  return `/join/${seg(code)}`;
}

export const cohortMembershipApi = {
  invitePreview: (code: string) => apiGet<CohortInvitePreview>(`/api/cohort-invites/${seg(code)}`),
  join: (body: JoinCohortRequest) => apiSend<{ membership: Membership }>("POST", "/api/cohorts/join", body),
  memberships: () => apiGet<{ memberships: Membership[] }>("/api/memberships"),
  /** Leaves a cohort: the server answers 204 without a body, which `apiSend` cannot read. */
  leave: async (cohortId: string): Promise<Result<null>> => {
    const session = await fetchSession();
    if (!session.ok) return session;
    try {
      const res = await fetch(`/api/memberships/${seg(cohortId)}`, {
        method: "DELETE",
        credentials: "same-origin",
        headers: { [CSRF_HEADER_NAME]: session.value.csrfToken },
      });
      if (res.ok) return { ok: true, value: null };
      const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; action?: string } };
      return { ok: false, error: body.error ?? { code: `http-${res.status}`, message: `The server answered ${res.status}.`, action: "Try again." } };
    } catch {
      return { ok: false, error: { code: "network", message: "Could not reach the KubeQuest server.", action: "Check that the server is running and try again." } };
    }
  },
};
