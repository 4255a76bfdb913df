import { describe, expect, it } from "vitest";
import { checkCsrf, csrfTokenMatches } from "./csrf";

const policy = { allowed: ["http://localhost:3000"], trustRequestHost: true, loopbackHostsOnly: true };
const ok = { method: "POST", origin: "http://localhost:3000", host: "localhost:3000", token: "t0k3n" };

describe("CSRF check", () => {
  it("lets safe methods through without a token", () => {
    expect(checkCsrf({ method: "GET" }, "t0k3n", policy)).toEqual({ ok: true });
  });
  it("accepts our origin with the session's token", () => {
    expect(checkCsrf(ok, "t0k3n", policy)).toEqual({ ok: true });
  });
  it("refuses a missing or foreign Origin", () => {
    expect(checkCsrf({ ...ok, origin: undefined }, "t0k3n", policy)).toEqual({ ok: false, reason: "origin" });
    expect(checkCsrf({ ...ok, origin: "https://evil.example" }, "t0k3n", policy)).toEqual({ ok: false, reason: "origin" });
  });
  it("refuses a missing or wrong token", () => {
    expect(checkCsrf({ ...ok, token: undefined }, "t0k3n", policy)).toEqual({ ok: false, reason: "token" });
    expect(checkCsrf({ ...ok, token: "t0k3m" }, "t0k3n", policy)).toEqual({ ok: false, reason: "token" });
    expect(csrfTokenMatches("abc", "abcd")).toBe(false);
    expect(csrfTokenMatches("", "")).toBe(false);
  });
});
