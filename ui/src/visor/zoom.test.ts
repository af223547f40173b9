import { describe, expect, it } from "vitest";
import { clampZoom, toggleZoom, ZOOM_MAX, ZOOM_TOGGLE } from "./zoom";

describe("zoom", () => {
  it("clamps to the range in half steps", () => {
    expect(clampZoom(0.2)).toBe(1);
    expect(clampZoom(9)).toBe(ZOOM_MAX);
    expect(clampZoom(1.74)).toBe(1.5);
  });

  it("Z toggles between 100 % and the zoomed view", () => {
    expect(toggleZoom(1)).toBe(ZOOM_TOGGLE);
    expect(toggleZoom(ZOOM_TOGGLE)).toBe(1);
    expect(toggleZoom(3.5)).toBe(1);
  });
});
