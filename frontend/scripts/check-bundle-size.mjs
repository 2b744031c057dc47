// Reports the gzipped size of the JavaScript that index.html loads up front and
// fails the build when it exceeds the budget. Run after `vite build`.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

// Usage: node scripts/check-bundle-size.mjs [--dist DIR] [--budget-kb N]
const { values: options } = parseArgs({
  options: {
    dist: { type: "string", default: fileURLToPath(new URL("../dist/", import.meta.url)) },
    "budget-kb": { type: "string", default: "80" },
  },
});
const dist = resolve(options.dist);
const BUDGET_BYTES = Number(options["budget-kb"]) * 1024;

/**
 * Scripts and modulepreloads named in index.html: what the first load must fetch.
 * @param {string} html
 * @returns {string[]}
 */
function initialScripts(html) {
  const urls = new Set();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(match[1]);
  for (const match of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) urls.add(match[1]);
  return [...urls];
}

/** @param {string} file */
function gzippedSize(file) {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** @param {string} dir */
function allJs(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith(".js"))
    .map((name) => join(dir, name));
}

/** @param {number} bytes */
function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function main() {
  if (!(BUDGET_BYTES > 0)) {
    console.error(`check-bundle-size: --budget-kb must be a positive number, got ${options["budget-kb"]}`);
    process.exit(2);
  }
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const initial = initialScripts(html).map((url) => join(dist, url.replace(/^\//, "")));
  if (initial.length === 0) {
    console.error("check-bundle-size: dist/index.html loads no script; is the build broken?");
    process.exit(1);
  }
  let initialTotal = 0;
  for (const file of initial) {
    const size = gzippedSize(file);
    initialTotal += size;
    console.log(`  initial  ${kb(size).padStart(9)} gzip  ${relative(dist, file)}`);
  }
  const lazy = allJs(dist).filter((file) => !initial.includes(file));
  for (const file of lazy) console.log(`  lazy     ${kb(gzippedSize(file)).padStart(9)} gzip  ${relative(dist, file)}`);
  console.log(`Initial JavaScript: ${kb(initialTotal)} gzipped (budget ${kb(BUDGET_BYTES)}).`);
  if (initialTotal > BUDGET_BYTES) {
    console.error(`check-bundle-size: initial JavaScript is ${kb(initialTotal - BUDGET_BYTES)} over the budget.`);
    process.exit(1);
  }
}

main();
