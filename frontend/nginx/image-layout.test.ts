// @vitest-environment node
// No Docker engine runs here, so this checks offline that the image's pieces
// agree: where the Dockerfile puts the template, where the entrypoint renders
// it (NGINX_ENVSUBST_OUTPUT_DIR), and what nginx.conf includes. The browser
// end-to-end test then runs these same files in a real nginx.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
const nginxConf = readFileSync(join(root, "nginx", "nginx.conf"), "utf8");
const template = readFileSync(join(root, "nginx", "templates", "conf.d", "taskboard.conf.template"), "utf8");

function env(name: string): string | undefined {
  return new RegExp(`\\b${name}=(\\S+)`).exec(dockerfile)?.[1];
}

/** The final stage: everything after the last FROM. */
const finalStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));

describe("frontend image layout", () => {
  it("runs a pinned unprivileged nginx as user 101 on port 8080", () => {
    expect(finalStage).toMatch(/^\nFROM nginxinc\/nginx-unprivileged:\d+\.\d+[\w.-]*\s/);
    expect(finalStage).not.toMatch(/:latest\b/);
    expect(finalStage.trim().split("\n").filter((l) => l.startsWith("USER ")).at(-1)).toBe("USER 101");
    expect(finalStage).toMatch(/^EXPOSE 8080$/m);
    expect(template).toMatch(/^\s*listen 8080;$/m);
  });

  it("renders the template under /tmp and nginx.conf includes exactly that file", () => {
    expect(finalStage).toMatch(/^COPY nginx\/templates\/ \/etc\/nginx\/templates\/$/m);
    expect(env("NGINX_ENVSUBST_OUTPUT_DIR")).toBe("/tmp");
    // templates/conf.d/taskboard.conf.template -> $OUTPUT_DIR/conf.d/taskboard.conf
    expect(nginxConf).toMatch(/^\s*include \/tmp\/conf\.d\/taskboard\.conf;$/m);
    expect(finalStage).toMatch(/^COPY nginx\/nginx\.conf \/etc\/nginx\/nginx\.conf$/m);
  });

  it("substitutes BACKEND_URL only, with the compose/chart default", () => {
    expect(env("NGINX_ENVSUBST_FILTER")).toBe("^BACKEND_URL\\$");
    expect(env("BACKEND_URL")).toBe("http://backend:5000");
    const placeholders = [...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(placeholders)).toEqual(new Set(["BACKEND_URL"]));
    expect(template).toMatch(/proxy_pass \$\{BACKEND_URL\};/);
  });

  it("keeps everything nginx writes under /tmp for a read-only root filesystem", () => {
    expect(nginxConf).toMatch(/^pid \/tmp\/nginx\.pid;$/m);
    for (const temp of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
      expect(nginxConf).toMatch(new RegExp(`^\\s*${temp}_temp_path /tmp/`, "m"));
    }
    expect(nginxConf).not.toMatch(/\/var\/(run|cache|log)\//);
  });

  it("bakes in the frontend version and nothing else environment-specific", () => {
    const buildArgs = [...dockerfile.matchAll(/^ARG (\w+)/gm)].map((m) => m[1]);
    // NPM_REGISTRY is where the build stage downloads from (a mirror), never part of the image.
    expect(new Set(buildArgs)).toEqual(new Set(["NPM_REGISTRY", "VERSION", "GIT_COMMIT", "BUILD_TIME"]));
    expect(finalStage).not.toMatch(/NPM_REGISTRY|npm_config/);
    expect(dockerfile).toMatch(/^ENV VITE_APP_VERSION=\$\{VERSION\}$/m);
    expect(finalStage).toMatch(/org\.opencontainers\.image\.revision="\$\{GIT_COMMIT\}"/);
  });
});
