/**
 * The cohort's audit log: every instructor action (and every join and leave) is written to the
 * database and pushed to the cohort's watchers as `cohort:audit`.
 *
 * Node only.
 */
import type { AuditAppended, AuditEntry } from "../../lib/protocol/instructor-api";
import type { AuditInput, CohortStore } from "../database/cohort-store";

export class AuditLog {
  constructor(
    private readonly deps: {
      cohorts: CohortStore;
      emit(cohortId: string, appended: AuditAppended): void;
    },
  ) {}

  async record(input: AuditInput): Promise<AuditEntry> {
    const entry = await this.deps.cohorts.appendAudit(input);
    this.deps.emit(input.cohortId, { cohortId: input.cohortId, entry });
    return entry;
  }
}
