// Finds the system programs the end-to-end test drives, failing loudly with the
// Debian package to install when one is missing (the test never skips).
import { accessSync, constants, readdirSync } from "node:fs";
import { join } from "node:path";

/** @param {string} path */
function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {string} what
 * @param {string[]} candidates
 * @param {string} install
 */
function find(what, candidates, install) {
  const found = candidates.find(executable);
  if (!found) {
    throw new Error(`e2e prerequisite missing: ${what} (looked for ${candidates.join(", ")}). Install it with: ${install}`);
  }
  return found;
}

/** @param {string} path */
function readable(path) {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} name */
function onPath(name) {
  return (process.env.PATH ?? "").split(":").filter(Boolean).map((dir) => join(dir, name));
}

/** The newest installed PostgreSQL server's bin directory. */
function postgresBin() {
  const root = "/usr/lib/postgresql";
  /** @type {string[]} */
  let versions;
  try {
    versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  } catch {
    versions = [];
  }
  const bin = versions.map((v) => join(root, v, "bin")).find((dir) => executable(join(dir, "postgres")));
  if (!bin) {
    throw new Error(`e2e prerequisite missing: PostgreSQL server (no ${root}/*/bin/postgres). Install it with: apt-get install postgresql`);
  }
  return bin;
}

export function prerequisites() {
  const pgBin = postgresBin();
  // Debian's nginx reads the same mime.types path as the image's.
  if (!readable("/etc/nginx/mime.types")) {
    throw new Error("e2e prerequisite missing: /etc/nginx/mime.types. Install it with: apt-get install nginx");
  }
  return {
    initdb: find("initdb", [join(pgBin, "initdb")], "apt-get install postgresql"),
    postgres: find("postgres", [join(pgBin, "postgres")], "apt-get install postgresql"),
    pgIsReady: find("pg_isready", [join(pgBin, "pg_isready"), "/usr/bin/pg_isready"], "apt-get install postgresql-client"),
    setpriv: find("setpriv", ["/usr/bin/setpriv", "/bin/setpriv"], "apt-get install util-linux"),
    nginx: find("nginx", ["/usr/sbin/nginx"], "apt-get install nginx"),
    envsubst: find("envsubst", ["/usr/bin/envsubst"], "apt-get install gettext-base"),
    chromium: find("Chromium", ["/usr/bin/chromium"], "apt-get install chromium"),
    go: find("Go toolchain", [process.env.GO ?? "", ...onPath("go"), "/usr/local/go/bin/go"].filter(Boolean), "Go (the version in go.mod)"),
  };
}
