import { describe, expect, it } from "vitest";
import { chaosWorth, levelWorth, worthAfterHint, type LevelXpRules } from "./xp-rules";

const rules: LevelXpRules = { xp: 250, chaosBonusXp: 100, hintCosts: [25, 25, 50], solutionXpCost: 250 };

describe("xp rules", () => {
  it("pays the full XP without help", () => {
    expect(levelWorth(rules, { hintXpCost: 0, solutionRevealed: false })).toBe(250);
  });
  it("subtracts what the opened hints cost", () => {
    expect(levelWorth(rules, { hintXpCost: 25, solutionRevealed: false })).toBe(225);
    expect(levelWorth(rules, { hintXpCost: 100, solutionRevealed: false })).toBe(150);
  });
  it("never goes below zero", () => {
    expect(levelWorth(rules, { hintXpCost: 400, solutionRevealed: false })).toBe(0);
  });
  it("is worth nothing once the solution is revealed, chaos bonus included", () => {
    expect(levelWorth(rules, { hintXpCost: 0, solutionRevealed: true })).toBe(0);
    expect(chaosWorth(rules, { solutionRevealed: true })).toBe(0);
    expect(chaosWorth(rules, { solutionRevealed: false })).toBe(100);
  });
  it("shows the worth after the next hint before it is opened", () => {
    expect(worthAfterHint(rules, { hintXpCost: 25, solutionRevealed: false }, 1)).toBe(200);
    expect(worthAfterHint(rules, { hintXpCost: 50, solutionRevealed: false }, 2)).toBe(150);
  });
});
