import { describe, expect, it } from "vitest";
import type { ReportRow } from "../bindings";
import { toPeriod, totals } from "./period";

const row = (approved: number, rejected: number, highlighted: number, pending = 0): ReportRow => ({
  key: "k",
  label: "l",
  sent: approved + rejected + highlighted + pending,
  pending,
  approved,
  rejected,
  highlighted,
  approval_rate: null,
});

describe("report period", () => {
  it("a preset is sent as it is", () => {
    expect(toPeriod({ choice: "last_month", from: "", to: "" })).toEqual({
      ok: true,
      period: { kind: "preset", preset: "last_month" },
    });
  });

  it("dates need both ends, in order; the same day is a period", () => {
    expect(toPeriod({ choice: "dates", from: "2025-01-01", to: "" })).toEqual({ ok: false, problem: "missingDates" });
    expect(toPeriod({ choice: "dates", from: "2025-02-01", to: "2025-01-31" })).toEqual({
      ok: false,
      problem: "reversedDates",
    });
    expect(toPeriod({ choice: "dates", from: "2025-01-31", to: "2025-01-31" })).toEqual({
      ok: true,
      period: { kind: "dates", from: "2025-01-31", to: "2025-01-31" },
    });
  });
});

describe("report totals", () => {
  it("add up every column and rate the sum, not the average of rates", () => {
    // 9 of 10 in one row, 0 of 1 in the other: 9 of 11 overall (not 45 %).
    const t = totals([row(8, 1, 1, 2), row(0, 1, 0)]);
    expect(t).toMatchObject({ sent: 13, pending: 2, approved: 8, rejected: 2, highlighted: 1 });
    expect(t.approvalRate).toBeCloseTo(9 / 11);
  });

  it("have no rate when nothing was evaluated", () => {
    expect(totals([row(0, 0, 0, 3)]).approvalRate).toBeNull();
    expect(totals([]).sent).toBe(0);
  });
});
