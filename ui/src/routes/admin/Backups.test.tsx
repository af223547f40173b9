import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { appHarness } from "../../../tests/app";
import { ADMIN, fakeApi, SUPERADMIN } from "../../../tests/fakeApi";
import { BACKUP_DIR, backupCopy } from "../../../tests/fakeJobs";
import { boot, session } from "../../lib/session";

const NEWER = backupCopy("2026-11-23T06:00:00.000Z", 2_345_678);
const OLDER = backupCopy("2026-11-22T06:00:00.000Z", 2_100_000);

describe("Administración › Copias de seguridad", () => {
  const render = appHarness();

  it("lists the server's copies newest first, with where they are and their size", async () => {
    render(fakeApi({ session: SUPERADMIN, admin: { jobs: { backups: [NEWER, OLDER], photos: true } } }), "#/admin/backups");
    const table = await screen.findByRole("table", { name: "Copias de seguridad" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getByText(/^centermind-/).textContent)).toEqual([NEWER.file_name, OLDER.file_name]);
    // 2,345,678 bytes: MB of 1024 × 1024, as the backup job's report and the CLI write them.
    expect(rows[0]).toHaveTextContent("2,2 MB");
    expect(screen.getByText(`En el servidor, en ${BACKUP_DIR}.`, { exact: false })).toHaveTextContent(
      "Las fotos están copiadas en su carpeta photos/.",
    );
    // Connected to a server: the screen also says how to restore on the server itself.
    expect(screen.getByText(/centermind-sidecar backup restore latest/)).toBeInTheDocument();
  });

  it("connected to a server, the server restores the copy itself, then everyone signs in again", async () => {
    const api = fakeApi({ session: SUPERADMIN, admin: { jobs: { backups: [NEWER, OLDER] } } });
    render(api, "#/admin/backups");
    fireEvent.click(await screen.findByRole("button", { name: /^Restaurar la copia del .*23 de nov/ }));
    const dialog = await screen.findByRole("alertdialog", { name: /¿Restaurar la copia del .*23 de nov/ });
    expect(dialog).toHaveTextContent("La base de datos del servidor vuelve a como estaba en ese momento");
    expect(dialog).toHaveTextContent("El servicio se reinicia solo");
    fireEvent.click(within(dialog).getByRole("button", { name: "Restaurar" }));
    expect(await screen.findByRole("heading", { name: "Iniciar sesión" })).toBeInTheDocument();
    expect(api.admin.called("restoreServerBackup")).toEqual([[NEWER.file_name]]);
    expect(api.admin.called("restoreLocalBackup")).toEqual([]);
    expect(screen.getByRole("status")).toHaveTextContent(/Se restauró la copia del .*23 de nov.*Iniciá sesión de nuevo\./);
    expect(session()).toBeNull();
  });

  it("says when there is no copy yet and how to make one", async () => {
    render(fakeApi({ session: SUPERADMIN }), "#/admin/backups");
    expect(await screen.findByText(/Todavía no hay copias/)).toHaveTextContent("«Ejecutar ahora» hace una ya");
    expect(screen.getByText(/Todavía no hay copia de las fotos/)).toBeInTheDocument();
  });

  it("is the superadmin's only: an admin is not offered it and is told so", async () => {
    const api = fakeApi({ session: ADMIN, admin: { jobs: { backups: [NEWER] } } });
    render(api, "#/admin/backups");
    expect(await screen.findByText("Las tareas programadas son del servidor y solo las maneja la superadministración.")).toBeInTheDocument();
    const sections = screen.getByRole("navigation", { name: "Secciones de administración" });
    expect(within(sections).queryByRole("link", { name: "Copias de seguridad" })).toBeNull();
    expect(api.admin.called("listBackups")).toEqual([]);
  });

  it("on this computer, restores a copy after asking, then asks everyone to sign in again", async () => {
    const api = fakeApi({ session: SUPERADMIN, local: true, admin: { jobs: { backups: [NEWER, OLDER] } } });
    render(api, "#/admin/backups");
    const restore = await screen.findByRole("button", { name: /^Restaurar la copia del .*22 de nov/ });
    fireEvent.click(restore);
    const dialog = await screen.findByRole("alertdialog", { name: /¿Restaurar la copia del .*22 de nov/ });
    expect(dialog).toHaveTextContent("lo registrado después no va a estar");
    // Cancel changes nothing.
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancelar" }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.admin.jobs.restored).toEqual([]);

    fireEvent.click(restore);
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Restaurar" }));
    expect(await screen.findByRole("heading", { name: "Iniciar sesión" })).toBeInTheDocument();
    expect(api.admin.jobs.restored).toEqual([OLDER.file_name]);
    expect(screen.getByRole("status")).toHaveTextContent(/Se restauró la copia del .*22 de nov.*Iniciá sesión de nuevo\./);
    expect(session()).toBeNull();
    expect(boot().kind).toBe("login");
  });

  it("a restore that fails is explained in the dialog and nobody is signed out", async () => {
    const api = fakeApi({
      session: SUPERADMIN,
      local: true,
      admin: {
        jobs: {
          backups: [NEWER],
          restoreError: { code: "invalid", message: "No se restauró la copia: está dañada (quick_check)" },
        },
      },
    });
    render(api, "#/admin/backups");
    fireEvent.click(await screen.findByRole("button", { name: /^Restaurar la copia del/ }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Restaurar" }));
    const dialog = await screen.findByRole("alertdialog");
    await waitFor(() => expect(within(dialog).getByRole("alert")).toHaveTextContent("está dañada (quick_check)"));
    expect(session()).not.toBeNull();
  });
});

describe("Administración › Copias de seguridad › carpeta (este equipo)", () => {
  const render = appHarness();

  it("moves the copies to another folder, and empty goes back to the data folder", async () => {
    const api = fakeApi({ session: SUPERADMIN, local: true, admin: { jobs: { backups: [NEWER] } } });
    render(api, "#/admin/backups");
    const folder = await screen.findByLabelText("Carpeta de las copias");
    expect(folder).toHaveValue(BACKUP_DIR);
    fireEvent.input(folder, { target: { value: "  /media/pendrive/CenterMind  " } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar carpeta" }));
    expect(await screen.findByText("Guardada: la próxima copia se hace ahí.")).toBeInTheDocument();
    expect(api.admin.called("setLocalBackupDir")).toEqual([["/media/pendrive/CenterMind"]]);
    expect(screen.getByText(/En el servidor, en \/media\/pendrive\/CenterMind\./)).toBeInTheDocument();
    expect(screen.getByText(/Todavía no hay copias/)).toBeInTheDocument();

    fireEvent.input(folder, { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar carpeta" }));
    await waitFor(() => expect(api.admin.called("setLocalBackupDir")).toEqual([["/media/pendrive/CenterMind"], [null]]));
    await waitFor(() => expect(folder).toHaveValue(BACKUP_DIR));
  });

  it("a folder the app cannot use is explained and nothing changes", async () => {
    render(fakeApi({ session: SUPERADMIN, local: true }), "#/admin/backups");
    const folder = await screen.findByLabelText("Carpeta de las copias");
    fireEvent.input(folder, { target: { value: "copias" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar carpeta" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("«copias» no es una carpeta completa.");
    expect(folder).toHaveValue("copias");
    expect(screen.getByText(`En el servidor, en ${BACKUP_DIR}.`, { exact: false })).toBeInTheDocument();
  });

  it("connected to a server, the folder is not offered", async () => {
    render(fakeApi({ session: SUPERADMIN }), "#/admin/backups");
    await screen.findByText(/Todavía no hay copias/);
    expect(screen.queryByLabelText("Carpeta de las copias")).toBeNull();
  });
});
