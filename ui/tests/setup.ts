import "@testing-library/jest-dom/vitest";
import { cleanup } from "@solidjs/testing-library";
import type { Channel } from "@tauri-apps/api/core";
import { afterEach, beforeEach } from "vitest";
import { setChannelFactoryForTests } from "../src/lib/channel";
import { resetLiveForTests } from "../src/lib/live";

// Tauri's own channel needs the app's IPC: tests get a plain object with the same callback.
setChannelFactoryForTests(<T>(onMessage: (message: T) => void) => ({ onmessage: onMessage }) as unknown as Channel<T>);
beforeEach(() => {
  resetLiveForTests();
});

// Vitest globals are off, so the testing library cannot register this itself.
afterEach(() => {
  cleanup();
});
