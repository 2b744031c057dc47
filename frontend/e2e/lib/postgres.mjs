// A throwaway PostgreSQL for one test run: initdb into a temp dir, listen on a
// free 127.0.0.1 port. PostgreSQL refuses to run as root, so as root it runs as
// the `postgres` system user (setpriv execs in place: the pid we stop is the server's).
import { chownSync, mkdirSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { freePort, run, start, waitFor } from "./processes.mjs";

const PASSWORD = "taskboard-e2e";

/** uid and gid of the postgres system user. */
async function postgresUser() {
  try {
    const uid = Number((await run("id", ["-u", "postgres"])).trim());
    const gid = Number((await run("id", ["-g", "postgres"])).trim());
    return { uid, gid };
  } catch {
    throw new Error("e2e: as root, PostgreSQL needs the `postgres` system user. Install it with: apt-get install postgresql");
  }
}

/**
 * @param {ReturnType<typeof import("./prerequisites.mjs").prerequisites>} tools
 * @param {string} dir an empty directory for the cluster
 */
export async function startPostgres(tools, dir) {
  mkdirSync(dir, { recursive: true });
  const pwfile = join(dir, "pwfile");
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });

  /** @type {(program: string, args: string[]) => [string, string[]]} */
  let asPostgres = (program, args) => [program, args];
  if (userInfo().uid === 0) {
    const { uid, gid } = await postgresUser();
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
    asPostgres = (program, args) => [tools.setpriv, ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program, ...args]];
  }

  const data = join(dir, "data");
  await run(
    ...asPostgres(tools.initdb, [
      "-D", data, "-U", "taskboard", "--pwfile", pwfile, "-A", "scram-sha-256",
      "--encoding", "UTF8", "--locale", "C", "--no-sync",
    ]),
  );

  const port = await freePort();
  const server = start(
    "postgres",
    ...asPostgres(tools.postgres, [
      "-D", data, "-p", String(port),
      "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${dir}`,
      // A throwaway cluster: durability is not what this test is about.
      "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
    ]),
    { logFile: join(dir, "postgres.log") },
  );
  await waitFor(
    "PostgreSQL to accept connections",
    async () => {
      await run(tools.pgIsReady, ["-h", "127.0.0.1", "-p", String(port), "-d", "postgres"]);
      return true;
    },
    server,
  );
  return {
    url: `postgres://taskboard:${PASSWORD}@127.0.0.1:${port}/postgres?sslmode=disable`,
    stop: () => server.stop(),
  };
}
