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
const defaultConf = readFileSync(join(root, "nginx", "default.conf"), "utf8");

function env(name: string): string | undefined {
  return new RegExp(`\\b${name}=(\\S+)`).exec(dockerfile)?.[1];
}

/** The final stage: everything after the last FROM. */
const finalStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
/** The build stage: everything before it. */
const buildStage = dockerfile.slice(0, dockerfile.lastIndexOf("\nFROM "));

/**
 * Checks that the runtime stage copies a file or folder of the context to `dest` the way every
 * runtime file is copied: from the build stage's /runtime, where the build stage copied `source`
 * to the same path, owned by root.
 */
function expectRuntimeCopy(source: string, dest: string) {
  const staged = `/runtime${dest}`.replace(/\/$/, "");
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  expect(finalStage).toMatch(
    new RegExp(`^COPY --from=build --chown=0:0 (--chmod=0644 )?${esc(staged)}${dest.endsWith("/") ? "/" : ""} ${esc(dest)}$`, "m"),
  );
  expect(buildStage).toMatch(new RegExp(`\\bcp (-r )?${esc(source)} ${esc(staged)}(\\s|$)`, "m"));
}

describe("frontend image layout", () => {
  it("runs a pinned unprivileged nginx as user 101 on port 8080", () => {
    expect(finalStage).toMatch(/^\nFROM nginxinc\/nginx-unprivileged:\d+\.\d+[\w.-]*\s/);
    expect(finalStage).not.toMatch(/:latest\b/);
    expect(finalStage.trim().split("\n").filter((l) => l.startsWith("USER ")).at(-1)).toBe("USER 101");
    expect(finalStage).toMatch(/^EXPOSE 8080$/m);
    expect(template).toMatch(/^\s*listen 8080;$/m);
  });

  it("renders the template under /tmp and nginx.conf includes exactly that file", () => {
    expectRuntimeCopy("nginx/templates", "/etc/nginx/templates/");
    expect(env("NGINX_ENVSUBST_OUTPUT_DIR")).toBe("/tmp");
    // templates/conf.d/taskboard.conf.template -> $OUTPUT_DIR/conf.d/taskboard.conf
    expect(nginxConf).toMatch(/^\s*include \/tmp\/conf\.d\/taskboard\.conf;$/m);
    expectRuntimeCopy("nginx/nginx.conf", "/etc/nginx/nginx.conf");
    expectRuntimeCopy("dist", "/usr/share/nginx/html/");
  });

  it("runs no RUN in the runtime stage, so that building it for another platform needs no emulation", () => {
    expect(finalStage).not.toMatch(/^\s*RUN\b/im);
    expect(finalStage).not.toMatch(/^\s*ONBUILD\b/im);
    // Everything the runtime stage adds comes from the build stage, where it was laid out with
    // its modes (files 0644, directories 0755), owned by root: read-only to nginx's user 101.
    const copies = [...finalStage.matchAll(/^\s*(COPY|ADD)\b.*$/gim)].map((m) => m[0]);
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) expect(line).toMatch(/^COPY --from=build --chown=0:0 /);
    expect(buildStage).toMatch(/&& chmod -R u=rwX,go=rX \/runtime$/m);
  });

  it("builds the static files once, on the build platform, for every platform's image", () => {
    // Every stage but the runtime one runs on the build machine's own platform: an arm64 image
    // built on amd64 (or the reverse) needs no emulator, and the files are built once for all.
    const stages = dockerfile.split(/^FROM\s/m).slice(1);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages.slice(0, -1)) expect(stage).toMatch(/^--platform=\$BUILDPLATFORM \S+/);
    // The runtime stage is the image's platform (no --platform) and runs nothing (the test above).
    expect(stages.at(-1)).not.toMatch(/^--platform/);
    expect(buildStage).not.toMatch(/\bTARGET(PLATFORM|OS|ARCH)\b/);
  });

  it("keeps the base image's default server out: its default.conf is overwritten by one with no server", () => {
    expectRuntimeCopy("nginx/default.conf", "/etc/nginx/conf.d/default.conf");
    const directives = defaultConf.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    expect(directives).toEqual([]);
    expect(nginxConf).not.toMatch(/conf\.d\/\*/);
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
