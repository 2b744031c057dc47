// The frontend's own build version, fixed at build time by vite.config.ts from
// VITE_APP_VERSION (the Docker build arg); "dev" for local builds.
declare const __APP_VERSION__: string;

export const APP_VERSION: string = __APP_VERSION__;
