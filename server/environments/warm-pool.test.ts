// The warm pool's size setting: a test server keeps none unless told, a bad value is refused by name.
import { describe, expect, it } from "vitest";
import { DEFAULT_WARM_POOL, warmPoolFrom } from "../config/server-config";

describe("warmPoolFrom", () => {
  it("keeps the default for a real server and none for a test server", () => {
    expect(warmPoolFrom({})).toBe(DEFAULT_WARM_POOL);
    expect(warmPoolFrom({ KUBEQUEST_TEST_RUN: "it-1" })).toBe(0);
    expect(warmPoolFrom({ KUBEQUEST_TEST_RUN: "it-1", KUBEQUEST_WARM_POOL: "3" })).toBe(3);
    expect(warmPoolFrom({ KUBEQUEST_WARM_POOL: "0" })).toBe(0);
  });

  it("refuses what is not a whole number from 0 to 50, naming the variable", () => {
    for (const bad of ["-1", "2.5", "lots", "51"]) {
      expect(() => warmPoolFrom({ KUBEQUEST_WARM_POOL: bad })).toThrow(/KUBEQUEST_WARM_POOL must be a whole number from 0 to 50/);
    }
  });
});
