import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { RankingEntry } from "../bindings";
import { appHarness } from "../../tests/app";
import { fakeApi, SUPERVISOR } from "../../tests/fakeApi";

function entry(position: number, name: string, points: number): RankingEntry {
  return {
    position,
    points,
    vendor_id: position,
    vendor_name: name,
    sent: points + 2,
    pending: 1,
    approved: points,
    rejected: 1,
    highlighted: 0,
  };
}

const rows = () => within(screen.getByRole("table")).getAllByRole("row").slice(1);

describe("Ranking", () => {
  const open = appHarness();

  it("lists the month's vendors by place with their figures and the scoring", async () => {
    open(fakeApi({ session: SUPERVISOR, ranking: [entry(1, "Ana Paz", 12), entry(2, "Bruno Díaz", 7)] }), "#/ranking");
    expect(await screen.findByRole("heading", { name: "Ranking de enero de 2025" })).toBeInTheDocument();
    const [first, second] = rows();
    expect(first).toHaveTextContent("1Ana Paz12");
    expect(second).toHaveTextContent("2Bruno Díaz7");
    expect(screen.getByText("Cada exhibición aprobada suma 1 y cada destacada suma 2.")).toBeInTheDocument();
  });

  it("moves between months and back to the current one", async () => {
    const api = fakeApi({ session: SUPERVISOR });
    open(api, "#/ranking");
    await screen.findByRole("heading", { name: "Ranking de enero de 2025" });
    expect(screen.getByRole("button", { name: "Mes siguiente →" })).toBeDisabled();
    fireEvent.click(screen.getByRole("button", { name: "← Mes anterior" }));
    expect(await screen.findByRole("heading", { name: "Ranking de diciembre de 2024" })).toBeInTheDocument();
    expect(screen.getByText("Todavía no hay exhibiciones en diciembre de 2024.")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Mes actual" }));
    await screen.findByRole("heading", { name: "Ranking de enero de 2025" });
    expect(api.rankings).toEqual([null, "2024-12", null]);
  });

  it("reads the ranking again once after a burst of live verdicts", async () => {
    const api = fakeApi({ session: SUPERVISOR, ranking: [entry(1, "Ana Paz", 3)] });
    open(api, "#/ranking");
    await screen.findByText("Ana Paz");
    await waitFor(() => expect(api.following()).toBe(true));
    api.setRanking([entry(1, "Bruno Díaz", 5), entry(2, "Ana Paz", 3)]);
    for (let i = 0; i < 20; i += 1) {
      api.live({ kind: "exhibition_evaluated", exhibition_id: `e${i}`, status: "approved" });
    }
    await waitFor(() => expect(rows()[0]).toHaveTextContent("1Bruno Díaz5"), { timeout: 3000 });
    expect(api.rankings).toEqual([null, null]);
  });

  it("coming from the visor, the ranking still follows live events", async () => {
    const api = fakeApi({ session: SUPERVISOR, ranking: [entry(1, "Ana Paz", 3)] });
    open(api, "#/visor");
    await waitFor(() => expect(api.following()).toBe(true));
    window.location.hash = "#/ranking";
    await screen.findByText("Ana Paz");
    await waitFor(() => expect(api.following()).toBe(true));
    api.setRanking([entry(1, "Bruno Díaz", 5)]);
    api.live({ kind: "exhibition_evaluated", exhibition_id: "e1", status: "approved" });
    await waitFor(() => expect(rows()[0]).toHaveTextContent("1Bruno Díaz5"), { timeout: 3000 });
  });

  it("the TV mode fills the screen with the top ten, without the app's chrome, until Esc", async () => {
    const many = Array.from({ length: 12 }, (_, i) => entry(i + 1, `Vendedor ${i + 1}`, i === 9 ? 1 : 30 - i));
    const api = fakeApi({ session: SUPERVISOR, ranking: many });
    open(api, "#/ranking");
    fireEvent.click(await screen.findByRole("link", { name: "Modo TV" }));
    const list = await screen.findByRole("list", { name: "Ranking de enero de 2025" });
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(10);
    expect(items[0]).toHaveTextContent("1Vendedor 1");
    expect(items[0]).toHaveTextContent("30 pts");
    // One point is singular.
    expect(items[9]).toHaveTextContent(/1 pto$/);
    expect(screen.queryByRole("navigation")).toBeNull();
    await waitFor(() => expect(api.fullscreen).toEqual([true]));
    fireEvent.keyDown(window, { key: "Escape" });
    expect(await screen.findByRole("navigation")).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Ranking de enero de 2025" })).toBeInTheDocument();
    await waitFor(() => expect(api.fullscreen).toEqual([true, false]));
  });
});
