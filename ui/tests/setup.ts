import "@testing-library/jest-dom/vitest";
import { cleanup } from "@solidjs/testing-library";
import type { Channel } from "@tauri-apps/api/core";
import { afterEach, beforeEach } from "vitest";
import type { LiveMessage } from "../src/bindings";
import { resetLiveForTests } from "../src/lib/live";

// Tauri's own channel needs the app's IPC: tests get a plain object with the same callback.
beforeEach(() => {
  resetLiveForTests((onMessage) => ({ onmessage: onMessage }) as unknown as Channel<LiveMessage>);
});

// Vitest globals are off, so the testing library cannot register this itself.
afterEach(() => {
  cleanup();
});
