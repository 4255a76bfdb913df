import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HttpError, createRouter, parse } from "./json-api";

describe("createRouter", () => {
  const route = createRouter<string>({
    "GET /api/cohorts": "list",
    "POST /api/cohorts/join": "join",
    "POST /api/cohorts/:id/grade": "grade",
    "GET /api/cohorts/:id/analytics.csv": "csv",
    "GET /api/cohorts/:id/learners/:learnerId": "learner",
  });

  it("matches literal paths before patterns, and captures the :params in order", () => {
    expect(route("POST", "/api/cohorts/join")).toEqual({ handler: "join", params: [] });
    expect(route("POST", "/api/cohorts/c-1/grade")).toEqual({ handler: "grade", params: ["c-1"] });
    expect(route("GET", "/api/cohorts/c-1/learners/l-2")).toEqual({ handler: "learner", params: ["c-1", "l-2"] });
    expect(route("GET", "/api/cohorts/c-1/analytics.csv")).toEqual({ handler: "csv", params: ["c-1"] });
  });

  it("tells a path with another method from an unknown path, and never matches loosely", () => {
    expect(route("DELETE", "/api/cohorts")).toEqual({ otherMethod: true });
    expect(route("GET", "/api/nothing")).toEqual({ otherMethod: false });
    // A dot is literal, and a parameter is one id (no slashes, no odd characters).
    expect(route("GET", "/api/cohorts/c-1/analyticsXcsv")).toEqual({ otherMethod: false });
    expect(route("GET", "/api/cohorts/a/b/learners/l")).toEqual({ otherMethod: false });
    expect(route("POST", "/api/cohorts/bad id!/grade")).toEqual({ otherMethod: false });
  });
});

describe("parse", () => {
  const schema = z.strictObject({ name: z.string().min(1, "Give it a name.") });

  it("answers the first problem as a 400 invalid-field naming the field, worded for a form or a request", () => {
    const asError = (what: "form" | "request") => {
      try {
        parse(schema, { name: "" }, what);
      } catch (err) {
        return err as HttpError;
      }
      throw new Error("parse accepted an empty name");
    };
    expect(asError("form")).toMatchObject({ status: 400, body: { code: "invalid-field", field: "name", message: "Give it a name.", action: "Correct the name field and send the form again." } });
    expect(asError("request").body.action).toBe("Correct the name field and send it again.");
    expect(parse(schema, { name: "Tuesday" }, "request")).toEqual({ name: "Tuesday" });
  });
});
