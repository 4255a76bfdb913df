// A levels:verify stage narrowed to some levels and scenarios (the 3-node stage of npm test)
// must run exactly what it declares: the same narrowing in its command and in its list of tests.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { levelSelected } from "../grading-run/planned-scenarios";
import { levelsVerifyStage } from "./stage-kinds";

const levelsDir = path.join(process.cwd(), "levels");

describe("levelSelected", () => {
  it("picks a level by its id or its number, and every level when none is named", () => {
    const level31 = { id: "clusterip-and-headless", number: 31 };
    expect(levelSelected(level31, ["31"])).toBe(true);
    expect(levelSelected(level31, ["clusterip-and-headless"])).toBe(true);
    expect(levelSelected(level31, ["30"])).toBe(false);
    expect(levelSelected(level31, undefined)).toBe(true);
  });
});

describe("levelsVerifyStage narrowed", () => {
  it("passes --level and --scenarios on, and declares only those levels' scenarios of those kinds", async () => {
    const stage = levelsVerifyStage({
      name: "levels:verify on 3 nodes",
      levelsDir,
      reportFile: "/tmp/x.json",
      levels: ["31"],
      kinds: new Set(["solution", "regrade"]),
    });
    expect(stage.command).toEqual(["npx", "tsx", "scripts/levels-verify.ts", "--report", "/tmp/x.json", "--level", "31", "--scenarios", "solution,regrade"]);
    const { tests } = await stage.expects!();
    expect(tests.map((t) => t.key)).toEqual(["clusterip-and-headless › solution", "clusterip-and-headless › solution, graded again"]);
  });

  it("stays as it was when not narrowed", () => {
    expect(levelsVerifyStage({ name: "v", levelsDir, reportFile: "/tmp/y.json" }).command).toEqual(["npx", "tsx", "scripts/levels-verify.ts", "--report", "/tmp/y.json"]);
  });
});
