import { describe, expect, it } from "vitest";
import type { RosterRow, RosterRowChanged } from "../../lib/protocol/instructor-api";
import type { CohortStore } from "../database/cohort-store";
import { RosterNotifier } from "./roster-notifier";

/** An in-memory stand-in for the two store queries the notifier makes; each read takes a moment. */
function fakeStore(memberships: Record<string, string[]>, state: { version: number; reads: number }): CohortStore {
  const later = () => new Promise((r) => setTimeout(r, 10));
  return {
    cohortIdsOf: async (learnerId: string) => {
      await later();
      return memberships[learnerId] ?? [];
    },
    rosterRow: async (_cohortId: string, learnerId: string) => {
      state.reads += 1;
      await later();
      return { learnerId, attempts: state.version } as unknown as RosterRow;
    },
  } as unknown as CohortStore;
}

describe("RosterNotifier", () => {
  it("pushes the learner's row to each watched cohort they are in", async () => {
    const sent: RosterRowChanged[] = [];
    const notifier = new RosterNotifier({
      cohorts: fakeStore({ l1: ["a", "b", "c"] }, { version: 1, reads: 0 }),
      emit: (_cohortId, changed) => sent.push(changed),
      watched: (cohortId) => cohortId !== "b",
    });
    notifier.learnerActed("l1");
    await notifier.idle();
    expect(sent.map((s) => s.cohortId)).toEqual(["a", "c"]);
    expect(sent[0]!.row.learnerId).toBe("l1");
  });

  it("coalesces a burst into at most one more push, and the last push carries the last state", async () => {
    const state = { version: 1, reads: 0 };
    const sent: RosterRowChanged[] = [];
    const notifier = new RosterNotifier({ cohorts: fakeStore({ l1: ["a"] }, state), emit: (_c, changed) => sent.push(changed), watched: () => true });
    notifier.learnerActed("l1");
    for (let v = 2; v <= 5; v++) {
      state.version = v;
      notifier.learnerActed("l1");
    }
    await notifier.idle();
    expect(sent.length).toBe(2);
    expect(sent.at(-1)!.row.attempts).toBe(5);
    // Idle again: the next action pushes again.
    state.version = 6;
    notifier.learnerActed("l1");
    await notifier.idle();
    expect(sent.at(-1)!.row.attempts).toBe(6);
  });
});
