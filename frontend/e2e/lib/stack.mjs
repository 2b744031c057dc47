// The whole application on 127.0.0.1 for one test run: PostgreSQL, the real
// backend, the production frontend build behind the project's nginx config,
// and Chromium. Everything lives in one temp dir that stop() removes.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { backendServer, buildBackend } from "./backend.mjs";
import { launchChromium } from "./browser.mjs";
import { buildFrontend } from "./frontendBuild.mjs";
import { startNginx } from "./nginx.mjs";
import { startPostgres } from "./postgres.mjs";
import { prerequisites } from "./prerequisites.mjs";
import { run } from "./processes.mjs";

export const frontendDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const repoRoot = join(frontendDir, "..");

export async function startStack() {
  const tools = prerequisites();
  const dir = mkdtempSync(join(tmpdir(), "taskboard-e2e-"));
  // Traversable by the postgres user and by nginx's workers (user nobody).
  chmodSync(dir, 0o711);
  /** @type {(() => Promise<void>)[]} */
  const stops = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const commit = (await run("git", ["rev-parse", "HEAD"], { cwd: repoRoot })).trim();
    const stamp = { frontendVersion: `e2e-${process.pid}`, backendVersion: "0.0.0-e2e", commit };
    const [postgres, binary, html] = await Promise.all([
      startPostgres(tools, join(dir, "postgres")),
      buildBackend(tools, repoRoot, dir, { version: stamp.backendVersion, commit }),
      buildFrontend(frontendDir, join(dir, "html"), stamp.frontendVersion),
    ]);
    stops.push(postgres.stop);
    const backend = await backendServer(binary, postgres.url, join(dir, "backend.log"));
    stops.push(backend.down);
    await backend.up();
    const nginx = await startNginx(tools, { frontendDir, html, dir: join(dir, "nginx"), backendUrl: backend.url });
    stops.push(nginx.stop);
    const browser = await launchChromium(tools.chromium);
    stops.push(() => browser.close());
    return { stamp, backend, nginx, browser, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
