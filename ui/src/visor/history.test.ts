import { describe, expect, it } from "vitest";
import { changeableTo, reevaluation } from "./history";
import { EMPTY_DRAFT } from "./reasons";

describe("changing a verdict", () => {
  it("sends the status the person sees as expected_status", () => {
    expect(reevaluation({ status: "approved" }, "highlighted", { ...EMPTY_DRAFT, comment: " ok " })).toEqual({
      ok: true,
      input: { verdict: "highlighted", expected_status: "approved", comment: "ok", reason: null },
    });
    expect(reevaluation({ status: "highlighted" }, "rejected", { ...EMPTY_DRAFT, reason: "blurry" })).toEqual({
      ok: true,
      input: { verdict: "rejected", expected_status: "highlighted", comment: null, reason: "Foto borrosa" },
    });
  });

  it("the same verdict again is no change (except a rejection, whose reason may change)", () => {
    expect(changeableTo({ status: "approved" }, "approved")).toBe(false);
    expect(changeableTo({ status: "highlighted" }, "highlighted")).toBe(false);
    expect(changeableTo({ status: "rejected" }, "rejected")).toBe(true);
    expect(reevaluation({ status: "approved" }, "approved", EMPTY_DRAFT)).toEqual({ ok: false, problem: "unchanged" });
    expect(reevaluation({ status: "approved" }, "rejected", EMPTY_DRAFT)).toEqual({
      ok: false,
      problem: "reasonRequired",
    });
  });
});
