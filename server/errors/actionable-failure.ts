/**
 * Errors as values a learner can act on. Feature modules throw an ActionableFailure (or let a
 * KubeError through); the socket layer turns whatever was thrown into the protocol's
 * ActionableError, and anything unexpected into a generic message (the details go to the log,
 * never a stack trace to the browser).
 */
import type { ActionableError } from "../../lib/protocol/socket-events";
import { KubeError } from "../kubernetes/kube-adapter";

export class ActionableFailure extends Error {
  constructor(readonly error: ActionableError) {
    super(error.message);
    this.name = "ActionableFailure";
  }
}

export function failure(code: string, message: string, action?: string): ActionableFailure {
  return new ActionableFailure({ code, message, ...(action ? { action } : {}) });
}

/** The ActionableError for anything thrown; `undefined` when it was not an expected error. */
export function asActionableError(err: unknown): ActionableError | undefined {
  if (err instanceof ActionableFailure) return err.error;
  if (err instanceof KubeError) {
    return { code: err.code, message: err.message, ...(err.details.action ? { action: err.details.action } : {}) };
  }
  return undefined;
}

export const INTERNAL_ERROR: ActionableError = {
  code: "internal",
  message: "Something went wrong on the KubeQuest server.",
  action: "Try again; if it keeps happening, restart the server (npm run dev) and look at its log.",
};
