/** The parsed spec of each check type, narrowed from the level schema's union. */
import type { CheckSpec } from "../../../lib/levels/level-schema";

export type SpecOf<T extends CheckSpec["type"]> = Extract<CheckSpec, { type: T }>;
export type PodsReadySpec = SpecOf<"pods-ready">;
export type ReplicationDataSpec = SpecOf<"redis-replication-data">;
export type DnsCheckSpec = SpecOf<"per-pod-dns"> | SpecOf<"service-dns">;
