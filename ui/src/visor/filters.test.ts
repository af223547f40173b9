import { describe, expect, it } from "vitest";
import { summary } from "../../tests/fixtures";
import {
  activeCount,
  choiceLists,
  customerDigits,
  customerOnly,
  customerProblem,
  dayStart,
  NO_FILTERS,
  rangeProblem,
  toListFilter,
} from "./filters";

describe("filters", () => {
  it("days start at midnight in the distributor's zone (UTC-3 in Buenos Aires)", () => {
    expect(dayStart("2025-01-05", "America/Argentina/Buenos_Aires")).toBe("2025-01-05T03:00:00.000Z");
    expect(dayStart("2025-01-05", "UTC")).toBe("2025-01-05T00:00:00.000Z");
    // The day after, across a month end.
    expect(dayStart("2025-01-31", "America/Argentina/Buenos_Aires", 1)).toBe("2025-02-01T03:00:00.000Z");
    // Across a DST change: Madrid is UTC+1 in March before the 30th, UTC+2 after.
    expect(dayStart("2025-03-30", "Europe/Madrid")).toBe("2025-03-29T23:00:00.000Z");
    expect(dayStart("2025-03-31", "Europe/Madrid")).toBe("2025-03-30T22:00:00.000Z");
    expect(dayStart("not a day", "UTC")).toBeNull();
  });

  it("an unknown zone falls back to the computer's", () => {
    expect(dayStart("2025-01-05", "Not/AZone")).toBe(new Date(2025, 0, 5).toISOString());
    expect(dayStart("2025-01-05", null)).toBe(new Date(2025, 0, 5).toISOString());
  });

  it("builds the listing conditions; the last day is included", () => {
    const f = { group: 2, vendor: 7, pdvType: null, from: "2025-01-01", to: "2025-01-31", customer: "", duplicates: false };
    expect(toListFilter(f, "America/Argentina/Buenos_Aires")).toEqual({
      group: 2,
      vendor: 7,
      pdv_type: null,
      from: "2025-01-01T03:00:00.000Z",
      to: "2025-02-01T03:00:00.000Z",
      customer: null,
      possible_duplicate: null,
    });
    expect(toListFilter(NO_FILTERS, "UTC")).toEqual({
      group: null,
      vendor: null,
      pdv_type: null,
      from: null,
      to: null,
      customer: null,
      possible_duplicate: null,
    });
    // Possible duplicates only: asked of the server, and counted as one more filter.
    expect(toListFilter({ ...f, duplicates: true }, "UTC").possible_duplicate).toBe(true);
    expect(activeCount({ ...f, duplicates: true })).toBe(5);
    expect(activeCount(f)).toBe(4);
    expect(activeCount(NO_FILTERS)).toBe(0);
  });

  it("a customer number is sent as the bot stores it; one with letters is reported and not applied", () => {
    const typed = { ...NO_FILTERS, customer: " 12.345-6 " };
    expect(customerDigits(typed.customer)).toBe("123456");
    expect(toListFilter(typed, "UTC").customer).toBe("123456");
    expect(customerProblem(typed)).toBeNull();
    expect(activeCount(typed)).toBe(1);

    const letters = { ...NO_FILTERS, customer: "12a" };
    expect(customerProblem(letters)).toBe("badCustomer");
    expect(toListFilter(letters, "UTC").customer).toBeNull();
    expect(customerProblem({ ...NO_FILTERS, customer: "1234567890123" })).toBe("badCustomer");
    expect(customerProblem({ ...NO_FILTERS, customer: "123456789012" })).toBeNull();
    expect(customerProblem(NO_FILTERS)).toBeNull();

    expect(customerOnly("777")).toEqual({ ...NO_FILTERS, customer: "777" });
  });

  it("a reversed range is reported and not applied", () => {
    const f = { ...NO_FILTERS, from: "2025-02-01", to: "2025-01-01" };
    expect(rangeProblem(f)).toBe("dateOrder");
    expect(toListFilter(f, "UTC")).toMatchObject({ from: null, to: null });
    expect(rangeProblem({ ...NO_FILTERS, from: "2025-13" })).toBe("badDate");
    expect(rangeProblem({ ...NO_FILTERS, from: "2025-01-01" })).toBeNull();
  });

  it("offers the server's lists united with what the listings showed, sorted by name", () => {
    const seen = [
      summary(1, { vendor_id: 5, vendor_name: "Zoe", group_id: 9, group_title: "Norte" }),
      summary(2, { vendor_id: 6, vendor_name: "ana", pdv_type_id: 3, pdv_type_name: "Autoservicio" }),
    ];
    const lists = choiceLists(
      {
        groups: null,
        vendors: [
          { id: 5, name: "Zoe Paz", active: true },
          { id: 8, name: "Bruno", active: true },
          { id: 99, name: "Baja", active: false },
        ],
        pdv_types: [{ id: 1, name: "Kiosco", active: true }],
      },
      seen,
    );
    expect(lists.vendors.map((v) => v.name)).toEqual(["ana", "Bruno", "Zoe Paz"]);
    expect(lists.groups.map((g) => g.name)).toEqual(["Norte", "Ventas Zona Sur"]);
    expect(lists.pdvTypes.map((p) => p.name)).toEqual(["Autoservicio", "Kiosco"]);
    // Without the server's lists, only the seen ones.
    expect(choiceLists(null, seen).vendors.map((v) => v.id)).toEqual([6, 5]);
  });
});
