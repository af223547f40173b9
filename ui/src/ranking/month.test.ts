import { afterEach, describe, expect, it, vi } from "vitest";
import { debounce, monthLabel, shiftMonth } from "./month";

describe("months", () => {
  it("shift across year ends both ways", () => {
    expect(shiftMonth("2025-01", -1)).toBe("2024-12");
    expect(shiftMonth("2024-12", 1)).toBe("2025-01");
    expect(shiftMonth("2025-06", 0)).toBe("2025-06");
    expect(shiftMonth("2025-03", -15)).toBe("2023-12");
    expect(shiftMonth("2025-11", 14)).toBe("2027-01");
  });

  it("refuse what is not a month", () => {
    expect(() => shiftMonth("2025-1", 1)).toThrow("not a month");
  });

  it("are named in the UI's language", () => {
    expect(monthLabel("2025-01", "es-AR")).toBe("enero de 2025");
    expect(monthLabel("2024-12", "en-US")).toBe("December 2024");
    expect(monthLabel("garbage", "es-AR")).toBe("garbage");
  });
});

describe("debounce", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once after a burst, and not at all when cancelled", () => {
    vi.useFakeTimers();
    let runs = 0;
    const reload = debounce(() => (runs += 1), 500);
    for (let i = 0; i < 100; i += 1) reload();
    vi.advanceTimersByTime(499);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(1);
    reload();
    reload.cancel();
    vi.advanceTimersByTime(1000);
    expect(runs).toBe(1);
  });
});
