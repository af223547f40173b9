import { describe, expect, it } from "vitest";
import { move } from "./reorder";

describe("moving a PDV type", () => {
  const types = [
    { id: 1, position: 0 },
    { id: 2, position: 1 },
    { id: 3, position: 2 },
  ];

  it("swaps it with its neighbour, sending only the two that change", () => {
    expect(move(types, 3, -1)).toEqual([
      { id: 3, position: 1 },
      { id: 2, position: 2 },
    ]);
    expect(move(types, 1, 1)).toEqual([
      { id: 2, position: 0 },
      { id: 1, position: 1 },
    ]);
  });

  it("does nothing at the ends", () => {
    expect(move(types, 1, -1)).toEqual([]);
    expect(move(types, 3, 1)).toEqual([]);
    expect(move(types, 99, 1)).toEqual([]);
  });

  it("renumbers a list with repeated positions or gaps (ordered by position, then id)", () => {
    const messy = [
      { id: 7, position: 5 },
      { id: 4, position: 5 },
      { id: 9, position: 0 },
    ];
    // Order now: 9, 4, 7. Moving 7 up gives 9, 7, 4.
    expect(move(messy, 7, -1)).toEqual([
      { id: 7, position: 1 },
      { id: 4, position: 2 },
    ]);
  });
});
