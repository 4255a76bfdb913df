// Tests that never get to run: the global set-up before them throws.
import { expect, test } from "@playwright/test";

test("first", () => expect(1).toBe(1));
test("second", () => expect(2).toBe(2));
