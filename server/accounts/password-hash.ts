/**
 * Password hashing with Node's built-in scrypt (memory-hard; no native dependency).
 * Stored as `scrypt$<N>$<r>$<p>$<salt base64url>$<key base64url>`, so the cost can be raised
 * later without invalidating existing hashes.
 *
 * Node only.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** N=2^15, r=8, p=1: ~32 MiB and ~50 ms per hash on one core, OWASP's scrypt floor or above. */
const COST = { N: 32768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** scrypt refuses N·r·128 > maxmem; leave headroom above the 32 MiB the cost needs. */
const MAX_MEM = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, { ...COST, maxmem: MAX_MEM });
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, salt, key] = parts;
  const expected = Buffer.from(key ?? "", "base64url");
  if (expected.length === 0) return false;
  const actual = await scryptAsync(password, Buffer.from(salt ?? "", "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEM,
  });
  return timingSafeEqual(actual, expected);
}

/** A hash of a random password: sign-in compares against it when the username is unknown, so
 * the answer takes as long for an unknown user as for a wrong password. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  return dummy;
}
