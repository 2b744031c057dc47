// Debian's nginx running the project's own config as the image runs it:
// frontend/nginx/nginx.conf (the image's main config) and the server template
// rendered by envsubst with only ${BACKEND_URL}, like the image entrypoint
// (NGINX_ENVSUBST_FILTER=^BACKEND_URL$). Three rewrites adapt the image's fixed
// paths to this machine, each checked to apply, so a changed file fails loudly:
//   /tmp/ -> the run's temp dir, `listen 8080` -> 127.0.0.1:<free port>,
//   root /usr/share/nginx/html -> the build under test.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, httpOk, run, start, waitFor } from "./processes.mjs";

/**
 * @param {string} text
 * @param {RegExp} pattern must match at least once
 * @param {string} replacement
 * @param {string} what
 */
function rewrite(text, pattern, replacement, what) {
  if (!pattern.test(text)) throw new Error(`e2e: nginx config no longer contains ${what} (${pattern}); update e2e/lib/nginx.mjs`);
  return text.replace(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g"), replacement);
}

/**
 * Renders the template exactly as the image entrypoint does.
 * @param {{ envsubst: string }} tools
 * @param {string} template
 * @param {string} backendUrl
 */
export async function renderTemplate(tools, template, backendUrl) {
  return run(tools.envsubst, ["${BACKEND_URL}"], {
    input: readFileSync(template, "utf8"),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", BACKEND_URL: backendUrl },
  });
}

/**
 * @param {ReturnType<typeof import("./prerequisites.mjs").prerequisites>} tools
 * @param {{ frontendDir: string, html: string, dir: string, backendUrl: string }} options
 *   html: the built app; nginx's workers (user nobody when the master is root) must be able to read it
 */
export async function startNginx(tools, { frontendDir, html, dir, backendUrl }) {
  const confD = join(dir, "conf.d");
  mkdirSync(confD, { recursive: true });

  const port = await freePort();
  const rendered = await renderTemplate(tools, join(frontendDir, "nginx/templates/conf.d/taskboard.conf.template"), backendUrl);
  let server = rewrite(rendered, /listen 8080;/, `listen 127.0.0.1:${port};`, "`listen 8080;`");
  server = rewrite(server, /root \/usr\/share\/nginx\/html;/, `root ${html};`, "`root /usr/share/nginx/html;`");
  writeFileSync(join(confD, "taskboard.conf"), server);

  const main = rewrite(readFileSync(join(frontendDir, "nginx/nginx.conf"), "utf8"), /\/tmp\//, `${dir}/`, "paths under /tmp/");
  const conf = join(dir, "nginx.conf");
  writeFileSync(conf, main);

  const args = ["-p", dir, "-c", conf, "-e", "stderr", "-g", "daemon off;"];
  const logFile = join(dir, "nginx.log");
  await run(tools.nginx, ["-t", ...args.slice(0, 6)], { logFile }).catch((err) => {
    throw new Error(`e2e: nginx rejected the rendered config:\n${err.message}\n--- rendered server ---\n${server}`);
  });
  const proc = start("nginx", tools.nginx, args, { logFile });
  const url = `http://127.0.0.1:${port}`;
  await waitFor("nginx to answer /healthz", () => httpOk(`${url}/healthz`), proc);
  return { url, renderedServer: server, stop: () => proc.stop(), output: () => proc.output() };
}
