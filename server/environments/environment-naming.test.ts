import { describe, expect, it } from "vitest";
import { NAMESPACE_PATTERN } from "../../lib/levels/kube-object";
import { ALL_ENVIRONMENTS_SELECTOR, environmentLabels, environmentNamespace, environmentSelector, isExpired, reapableSelector, learnerHash, testRunLabels } from "./environment-naming";

const session = "0b5d5c7e-6f2a-4c1d-9a55-2a3f4e5d6c7b";

describe("environment naming", () => {
  it("names the namespace kq-<10 hex of sha256(session)>-<level number>", () => {
    // echo -n 0b5d5c7e-6f2a-4c1d-9a55-2a3f4e5d6c7b | sha256sum → dfb22e3f87...
    expect(learnerHash(session)).toBe("dfb22e3f87");
    expect(environmentNamespace(session, 30)).toBe("kq-dfb22e3f87-30");
    expect(environmentNamespace(session, 30)).toMatch(NAMESPACE_PATTERN);
  });

  it("keeps sessions and levels apart and never shows the session id", () => {
    const other = "1b5d5c7e-6f2a-4c1d-9a55-2a3f4e5d6c7b";
    expect(environmentNamespace(session, 30)).not.toBe(environmentNamespace(other, 30));
    expect(environmentNamespace(session, 30)).not.toBe(environmentNamespace(session, 31));
    expect(environmentNamespace(session, 999)).not.toContain(session.slice(0, 8));
  });

  it("refuses impossible level numbers", () => {
    expect(() => environmentNamespace(session, -1)).toThrow();
    expect(() => environmentNamespace(session, 1.5)).toThrow();
  });

  it("labels the namespace for lookup, cleanup and Pod Security", () => {
    const labels = environmentLabels(session, "headless-statefulset-dns", 1_700_000_000_123);
    expect(labels).toEqual({
      "app.kubernetes.io/managed-by": "kubequest",
      "kubequest.dev/session": learnerHash(session),
      "kubequest.dev/level": "headless-statefulset-dns",
      "kubequest.dev/created-at": "1700000000",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    expect(environmentSelector(session, "headless-statefulset-dns")).toBe(
      `app.kubernetes.io/managed-by=kubequest,kubequest.dev/session=${learnerHash(session)},kubequest.dev/level=headless-statefulset-dns`,
    );
  });

  it("tells expired environments from fresh ones and ignores unreadable stamps", () => {
    const day = 24 * 3600 * 1000;
    const now = 1_700_000_000_000;
    expect(isExpired(String(now / 1000 - 25 * 3600), now, day)).toBe(true);
    expect(isExpired(String(now / 1000 - 23 * 3600), now, day)).toBe(false);
    expect(isExpired(undefined, now, day)).toBe(false);
    expect(isExpired("yesterday", now, day)).toBe(false);
  });

  it("labels a test run's environments from its id (KUBEQUEST_TEST_RUN), and a real server's not at all", () => {
    expect(testRunLabels("it-1796020000-ab12cd")).toEqual({ "kubequest.dev/test-run": "it-1796020000-ab12cd" });
    expect(testRunLabels(undefined)).toEqual({});
    expect(testRunLabels("")).toEqual({});
  });

  it("refuses a test run id that cannot be a label value, saying what would do", () => {
    expect(() => testRunLabels("my run")).toThrow(/KUBEQUEST_TEST_RUN="my run" is not a Kubernetes label value: use at most 63/);
    expect(() => testRunLabels("x".repeat(64))).toThrow(/not a Kubernetes label value/);
    expect(() => testRunLabels("-run")).toThrow(/not a Kubernetes label value/);
  });

  it("lets a scoped reaper select only environments carrying every scope label", () => {
    expect(reapableSelector({})).toBe(ALL_ENVIRONMENTS_SELECTOR);
    expect(reapableSelector({ "kubequest.dev/test-run": "it-1", "kubequest.dev/reaper-test": "r1" })).toBe(
      "app.kubernetes.io/managed-by=kubequest,kubequest.dev/session,kubequest.dev/test-run=it-1,kubequest.dev/reaper-test=r1",
    );
  });
});
