// Debian's Chromium driven by playwright-core (never a downloaded browser).
// The flags keep it off the network and working as root in a container.
import { chromium } from "playwright-core";

/** @param {string} executablePath */
export function launchChromium(executablePath) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}
