import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { ReportRow } from "../bindings";
import type { Api } from "../lib/api";
import { appHarness } from "../../tests/app";
import { fail, fakeApi, SUPERVISOR } from "../../tests/fakeApi";

const row = (key: string, label: string, approved: number, rejected: number): ReportRow => ({
  key,
  label,
  sent: approved + rejected + 1,
  pending: 1,
  approved,
  rejected,
  highlighted: 0,
  approval_rate: approved + rejected === 0 ? null : approved / (approved + rejected),
});

describe("Reports", () => {
  const render = appHarness();
  const open = (api: Api) => render(api, "#/reports");

  it("shows this month by vendor with a totals row", async () => {
    const api = fakeApi({ session: SUPERVISOR, report: [row("1", "Ana Paz", 3, 1), row("2", "Bruno Díaz", 1, 1)] });
    open(api);
    const table = await screen.findByRole("table");
    const rows = within(table).getAllByRole("row");
    expect(rows[0]).toHaveTextContent("Vendedor");
    expect(rows[1]).toHaveTextContent(/Ana Paz51301\s?75\s?%/);
    expect(rows[3]).toHaveTextContent("Total");
    // 4 approved of 6 evaluated: 66.7 %, not the average of 75 % and 50 %.
    expect(rows[3]).toHaveTextContent(/66,7\s?%/);
    expect(api.reports).toEqual([{ period: { kind: "preset", preset: "this_month" }, what: "vendor" }]);
  });

  it("asks for two dates in order before sending, then groups as chosen", async () => {
    const api = fakeApi({ session: SUPERVISOR, report: [row("approved", "approved", 2, 0)] });
    open(api);
    await screen.findByRole("table");
    fireEvent.change(screen.getByLabelText("Período"), { target: { value: "dates" } });
    expect(await screen.findByRole("alert")).toHaveTextContent("Elegí las dos fechas, desde y hasta.");
    expect(screen.getByRole("button", { name: "Ver" })).toBeDisabled();
    fireEvent.input(screen.getByLabelText("Desde"), { target: { value: "2025-02-01" } });
    fireEvent.input(screen.getByLabelText("Hasta"), { target: { value: "2025-01-01" } });
    expect(screen.getByRole("alert")).toHaveTextContent("La fecha «desde» es posterior a «hasta».");
    fireEvent.input(screen.getByLabelText("Desde"), { target: { value: "2024-12-01" } });
    fireEvent.change(screen.getByLabelText("Agrupar por"), { target: { value: "status" } });
    fireEvent.click(screen.getByRole("button", { name: "Ver" }));
    await waitFor(() => expect(api.reports).toHaveLength(2));
    expect(api.reports[1]).toEqual({ period: { kind: "dates", from: "2024-12-01", to: "2025-01-01" }, what: "status" });
    // Grouped by status, each row is named in Spanish.
    expect(await screen.findByRole("rowheader", { name: "Aprobada" })).toBeInTheDocument();
  });

  it("exports the period and says where the file went", async () => {
    const api = fakeApi({ session: SUPERVISOR });
    open(api);
    await screen.findByText("No hay exhibiciones en este período.");
    fireEvent.click(screen.getByRole("button", { name: "Descargar Excel" }));
    expect(await screen.findByText("Guardado en /home/ana/Descargas/exhibiciones.xlsx")).toBeInTheDocument();
    expect(api.reports[api.reports.length - 1]).toEqual({ period: { kind: "preset", preset: "this_month" }, what: "xlsx" });
  });

  it("an export that fails says why and saves nothing", async () => {
    open(
      fakeApi(
        { session: SUPERVISOR },
        { exportReport: () => fail({ code: "unreachable", message: "connection refused" }) },
      ),
    );
    await screen.findByText("No hay exhibiciones en este período.");
    fireEvent.click(screen.getByRole("button", { name: "Descargar CSV" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("No se pudo conectar con el servidor");
    expect(screen.queryByText(/Guardado en/)).toBeNull();
  });
});
