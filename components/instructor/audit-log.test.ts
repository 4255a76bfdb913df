import { describe, expect, it } from "vitest";
import type { AuditEntry } from "@/lib/protocol/instructor-api";
import { mergeAuditEntries } from "./audit-log";

const entry = (id: string, at: string): AuditEntry => ({
  id,
  at,
  action: "learner.reset",
  actorId: "i",
  actorName: "Ines",
  cohortId: "c",
  learnerId: "l",
  learnerName: "Lea",
  levelId: "headless-statefulset-dns",
  detail: "",
});

describe("mergeAuditEntries", () => {
  it("keeps each entry once, newest first", () => {
    const merged = mergeAuditEntries([entry("a", "2026-01-01T10:00:00Z"), entry("b", "2026-01-01T11:00:00Z")], [entry("b", "2026-01-01T11:00:00Z"), entry("c", "2026-01-01T12:00:00Z")]);
    expect(merged.map((e) => e.id)).toEqual(["c", "b", "a"]);
  });
  it("starts from nothing", () => {
    expect(mergeAuditEntries([], [])).toEqual([]);
  });
});
