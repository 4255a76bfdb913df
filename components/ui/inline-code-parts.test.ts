// Why: grader hints and explanations show `code` as code, never as literal backticks (issue 16).
import { describe, expect, it } from "vitest";
import { splitInlineCode } from "./inline-code-parts";

describe("splitInlineCode", () => {
  it("splits text and code spans", () => {
    expect(splitInlineCode("Set `clusterIP: None` on `redis`.")).toEqual([
      { text: "Set ", code: false },
      { text: "clusterIP: None", code: true },
      { text: " on ", code: false },
      { text: "redis", code: true },
      { text: ".", code: false },
    ]);
  });

  it("keeps plain text whole and a lone backtick literal", () => {
    expect(splitInlineCode("no code here")).toEqual([{ text: "no code here", code: false }]);
    expect(splitInlineCode("a ` stray")).toEqual([{ text: "a ` stray", code: false }]);
    expect(splitInlineCode("`a` then ` stray")).toEqual([
      { text: "a", code: true },
      { text: " then ` stray", code: false },
    ]);
  });

  it("drops empty code spans and handles an empty string", () => {
    expect(splitInlineCode("``x")).toEqual([{ text: "x", code: false }]);
    expect(splitInlineCode("")).toEqual([]);
  });
});
