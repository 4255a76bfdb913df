/**
 * Building blocks of the check types' parameter schemas, so two check types spell the same
 * thing (a Service name, a wait) the same way and level authors get the same errors for it.
 */
import { z } from "zod";
import { objectName } from "../../../lib/levels/level-schema";

export { objectName };

/** A check with no parameters: `params` may be left out or be an empty mapping. */
export const noParams = z.strictObject({}).optional();

/** A bounded wait, in seconds. */
export const timeoutSeconds = z.number().int().min(1).max(600);

/** A Redis key the probe may read and write (what kubequest-probe accepts). */
export const redisKey = z.string().regex(/^[A-Za-z0-9:._-]{1,200}$/, "a key is 1 to 200 of A-Z a-z 0-9 : . _ -, e.g. catalog:version");

/** A Service port's name, as SRV names use it (`_<name>._tcp.…`): an IANA service name. */
export const portName = z
  .string()
  .max(15)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a port name is lowercase letters, digits and dashes, e.g. redis");
