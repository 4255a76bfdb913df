/**
 * Reading the v1 Status that an exec sends on its error channel (stream 3) when the command
 * ends: `{status: "Success"}`, or `{status: "Failure", reason: "NonZeroExitCode", details:
 * {causes: [{reason: "ExitCode", message: "3"}]}}`, or a Failure explaining why the command
 * could not run at all.
 */

export interface ExecStatusResult {
  /** null when the command did not run or its code was not reported. */
  exitCode: number | null;
  /** The API server's explanation when the command could not run (e.g. "executable file not found"). */
  failure?: string;
}

export function parseExecStatus(status: unknown): ExecStatusResult {
  if (typeof status !== "object" || status === null) return { exitCode: null, failure: "the exec ended without a status" };
  const s = status as { status?: unknown; reason?: unknown; message?: unknown; details?: { causes?: unknown } };
  if (s.status === "Success") return { exitCode: 0 };
  const causes = Array.isArray(s.details?.causes) ? (s.details.causes as unknown[]) : [];
  for (const cause of causes) {
    const c = cause as { reason?: unknown; message?: unknown };
    if (c.reason === "ExitCode" && typeof c.message === "string" && /^\d+$/.test(c.message)) {
      return { exitCode: Number(c.message) };
    }
  }
  const message = typeof s.message === "string" ? s.message : "the command failed to run";
  return { exitCode: null, failure: message };
}
