import { describe, expect, it } from "vitest";
import { isAllowedOrigin, originPolicyOf } from "./origin-check";

describe("isAllowedOrigin", () => {
  const local = originPolicyOf([], 3000, "127.0.0.1");

  it("accepts the server's own origins", () => {
    expect(isAllowedOrigin("http://localhost:3000", "localhost:3000", local)).toBe(true);
    expect(isAllowedOrigin("http://127.0.0.1:3000", "127.0.0.1:3000", local)).toBe(true);
    expect(isAllowedOrigin("http://localhost:3000/", undefined, local)).toBe(true);
  });

  it("refuses other sites, other ports, null and junk", () => {
    expect(isAllowedOrigin("https://evil.example", "localhost:3000", local)).toBe(false);
    expect(isAllowedOrigin("http://localhost:4000", "localhost:3000", local)).toBe(false);
    expect(isAllowedOrigin("null", "localhost:3000", local)).toBe(false);
    expect(isAllowedOrigin("file://", "localhost:3000", local)).toBe(false);
    expect(isAllowedOrigin("not a url", "localhost:3000", local)).toBe(false);
  });

  it("accepts a request without Origin (same-origin polling); the session cookie still applies", () => {
    expect(isAllowedOrigin(undefined, "localhost:3000", local)).toBe(true);
  });

  it("on loopback, trusts the Host header only for loopback names (DNS rebinding)", () => {
    expect(isAllowedOrigin("http://[::1]:3000", "[::1]:3000", local)).toBe(true);
    expect(isAllowedOrigin("http://evil.example:3000", "evil.example:3000", local)).toBe(false);
  });

  it("on 0.0.0.0, trusts the origin matching the request's Host", () => {
    const lan = originPolicyOf([], 3000, "0.0.0.0");
    expect(isAllowedOrigin("http://192.168.1.20:3000", "192.168.1.20:3000", lan)).toBe(true);
    expect(isAllowedOrigin("http://192.168.1.20:3000", "10.0.0.1:3000", lan)).toBe(false);
    expect(isAllowedOrigin("https://kubequest.example", "kubequest.example", lan)).toBe(true);
  });

  it("uses only the allow-list (KUBEQUEST_ALLOWED_ORIGINS) when it is set", () => {
    const listed = originPolicyOf(["https://learn.example", "http://localhost:8080"], 3000, "0.0.0.0");
    expect(isAllowedOrigin("https://learn.example", "whatever", listed)).toBe(true);
    expect(isAllowedOrigin("http://localhost:8080", "localhost:8080", listed)).toBe(true);
    expect(isAllowedOrigin("http://localhost:3000", "localhost:3000", listed)).toBe(false);
  });
});
