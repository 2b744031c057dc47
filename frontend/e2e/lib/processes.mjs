// Child processes of the end-to-end test: started with their output kept for
// error messages, stopped by their own pid, and waited for over HTTP.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A free TCP port on 127.0.0.1 (the kernel picks it; we release it at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Everything started and not yet stopped, killed if the test process exits early. */
const live = new Set();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * A started program. `output()` is the tail of what it printed, for failure messages.
 * @typedef {{ name: string, child: import("node:child_process").ChildProcess, output: () => string, exited: Promise<number | null>, stop: () => Promise<void> }} Running
 */

/**
 * Starts a program with stdout and stderr going to logFile. A file rather than
 * a pipe: nginx opens /dev/stdout, which fails on the sockets node uses for pipes.
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {import("node:child_process").SpawnOptions & { logFile: string }} options
 * @returns {Running}
 */
export function start(name, command, args, options) {
  const { logFile, ...spawnOptions } = options;
  const fd = openSync(logFile, "a");
  const child = spawn(command, args, { ...spawnOptions, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  live.add(child);
  let spawnError = "";
  const exited = new Promise((resolve) => {
    child.on("exit", (code) => {
      live.delete(child);
      resolve(code);
    });
    child.on("error", (err) => {
      spawnError = `\nspawn error: ${err.message}`;
      resolve(null);
    });
  });
  return {
    name,
    child,
    output: () => tail(logFile) + spawnError,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** @param {string} file */
function tail(file) {
  try {
    return readFileSync(file, "utf8").slice(-8192);
  } catch {
    return "";
  }
}

/**
 * Runs a program to completion, failing with its output when it exits non-zero.
 * With logFile, its output goes to that file (see start) instead of being returned.
 * @param {string} command
 * @param {string[]} args
 * @param {import("node:child_process").SpawnOptions & { input?: string, logFile?: string }} [options]
 * @returns {Promise<string>}
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const { input, logFile, ...spawnOptions } = options;
    const fd = logFile ? openSync(logFile, "a") : undefined;
    const stdin = input === undefined ? "ignore" : "pipe";
    const child = spawn(command, args, { ...spawnOptions, stdio: [stdin, fd ?? "pipe", fd ?? "pipe"] });
    if (fd !== undefined) closeSync(fd);
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk) => (out += chunk));
    child.stderr?.on("data", (chunk) => (err += chunk));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${err}${out}${logFile ? tail(logFile) : ""}`));
    });
    // A program that exits without reading its input must not crash the test with EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
  });
}

/**
 * Polls until check() resolves true, or fails naming what it waited for.
 * Bounded by attempts, not by a timed assertion.
 * @param {string} what
 * @param {() => Promise<boolean>} check
 * @param {Running} [process] fail early, with its output, if this exits
 */
export async function waitFor(what, check, process) {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (process && (process.child.exitCode !== null || process.child.signalCode !== null)) {
      throw new Error(`${process.name} exited while waiting for ${what}:\n${process.output()}`);
    }
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`gave up waiting for ${what}${process ? `; ${process.name} said:\n${process.output()}` : ""}`);
}

/** @param {string} url */
export async function httpOk(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.ok;
}
