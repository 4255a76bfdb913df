import { describe, expect, it } from "vitest";
import { LIMITS } from "@/lib/protocol/socket-events";
import { issuesToMarkers, localIssues, sortIssues, utf8Bytes } from "./yaml-issues";

describe("yaml issues", () => {
  it("counts UTF-8 bytes", () => {
    expect(utf8Bytes("abc")).toBe(3);
    expect(utf8Bytes("é")).toBe(2);
    expect(utf8Bytes("🚀")).toBe(4);
  });

  it("stops oversized and empty files before the server", () => {
    expect(localIssues("kind: Service\n")).toEqual([]);
    expect(localIssues("   \n")[0]?.severity).toBe("warning");
    const big = "a".repeat(LIMITS.yamlBytes + 1);
    expect(localIssues(big)[0]?.severity).toBe("error");
  });

  it("makes line markers, clamped to the document", () => {
    const lines = ["apiVersion: v1", "  clusterIP: 10.96.0.12", ""];
    const markers = issuesToMarkers(
      [
        { line: 2, message: "immutable", severity: "error" },
        { line: 99, message: "past the end", severity: "warning" },
        { message: "no line", severity: "warning" },
      ],
      lines,
    );
    expect(markers).toEqual([
      { severity: "error", message: "immutable", startLineNumber: 2, endLineNumber: 2, startColumn: 3, endColumn: 24 },
      { severity: "warning", message: "past the end", startLineNumber: 3, endLineNumber: 3, startColumn: 1, endColumn: 2 },
    ]);
  });

  it("sorts errors first, then by line", () => {
    const sorted = sortIssues([
      { message: "w", severity: "warning", line: 1 },
      { message: "e2", severity: "error" },
      { message: "e1", severity: "error", line: 4 },
    ]);
    expect(sorted.map((i) => i.message)).toEqual(["e1", "e2", "w"]);
  });
});
