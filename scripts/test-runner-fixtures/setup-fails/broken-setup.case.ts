// A file whose set-up fails: its tests never run.
import { beforeAll, expect, it } from "vitest";

beforeAll(() => {
  throw new Error("the fixture database is not there");
});
it("first", () => expect(1).toBe(1));
it("second", () => expect(2).toBe(2));
