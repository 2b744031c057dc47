// The real backend: built once from ./backend/cmd/server, started (and stopped
// and started again, to test the outage path) on one fixed 127.0.0.1 port.
import { join } from "node:path";
import { freePort, httpOk, run, start, waitFor } from "./processes.mjs";

const BUILDINFO = "github.com/devsecops-reference/taskboard/backend/internal/buildinfo";

/**
 * Builds the server stamped with a version and commit, as the release does,
 * so the test can see them travel to the page footer.
 * @param {ReturnType<typeof import("./prerequisites.mjs").prerequisites>} tools
 * @param {string} repoRoot
 * @param {string} dir where the binary goes
 * @param {{ version: string, commit: string }} stamp
 */
export async function buildBackend(tools, repoRoot, dir, stamp) {
  const binary = join(dir, "server");
  const ldflags = `-X ${BUILDINFO}.Version=${stamp.version} -X ${BUILDINFO}.Commit=${stamp.commit}`;
  await run(tools.go, ["build", "-ldflags", ldflags, "-o", binary, "./backend/cmd/server"], { cwd: repoRoot }).catch((err) => {
    throw new Error(`e2e: could not build the backend (./backend/cmd/server):\n${err.message}`);
  });
  return binary;
}

/**
 * @param {string} binary
 * @param {string} databaseUrl
 * @param {string} logFile
 */
export async function backendServer(binary, databaseUrl, logFile) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  /** @type {import("./processes.mjs").Running | null} */
  let running = null;

  async function up() {
    if (running) return;
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      // Bind loopback only.
      LISTEN_HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    };
    const proc = start("backend", binary, [], { env, logFile });
    running = proc;
    await waitFor("the backend to be ready (/readyz)", () => httpOk(`${url}/readyz`), proc);
  }

  async function down() {
    const proc = running;
    running = null;
    await proc?.stop();
  }

  return { url, up, down };
}
