/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

const pkg = JSON.parse(
  readFileSync(new URL("./package.json", import.meta.url), "utf8"),
) as { version: string };

// Set by the Tauri CLI when it runs `beforeDevCommand` / `beforeBuildCommand`.
const tauriDebug = Boolean(process.env.TAURI_ENV_DEBUG);
const devHost = process.env.TAURI_DEV_HOST;

export default defineConfig({
  plugins: [solid()],
  // Relative asset URLs: the bundle is served by Tauri's custom protocol.
  base: "./",
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
  },
  // Keep Rust/Tauri CLI output visible in the same terminal.
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_"],
  server: {
    port: 1420,
    strictPort: true,
    host: devHost ?? false,
    hmr: devHost ? { protocol: "ws", host: devHost, port: 1421 } : undefined,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebView2 (Chromium ≥ 105) on Windows, WebKitGTK / WKWebView (Safari 15 level) elsewhere.
    target: ["es2021", "chrome105", "safari15"],
    minify: !tauriDebug,
    sourcemap: tauriDebug,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}", "tests/**/*.test.{ts,tsx}"],
    setupFiles: ["./tests/setup.ts"],
    restoreMocks: true,
  },
});
