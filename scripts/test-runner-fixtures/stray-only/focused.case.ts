// A developer's leftover `.only`: the failing test beside it must not vanish as "skipped".
import { expect, it } from "vitest";

it.only("the one being debugged", () => expect(1).toBe(1));
it("a test that fails", () => expect(1).toBe(2));
