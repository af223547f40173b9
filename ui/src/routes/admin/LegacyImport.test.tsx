import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { ImportedDistributor, LegacyImport } from "../../bindings";
import { appHarness } from "../../../tests/app";
import { ADMIN, fakeApi, SUPERADMIN } from "../../../tests/fakeApi";

const OLD = "C:\\CenterMind\\base_datos\\centermind.db";

function imported(overrides: Partial<ImportedDistributor> = {}): ImportedDistributor {
  return {
    legacy_id: "1",
    id: 3,
    name: "Distribuidora del Sur",
    created: true,
    bot_token: "imported",
    groups_created: 2,
    members_created: 31,
    pdv_types_created: ["Farmacia"],
    users_created: ["sofia.gomez"],
    exhibitions_imported: 1200,
    exhibitions_already_imported: 0,
    verdicts_updated: 0,
    verdicts_kept: 0,
    pending: 40,
    approved: 900,
    rejected: 200,
    highlighted: 60,
    photos_queued: 1250,
    photos_not_in_drive: 2,
    edits_queued: 7,
    evaluation_times_assumed: 0,
    ...overrides,
  };
}

const REPORT: LegacyImport = {
  distributors: [imported()],
  skipped: [{ table: "exhibiciones", key: "x4", problem: "estado desconocido «Anulado»" }],
  recognised: ["integrantes: id_distribuidor, telegram_user_id, nombre_integrante, rol_telegram"],
};

describe("Administración › Sistema anterior", () => {
  const render = appHarness();

  it("the superadmin tries the import first, then imports, with what they chose", async () => {
    const api = fakeApi({ session: SUPERADMIN, admin: { jobs: { legacy: { [OLD]: REPORT } } } });
    render(api, "#/admin/legacy");
    const path = await screen.findByLabelText("Archivo de la base vieja");
    fireEvent.input(path, { target: { value: `  ${OLD} ` } });
    fireEvent.input(screen.getByLabelText("Zona horaria de las horas viejas"), { target: { value: "UTC" } });
    fireEvent.click(screen.getByRole("checkbox", { name: /Traer los tokens de los bots/ }));

    fireEvent.click(screen.getByRole("button", { name: "Probar (no guarda nada)" }));
    expect(await screen.findByRole("heading", { name: /^Prueba: esto haría la importación/ })).toBeInTheDocument();
    expect(screen.getByText("Distribuidora del Sur (nueva)")).toBeInTheDocument();
    expect(screen.getByText(/exhibiciones: 40 pendientes, 900 aprobadas, 200 rechazadas, 60 destacadas\./)).toHaveTextContent(
      /^1\.?200 exhibiciones/,
    );
    expect(screen.getByText(/Tipos de PDV nuevos, inactivos hasta que los actives: Farmacia\./)).toBeInTheDocument();
    expect(screen.getByText(/Usuarios inactivos para quienes evaluaban \(sin contraseña\): sofia\.gomez\./)).toBeInTheDocument();
    expect(screen.getByText(/por traer de Google Drive; 2 con un enlace que no es de Drive\./)).toHaveTextContent(/^Fotos: 1\.?250/);
    expect(screen.getByText("Filas que no se importaron (1)")).toBeInTheDocument();
    expect(screen.getByText(/estado desconocido «Anulado»/)).toBeInTheDocument();
    expect(screen.getByText(/Detené el bot viejo/)).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Importar" }));
    expect(await screen.findByRole("heading", { name: "Importación terminada" })).toBeInTheDocument();
    expect(api.admin.called("importLegacy")).toEqual([
      [{ path: OLD, dry_run: true, time_zone: "UTC", bot_tokens: false }],
      [{ path: OLD, dry_run: false, time_zone: "UTC", bot_tokens: false }],
    ]);
  });

  it("a later run says which verdicts came from the old system and which stayed as given here", async () => {
    const again: LegacyImport = {
      distributors: [
        imported({
          created: false,
          exhibitions_imported: 3,
          exhibitions_already_imported: 1200,
          verdicts_updated: 38,
          verdicts_kept: 2,
        }),
      ],
      skipped: [],
      recognised: [],
    };
    const api = fakeApi({ session: SUPERADMIN, admin: { jobs: { legacy: { [OLD]: again } } } });
    render(api, "#/admin/legacy");
    fireEvent.input(await screen.findByLabelText("Archivo de la base vieja"), { target: { value: OLD } });
    fireEvent.click(screen.getByRole("button", { name: "Importar" }));
    expect(
      await screen.findByText("Veredictos traídos del sistema anterior (dados allí desde la importación anterior): 38."),
    ).toBeInTheDocument();
    expect(
      screen.getByText("Evaluadas aquí y con otro veredicto en el sistema anterior: 2 (queda el de CenterMind)."),
    ).toBeInTheDocument();
  });

  it("a first run says nothing about verdicts brought or kept", async () => {
    const api = fakeApi({ session: SUPERADMIN, admin: { jobs: { legacy: { [OLD]: REPORT } } } });
    render(api, "#/admin/legacy");
    fireEvent.input(await screen.findByLabelText("Archivo de la base vieja"), { target: { value: OLD } });
    fireEvent.click(screen.getByRole("button", { name: "Importar" }));
    expect(await screen.findByRole("heading", { name: "Importación terminada" })).toBeInTheDocument();
    expect(screen.queryByText(/Veredictos traídos del sistema anterior/)).toBeNull();
    expect(screen.queryByText(/queda el de CenterMind/)).toBeNull();
  });

  it("a file that is not there is said, and nothing is reported", async () => {
    const api = fakeApi({ session: SUPERADMIN, admin: { jobs: { legacy: {} } } });
    render(api, "#/admin/legacy");
    fireEvent.input(await screen.findByLabelText("Archivo de la base vieja"), { target: { value: "D:\\viejo.db" } });
    fireEvent.click(screen.getByRole("button", { name: "Importar" }));
    expect(await screen.findByText(/no existe el archivo D:\\viejo\.db/)).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Importación terminada" })).toBeNull();
  });

  it("the buttons wait for a file", async () => {
    render(fakeApi({ session: SUPERADMIN }), "#/admin/legacy");
    await screen.findByLabelText("Archivo de la base vieja");
    expect(screen.getByRole("button", { name: "Importar" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Probar (no guarda nada)" })).toBeDisabled();
  });

  it("is the superadmin's only: an admin is not offered it and is told so", async () => {
    const api = fakeApi({ session: ADMIN });
    render(api, "#/admin/legacy");
    expect(
      await screen.findByText("Traer el sistema anterior crea distribuidoras: solo lo hace la superadministración."),
    ).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Sistema anterior" })).toBeNull();
    await waitFor(() => expect(api.admin.called("importLegacy")).toEqual([]));
  });
});
