/**
 * The server's one logger (pino): JSON lines on stdout, each carrying the instance id, so the
 * logs of N instances behind one load balancer can be merged and still say who did what.
 * Modules take a child logger named after themselves (`logger.child({ module: "grade" })`).
 *
 * Until `configureLogger` runs (the server's start), the instance id is the process id: code
 * that logs before the configuration is read (a failed start) still logs something useful.
 *
 * Node only.
 */
import pino, { type Logger } from "pino";

export type { Logger };

let root: Logger = pino({ base: { instance: `pid-${process.pid}` } });

/** Names this process in every line from now on (called once, with the configuration's id). */
export function configureLogger(opts: { instanceId: string; level?: string }): Logger {
  root = pino({ base: { instance: opts.instanceId }, level: opts.level ?? "info" });
  for (const [module, child] of children) child.logger = root.child({ module });
  return root;
}

/** A live handle per module: a module's logger follows `configureLogger` even if taken earlier. */
const children = new Map<string, { logger: Logger }>();

/** The logger of one module, e.g. `moduleLogger("grade")`. */
export function moduleLogger(module: string): Logger {
  let handle = children.get(module);
  if (!handle) {
    handle = { logger: root.child({ module }) };
    children.set(module, handle);
  }
  const h = handle;
  // A proxy, so `const log = moduleLogger("x")` at import time still writes with the final instance id.
  return new Proxy({} as Logger, {
    get: (_t, prop) => {
      const value = Reflect.get(h.logger, prop, h.logger) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(h.logger) : value;
    },
  });
}
