import { describe, expect, it } from "vitest";
import { nslookupAddresses, nslookupEvidence } from "./dns-checks";
import { parseInfo } from "./redis-checks";

const answered = `Server:\t\t10.96.0.10
Address:\t10.96.0.10#53

Name:\tredis.kq-1.svc.cluster.local
Address: 10.244.0.7
Name:\tredis.kq-1.svc.cluster.local
Address: 10.244.0.8
`;

describe("nslookup output", () => {
  it("keeps the answer's addresses, not the server's", () => {
    expect(nslookupAddresses(answered)).toEqual(["10.244.0.7", "10.244.0.8"]);
  });

  it("finds no address in an NXDOMAIN answer", () => {
    const nx = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find redis-9.redis.kq-1.svc.cluster.local: NXDOMAIN\n";
    expect(nslookupAddresses(nx)).toEqual([]);
    expect(nslookupEvidence(nx)).toEqual(["** server can't find redis-9.redis.kq-1.svc.cluster.local: NXDOMAIN"]);
  });

  it("shows the answer without the server banner", () => {
    expect(nslookupEvidence(answered)[0]).toBe("Name:\tredis.kq-1.svc.cluster.local");
  });
});

describe("INFO replication", () => {
  it("reads fields from redis-cli's CRLF output", () => {
    const info = parseInfo("# Replication\r\nrole:slave\r\nmaster_host:redis-0.redis.kq-1.svc.cluster.local\r\nmaster_link_status:up\r\n");
    expect(info.get("role")).toBe("slave");
    expect(info.get("master_host")).toBe("redis-0.redis.kq-1.svc.cluster.local");
    expect(info.get("master_link_status")).toBe("up");
    expect(info.has("# Replication")).toBe(false);
  });
});
