import "@testing-library/jest-dom/vitest";
import { cleanup } from "@solidjs/testing-library";
import { afterEach } from "vitest";

// Vitest globals are off, so the testing library cannot register this itself.
afterEach(() => {
  cleanup();
});
