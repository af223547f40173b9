import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { appHarness } from "../../../tests/app";
import { distributor } from "../../../tests/fakeAdmin";
import { ADMIN, fakeApi, SUPERADMIN, SUPERVISOR } from "../../../tests/fakeApi";
import { errorEvent, givenUpTask, workKind } from "../../../tests/fakeWork";
import { healthTiming } from "./Health";

const WORK = "Trabajo pendiente del servidor";
const table = () => screen.getByRole("table", { name: WORK });
const row = (kind: string) => within(table()).getByRole("row", { name: new RegExp(`^${kind}`) });
const problems = () => screen.getByRole("list", { name: "Problemas registrados" });
const cells = (kind: string) => within(row(kind)).getAllByRole("cell").map((c) => c.textContent);

describe("Administración › Estado", () => {
  const render = appHarness();
  const { refreshMs, liveReloadMs } = healthTiming;
  afterEach(() => {
    healthTiming.refreshMs = refreshMs;
    healthTiming.liveReloadMs = liveReloadMs;
  });

  const seed = {
    work: {
      kinds: {
        1: [
          workKind("edit_confirmation", { running: 1 }),
          workKind("store_photo", {
            queued: 3,
            retrying: 1,
            failed: 2,
            oldest_queued_at: "2026-11-24T12:30:00Z",
            last_error: "getFile: 502 Bad Gateway",
            last_error_at: "2026-11-24T13:00:00Z",
          }),
          workKind("archive_photo", { failed: 1, last_error: "Drive: storageQuotaExceeded", last_error_at: "2026-11-24T14:00:00Z" }),
        ],
      },
      events: {
        1: [
          errorEvent(2, "disk_full", {
            message: "Drive: storageQuotaExceeded",
            kind: "archive_photo",
            attempt: 8,
            exhibition_id: "0a1b2c3d-0000-4000-8000-000000000001",
            created_at: "2026-11-24T14:00:00Z",
          }),
          errorEvent(1, "remote_down", { message: "getFile: 502 Bad Gateway", kind: "store_photo", created_at: "2026-11-24T13:00:00Z" }),
        ],
      },
    },
  };

  it("is offered to admins, after the TV screens", async () => {
    render(fakeApi({ session: ADMIN, admin: seed }), "#/admin/distributor");
    const nav = await screen.findByRole("navigation", { name: "Secciones de administración" });
    const links = within(nav).getAllByRole("link").map((l) => l.textContent);
    expect(links.slice(4, 6)).toEqual(["Pantallas TV", "Estado"]);
  });

  it("shows each kind of work in Spanish, in the distributor's time, with what waits and what failed", async () => {
    render(fakeApi({ session: ADMIN, admin: seed }), "#/admin/health");
    await screen.findByRole("table", { name: WORK });
    const names = within(table())
      .getAllByRole("rowheader")
      .map((h) => h.firstChild?.textContent);
    // In the order the work happens.
    expect(names).toEqual(["Bajar fotos de Telegram", "Copiar fotos a Google Drive", "Escribir veredictos en Telegram"]);
    // 12:30 UTC is 9:30 in Buenos Aires.
    expect(row("Bajar fotos de Telegram")).toHaveTextContent("Esperando desde el 24 de nov de 2026, 09:30.");
    expect(row("Bajar fotos de Telegram")).toHaveTextContent("Última falla (24 de nov de 2026, 10:00): getFile: 502 Bad Gateway");
    expect(cells("Bajar fotos de Telegram").slice(0, 3)).toEqual(["3 (1 ya fallaron antes)", "0", "2"]);
    expect(cells("Escribir veredictos en Telegram").slice(0, 3)).toEqual(["0", "1", "0"]);
    expect(within(row("Escribir veredictos en Telegram")).queryByRole("button")).toBeNull();
    expect(screen.getByText("Actualizado a las 12:04.")).toBeInTheDocument();
  });

  it("retries one kind, says so, and reads the work again", async () => {
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/health");
    await screen.findByRole("table", { name: WORK });
    fireEvent.click(screen.getByRole("button", { name: "Reintentar: Copiar fotos a Google Drive" }));
    expect(await screen.findByText("Se volvió a poner en marcha 1 tarea.")).toBeInTheDocument();
    expect(api.admin.called("retryFailedWork")).toEqual([[null, "archive_photo", null]]);
    await waitFor(() => expect(cells("Copiar fotos a Google Drive").slice(0, 3)).toEqual(["1 (1 ya fallaron antes)", "0", "0"]));
    expect(screen.queryByRole("button", { name: "Reintentar: Copiar fotos a Google Drive" })).toBeNull();
    // One kind with failures left: no "all" button any more.
    expect(screen.queryByRole("button", { name: "Reintentar todas" })).toBeNull();
    expect(screen.getByRole("button", { name: "Reintentar: Bajar fotos de Telegram" })).toBeInTheDocument();
  });

  it("retries every kind at once", async () => {
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/health");
    fireEvent.click(await screen.findByRole("button", { name: "Reintentar todas" }));
    expect(await screen.findByText("Se volvieron a poner en marcha 3 tareas.")).toBeInTheDocument();
    expect(api.admin.called("retryFailedWork")).toEqual([[null, null, null]]);
    await waitFor(() => expect(screen.queryByRole("button", { name: /^Reintentar/ })).toBeNull());
  });

  const givenUpSeed = {
    work: {
      kinds: {
        1: [
          workKind("store_photo", { failed: 2 }),
          workKind("edit_confirmation", { failed: 1, permanent: 1 }),
        ],
      },
      givenUp: {
        1: [
          givenUpTask(7, "edit_confirmation", {
            photo_number: null,
            class: "missing_path",
            permanent: true,
            attempts: 1,
            error: "400 Bad Request: message to edit not found",
            failed_at: "2026-11-24T14:30:00Z",
          }),
          givenUpTask(5, "store_photo", { photo_number: 2, class: "remote_down" }),
          givenUpTask(4, "store_photo", {
            customer_number: null,
            vendor_name: null,
            submitted_at: null,
            photo_number: 1,
            class: null,
          }),
        ],
      },
    },
  };
  const givenUpList = () => screen.getByRole("list", { name: "Tareas sin resolver" });

  it("lists each given-up task with the exhibition it was for and why the server stopped", async () => {
    render(fakeApi({ session: ADMIN, admin: givenUpSeed }), "#/admin/health");
    const list = await screen.findByRole("list", { name: "Tareas sin resolver" });
    const [edit, photo, gone, ...rest] = within(list).getAllByRole("listitem");
    expect(rest).toHaveLength(0);
    if (!edit || !photo || !gone) throw new Error("three tasks expected");
    // 12:00 UTC is 9:00 in Buenos Aires.
    expect(photo).toHaveTextContent("Bajar fotos de Telegram");
    expect(photo).toHaveTextContent("Cliente 10452 · Ana Paz · 24 de nov de 2026, 09:00 · foto 2");
    expect(photo).toHaveTextContent("Servicio sin respuesta. Falló 8 veces seguidas y el servidor dejó de intentar.");
    // A verdict whose message was deleted: advice about the message, not a photo folder.
    expect(edit).toHaveTextContent("Escribir veredictos en Telegram");
    expect(edit).toHaveTextContent("El servidor la dio por imposible");
    expect(edit).toHaveTextContent("El mensaje del bot ya no está en el grupo");
    expect(edit).not.toHaveTextContent("carpeta");
    expect(within(edit).getByText("Detalle técnico").closest("details")).toHaveTextContent(
      "400 Bad Request: message to edit not found",
    );
    expect(gone).toHaveTextContent("Exhibición que ya no existe · foto 1");
    expect(gone).toHaveTextContent("La exhibición se borró después");
    // The count of those beyond repair, by kind.
    expect(cells("Escribir veredictos en Telegram")[2]).toBe("1De esas, 1 sin arreglo posible.");
  });

  it("retries or dismisses one given-up task, and sets aside at once those beyond repair", async () => {
    const api = fakeApi({ session: ADMIN, admin: givenUpSeed });
    render(api, "#/admin/health");
    await screen.findByRole("list", { name: "Tareas sin resolver" });
    fireEvent.click(
      screen.getByRole("button", {
        name: "Reintentar: Bajar fotos de Telegram, Cliente 10452 · Ana Paz · 24 de nov de 2026, 09:00 · foto 2",
      }),
    );
    expect(await screen.findByText("Se volvió a poner en marcha 1 tarea.")).toBeInTheDocument();
    expect(api.admin.called("retryFailedWork")).toEqual([[null, null, [5]]]);
    await waitFor(() => expect(within(givenUpList()).getAllByRole("listitem")).toHaveLength(2));

    fireEvent.click(screen.getByRole("button", { name: "Descartar: Bajar fotos de Telegram, Exhibición que ya no existe · foto 1" }));
    expect(await screen.findByText("Se descartó 1 tarea.")).toBeInTheDocument();
    expect(api.admin.called("dismissFailedWork")).toEqual([[null, null, [4]]]);
    await waitFor(() => expect(within(givenUpList()).getAllByRole("listitem")).toHaveLength(1));
    expect(cells("Bajar fotos de Telegram").slice(0, 3)).toEqual(["1 (1 ya fallaron antes)", "0", "0"]);

    fireEvent.click(screen.getByRole("button", { name: "Descartar las que no tienen arreglo (1)" }));
    await waitFor(() => expect(api.admin.called("dismissFailedWork")).toHaveLength(2));
    expect(api.admin.called("dismissFailedWork")[1]).toEqual([null, null, [7]]);
    await waitFor(() => expect(screen.queryByRole("list", { name: "Tareas sin resolver" })).toBeNull());
    expect(within(table()).queryByRole("row", { name: /^Escribir veredictos en Telegram/ })).toBeNull();
  });

  it("still works with a server too old to list the given-up work", async () => {
    const tooOld = () => Promise.resolve({ status: "error" as const, error: { code: "not_found" as const, message: "HTTP 404" } });
    render(fakeApi({ session: ADMIN, admin: seed }, { givenUpWork: tooOld }), "#/admin/health");
    await screen.findByRole("table", { name: WORK });
    expect(await screen.findByRole("list", { name: "Problemas registrados" })).toBeInTheDocument();
    expect(screen.queryByRole("list", { name: "Tareas sin resolver" })).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("lists the recorded problems with what to do and the technical detail", async () => {
    render(fakeApi({ session: ADMIN, admin: seed }), "#/admin/health");
    const list = await screen.findByRole("list", { name: "Problemas registrados" });
    const [newest, older, ...rest] = within(list).getAllByRole("listitem");
    expect(rest).toHaveLength(0);
    if (!newest || !older) throw new Error("two problems expected");
    expect(newest).toHaveTextContent("Sin espacio");
    expect(newest).toHaveTextContent("24 de nov de 2026, 11:00 · Copiar fotos a Google Drive");
    expect(newest).toHaveTextContent("No queda espacio en el disco del servidor o en Google Drive.");
    const detail = within(newest).getByText("Detalle técnico").closest("details")!;
    expect(detail).not.toHaveAttribute("open");
    expect(detail).toHaveTextContent("Drive: storageQuotaExceeded");
    expect(detail).toHaveTextContent("Intento 8.");
    expect(detail).toHaveTextContent("Exhibición 0a1b2c3d-0000-4000-8000-000000000001.");
    expect(older).toHaveTextContent("Servicio sin respuesta");
  });

  it("asks for more problems only when the first page is full", async () => {
    const many = Array.from({ length: 25 }, (_, i) => errorEvent(100 - i, "timeout"));
    const api = fakeApi({ session: ADMIN, admin: { work: { events: { 1: many } } } });
    render(api, "#/admin/health");
    expect(await screen.findByText("Todo al día: no queda nada pendiente.")).toBeInTheDocument();
    await waitFor(() => expect(within(problems()).getAllByRole("listitem")).toHaveLength(20));
    fireEvent.click(screen.getByRole("button", { name: "Ver más" }));
    await waitFor(() => expect(within(problems()).getAllByRole("listitem")).toHaveLength(25));
    expect(api.admin.called("errorEvents").map((args) => args[1])).toEqual([20, 200]);
    expect(screen.queryByRole("button", { name: "Ver más" })).toBeNull();
  });

  it("with nothing pending and nothing recorded, says so", async () => {
    render(fakeApi({ session: ADMIN }), "#/admin/health");
    expect(await screen.findByText("Todo al día: no queda nada pendiente.")).toBeInTheDocument();
    expect(await screen.findByText("No hay problemas registrados.")).toBeInTheDocument();
  });

  it("reads the server again by itself while open", async () => {
    healthTiming.refreshMs = 40;
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/health");
    await screen.findByRole("table", { name: WORK });
    api.admin.work.kinds[1] = [];
    expect(await screen.findByText("Todo al día: no queda nada pendiente.")).toBeInTheDocument();
    expect(api.admin.called("backgroundWork").length).toBeGreaterThan(1);
  });

  it("follows the server's live events: work given up meanwhile appears without waiting for the next read", async () => {
    healthTiming.liveReloadMs = 5;
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/health");
    await screen.findByRole("table", { name: WORK });
    await waitFor(() => expect(api.following()).toBe(true));
    const reads = () => api.admin.called("backgroundWork").length;
    const before = reads();
    // The verdict sync gives up on an edit.
    api.admin.work.givenUp[1] = [givenUpTask(7, "edit_confirmation", { permanent: true, class: "missing_path" })];
    const edits = api.admin.work.kinds[1]?.find((k) => k.kind === "edit_confirmation");
    if (!edits) throw new Error("seeded edits expected");
    edits.failed = 1;
    edits.permanent = 1;
    // News of exhibitions is not the screen's business: it does not read again for them.
    api.live({ kind: "exhibition_created", exhibition_id: "0a1b2c3d-0000-4000-8000-000000000009" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads()).toBe(before);
    api.live({ kind: "work_changed", task_kind: "edit_confirmation" });
    const list = await screen.findByRole("list", { name: "Tareas sin resolver" });
    expect(list).toHaveTextContent("El mensaje del bot ya no está en el grupo");
    expect(cells("Escribir veredictos en Telegram")[2]).toBe("1De esas, 1 sin arreglo posible.");
    expect(reads()).toBe(before + 1);
  });

  it("no longer reads the server for live events once left", async () => {
    healthTiming.liveReloadMs = 5;
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/health");
    await screen.findByRole("table", { name: WORK });
    fireEvent.click(screen.getByRole("link", { name: "Distribuidora" }));
    await waitFor(() => expect(document.title).toBe("Distribuidora · CenterMind"));
    const reads = api.admin.called("backgroundWork").length;
    // The header's pending count still follows the stream; Estado's listener is gone.
    await waitFor(() => expect(api.following()).toBe(true));
    api.live({ kind: "work_changed", task_kind: null });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.admin.called("backgroundWork").length).toBe(reads);
  });

  it("the superadmin sees the chosen distributor's", async () => {
    const api = fakeApi({
      session: SUPERADMIN,
      admin: {
        distributors: [distributor(1, "Distribuidora Sur"), distributor(2, "Distribuidora Norte")],
        work: { kinds: { 2: [workKind("import_photo", { queued: 40 })] } },
      },
    });
    render(api, "#/admin/health");
    expect(await screen.findByText("Todo al día: no queda nada pendiente.")).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText("Distribuidora"), { target: { value: "2" } });
    await screen.findByRole("table", { name: WORK });
    expect(cells("Traer fotos del sistema anterior")[0]).toBe("40");
    expect(api.admin.called("backgroundWork").map((args) => args[0])).toEqual([1, 2]);
  });

  it("someone the server refuses sees why", async () => {
    // A supervisor never gets the section from the navigation; the server refuses it too.
    render(fakeApi({ session: SUPERVISOR }), "#/admin/health");
    expect(await screen.findByRole("heading", { name: "No tenés permiso" })).toBeInTheDocument();
  });
});
