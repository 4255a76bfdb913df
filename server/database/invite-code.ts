/**
 * Cohort invite codes: INVITE_CODE_LENGTH characters of INVITE_CODE_ALPHABET (no look-alikes),
 * drawn with the crypto RNG so a code cannot be guessed from earlier ones. 31^8 ≈ 8.5·10^11
 * codes; the unique index catches the (negligible) collision and the store draws again.
 *
 * Node only.
 */
import { randomInt } from "node:crypto";
import { INVITE_CODE_ALPHABET, INVITE_CODE_LENGTH } from "../../lib/protocol/instructor-api";

export function newInviteCode(pick: (max: number) => number = randomInt): string {
  let code = "";
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) code += INVITE_CODE_ALPHABET[pick(INVITE_CODE_ALPHABET.length)];
  return code;
}
