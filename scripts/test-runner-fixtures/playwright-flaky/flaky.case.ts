// Fails on its first try and passes on the retry: Playwright calls that "flaky", never a plain pass.
import { expect, test } from "@playwright/test";

test("passes only when retried", () => {
  expect(test.info().retry).toBeGreaterThan(0);
});
test("always passes", () => {
  expect(1).toBe(1);
});
test.skip("is skipped on purpose", () => {
  expect(1).toBe(2);
});
