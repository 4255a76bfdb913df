import { describe, expect, it } from "vitest";
import { SessionSigner } from "../session/anonymous-session";
import { joinProblem } from "./instance-registry";

const secretFingerprint = (secret: Buffer) => new SessionSigner(secret).fingerprint();
const shared = secretFingerprint(Buffer.from("s".repeat(64)));
const other = secretFingerprint(Buffer.from("t".repeat(64)));

describe("joinProblem", () => {
  it("lets the first instance start, with or without a configured secret", () => {
    expect(joinProblem({ id: "kq-a", fingerprint: other, configured: false }, [])).toBeNull();
    expect(joinProblem({ id: "kq-a", fingerprint: shared, configured: true }, [])).toBeNull();
  });

  it("lets a second instance with the same configured secret join", () => {
    expect(joinProblem({ id: "kq-b", fingerprint: shared, configured: true }, [{ id: "kq-a", fingerprint: shared }])).toBeNull();
  });

  it("lets a server restarted on the same data folder join while its killed predecessor still looks alive", () => {
    // SIGKILLed, restarted at once: the old row's heartbeat is fresh for up to a lease, and the
    // new process read the same generated secret file, so every session stays valid.
    expect(joinProblem({ id: "vm-2", fingerprint: shared, configured: false }, [{ id: "vm-1", fingerprint: shared }])).toBeNull();
  });

  it("refuses a second instance without KUBEQUEST_SESSION_SECRET whose generated secret differs, saying what to set", () => {
    expect(joinProblem({ id: "kq-b", fingerprint: other, configured: false }, [{ id: "kq-a", fingerprint: shared }])).toMatch(
      /^Another KubeQuest instance \(kq-a\) runs against this database, and this one has no KUBEQUEST_SESSION_SECRET.*openssl rand -hex 32/,
    );
  });

  it("refuses a secret that differs from a live instance's", () => {
    expect(joinProblem({ id: "kq-c", fingerprint: other, configured: true }, [{ id: "kq-a", fingerprint: shared }, { id: "kq-b", fingerprint: shared }])).toMatch(
      /^KUBEQUEST_SESSION_SECRET differs from the session secret of kq-a, kq-b/,
    );
  });

  it("refuses an instance id a live instance already has", () => {
    expect(joinProblem({ id: "kq-a", fingerprint: shared, configured: true }, [{ id: "kq-a", fingerprint: shared }])).toMatch(/"kq-a" is already used/);
  });

  it("fingerprints equal secrets equally, and does not show the secret", () => {
    expect(secretFingerprint(Buffer.from("s".repeat(64)))).toBe(shared);
    expect(shared).not.toBe(other);
    expect(shared).not.toContain("sss");
  });
});
