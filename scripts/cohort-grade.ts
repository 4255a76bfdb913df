/**
 * Grades every learner of a cohort from the command line, as the dashboard's "Grade the
 * cohort" does, for scripts and CI:
 *
 *   KUBEQUEST_USERNAME=teacher KUBEQUEST_PASSWORD=… \
 *     npm run cohort:grade -- --url http://localhost:3000 --cohort <cohort id> [--level <level id>] [--json]
 *
 * The password comes from the environment only, never the command line (where `ps` and shell
 * history would show it). Signs in over the HTTP API like the browser (session cookie, CSRF
 * token, our Origin), asks the server to grade, prints a table (or the JSON answer), signs out.
 * Exit code 0 when grading ran, whatever the verdicts; 1 on any error (server down, bad
 * credentials, not your cohort, bad usage).
 */
import { parseArgs } from "node:util";
import type { CohortGradeResult } from "../lib/protocol/instructor-api";
import type { ActionableError } from "../lib/protocol/socket-events";
import { ServerUnreachableError, SessionHttpClient, type ApiAnswer } from "../lib/api-client/session-http-client";
import { cohortGradeTable } from "../server/instructor/cohort-grade-table";

const USAGE = `usage: KUBEQUEST_USERNAME=<instructor> KUBEQUEST_PASSWORD=<password> \\
  npm run cohort:grade -- --cohort <cohort id> [--url http://localhost:3000] [--level <level id>] [--json]`;

class CliError extends Error {}

/** Calls the API; a server that cannot be reached, or is not KubeQuest, becomes a CliError. */
async function call<T>(api: SessionHttpClient, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  let answer: ApiAnswer<T>;
  try {
    answer = await api.call<T>(method, path, body);
  } catch (err) {
    if (err instanceof ServerUnreachableError) throw new CliError(`${err.message} Is it running (npm start), and is --url right?`);
    throw err;
  }
  if (!(answer.headers.get("content-type") ?? "").includes("application/json")) {
    throw new CliError(`${api.origin} answered ${method} ${path} with something that is not KubeQuest's JSON (HTTP ${answer.status}). Is --url a KubeQuest server?`);
  }
  return answer;
}

function explain(what: string, answer: { status: number; json: { error?: ActionableError } }): CliError {
  const e = answer.json.error;
  return new CliError(`${what}: ${e ? `${e.message}${e.action ? ` ${e.action}` : ""}` : `HTTP ${answer.status}`}`);
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        url: { type: "string", default: "http://localhost:3000" },
        cohort: { type: "string" },
        level: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 1;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.cohort) {
    console.error(`--cohort is required (the cohort's id, shown in the dashboard's address).\n${USAGE}`);
    return 1;
  }
  const username = env.KUBEQUEST_USERNAME;
  const password = env.KUBEQUEST_PASSWORD;
  if (!username || !password) {
    console.error(`Set KUBEQUEST_USERNAME and KUBEQUEST_PASSWORD to an instructor's account (the password is never taken from the command line).\n${USAGE}`);
    return 1;
  }
  let base: URL;
  try {
    base = new URL(args.url);
    if (!/^https?:$/.test(base.protocol)) throw new Error("not http");
  } catch {
    console.error(`--url must be an http:// or https:// address, e.g. http://localhost:3000 (got "${args.url}").`);
    return 1;
  }

  const api = new SessionHttpClient(base.href);
  try {
    const session = await call(api, "GET", "/api/session");
    if (session.status !== 200) throw explain("Starting a session failed", session);
    const signIn = await call(api, "POST", "/api/auth/sign-in", { username, password });
    if (signIn.status !== 200) throw explain(`Signing in as ${username} failed`, signIn);
    try {
      if (!args.json) process.stderr.write(`Grading cohort ${args.cohort}${args.level ? ` on ${args.level}` : ""}; this takes a while for a large class…\n`);
      const graded = await call<CohortGradeResult>(api, "POST", `/api/cohorts/${encodeURIComponent(args.cohort)}/grade`, args.level ? { levelId: args.level } : {});
      if (graded.status !== 200) throw explain(`Grading cohort ${args.cohort} failed`, graded);
      const { error: _none, csrfToken: _token, ...result } = graded.json;
      process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : cohortGradeTable(result));
      return 0;
    } finally {
      // Best effort: the session would expire anyway.
      await call(api, "POST", "/api/auth/sign-out").catch(() => undefined);
    }
  } catch (err) {
    if (err instanceof CliError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error("cohort:grade failed unexpectedly:", err);
    process.exit(1);
  },
);
