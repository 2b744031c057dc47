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
  },
});
