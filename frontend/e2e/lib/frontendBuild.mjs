// The production build the test serves: `vite build` as `npm run build` does,
// stamped with a known version and written to the run's temp dir so that it
// leaves frontend/dist alone.
import { join } from "node:path";
import { run } from "./processes.mjs";

/**
 * @param {string} frontendDir
 * @param {string} outDir
 * @param {string} version
 */
export async function buildFrontend(frontendDir, outDir, version) {
  const vite = join(frontendDir, "node_modules", ".bin", "vite");
  await run(vite, ["build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: frontendDir,
    env: { ...process.env, VITE_APP_VERSION: version },
  }).catch((err) => {
    throw new Error(`e2e: the frontend build failed (did \`npm ci\` run in frontend/?):\n${err.message}`);
  });
  return outDir;
}
