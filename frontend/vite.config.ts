/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build version is the only value fixed at build time; where the backend
// lives is decided at run time by nginx (or the dev proxy below).
const appVersion = process.env.VITE_APP_VERSION?.trim() || "dev";

export default defineConfig({
  plugins: [react()],
  define: {
    __APP_VERSION__: JSON.stringify(appVersion),
  },
  build: {
    // Vite's preload polyfill is not needed by current browsers; leave the bundle lean.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    host: "127.0.0.1",
    proxy: {
      "/api": { target: process.env.BACKEND_URL ?? "http://127.0.0.1:5000", changeOrigin: false },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}", "nginx/**/*.test.ts", "scripts/**/*.test.ts"],
    restoreMocks: true,
    // The user-event tests take about a second here, but a CI agent or engine that shares its
    // cores can stall jsdom for seconds: 5 s (Vitest's default) failed them under load.
    testTimeout: 30_000,
    // `npm run test:reports` (validate-reports) turns on these reporters and coverage; the files
    // land where the module exports them from (ci/testreports): JUnit for Azure DevOps' Tests
    // tab, Vitest's JSON summary to check the JUnit against, Cobertura for the Coverage tab.
    outputFile: { junit: "reports/junit/frontend.xml", json: "reports/vitest-summary.json" },
    coverage: {
      provider: "v8",
      include: ["src/**/*.{ts,tsx}"],
      exclude: ["src/**/*.test.{ts,tsx}", "src/test/**"],
      reporter: ["text-summary", ["cobertura", { file: "frontend.cobertura.xml" }]],
      reportsDirectory: "reports/coverage",
      // A failing test must not also empty the Coverage tab.
      reportOnFailure: true,
    },
  },
});
