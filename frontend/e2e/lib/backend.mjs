// The real backend: built once from ./backend/cmd/server, started (and stopped
// and started again, to test the outage path) on one fixed 127.0.0.1 port.
import { join } from "node:path";
import { freePort, httpOk, run, start, waitFor } from "./processes.mjs";

/**
 * @param {ReturnType<typeof import("./prerequisites.mjs").prerequisites>} tools
 * @param {string} repoRoot
 * @param {string} dir where the binary goes
 */
export async function buildBackend(tools, repoRoot, dir) {
  const binary = join(dir, "server");
  await run(tools.go, ["build", "-o", binary, "./backend/cmd/server"], { cwd: repoRoot }).catch((err) => {
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
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      // Bind loopback only; the backend reads its listen host from HOST.
      HOST: "127.0.0.1",
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
