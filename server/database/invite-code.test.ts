import { describe, expect, it } from "vitest";
import { INVITE_CODE_ALPHABET, inviteCodeSchema } from "../../lib/protocol/instructor-api";
import { newInviteCode } from "./invite-code";

describe("newInviteCode", () => {
  it("makes 8-character codes of the alphabet that the join schema accepts", () => {
    const codes = Array.from({ length: 200 }, () => newInviteCode());
    for (const code of codes) {
      expect(code).toHaveLength(8);
      expect([...code].every((c) => INVITE_CODE_ALPHABET.includes(c))).toBe(true);
      expect(inviteCodeSchema.parse(code.toLowerCase())).toBe(code);
    }
    // 200 draws from 8.5·10^11 codes: a repeat means the RNG is not used.
    expect(new Set(codes).size).toBe(200);
  });

  it("uses every position of the alphabet it is given", () => {
    let i = 0;
    expect(newInviteCode(() => i++)).toBe(INVITE_CODE_ALPHABET.slice(0, 8));
  });
});
