/**
 * A throwaway PostgreSQL for the storage tests, from Debian's own binaries (package
 * `postgresql`): initdb into a temp folder, start on 127.0.0.1 with a free port and its unix
 * socket in that folder, stop and delete it afterwards. It never touches the system cluster
 * the package may have started.
 *
 * We run as root in CI and PostgreSQL refuses to run as root, so the server runs as the
 * `postgres` user through `runuser -u postgres --` (as root) or directly otherwise.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

export interface ThrowawayPostgres {
  url: string;
  stop(): Promise<void>;
}

/** The newest Debian PostgreSQL bin folder present (15 on Debian 12). */
export function postgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

/** `port`: listen there (a caller that must know the URL before starting, e.g. Playwright's config); default a free one. */
export async function startThrowawayPostgres(opts: { port?: number } = {}): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql (Debian's package; .ci/run installs it).");
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]): string =>
    execFileSync(asRoot ? "runuser" : cmd, asRoot ? ["-u", "postgres", "--", cmd, ...args] : args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-pg-"));
  // The postgres user must own its data folder and be able to reach the temp folder.
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  fs.chmodSync(dir, 0o700);
  const data = path.join(dir, "data");
  run(path.join(bin, "initdb"), ["-D", data, "-U", "kq", "--auth=trust", "--encoding=UTF8", "--no-sync"]);
  const port = opts.port ?? (await freePort());
  run(path.join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    path.join(dir, "server.log"),
    "-w",
    "-t",
    "60",
    // fsync off: a test database need not survive a power cut; it makes the suite much faster.
    "-o",
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=50`,
    "start",
  ]);
  return {
    url: `postgres://kq@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
