import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../bindings";
import { appHarness } from "../../../tests/app";
import { distributor } from "../../../tests/fakeAdmin";
import { ADMIN, fail, fakeApi, ok, SUPERADMIN } from "../../../tests/fakeApi";
import { auditEntry } from "../../../tests/fakeAudit";

const list = () => screen.getByRole("list", { name: "Cambios registrados" });
const items = () => within(list()).getAllByRole("listitem");
const texts = () => items().map((li) => li.querySelector(".activity-text")?.textContent);
const filter = () => screen.getByLabelText("Qué cambios") as HTMLSelectElement;

const seed: AuditEntry[] = [
  auditEntry(3, "user_updated", {
    changes: [
      { field: "role", from: "viewer", to: "supervisor" },
      { field: "active", from: true, to: false },
    ],
    created_at: "2026-11-24T12:30:00Z",
  }),
  auditEntry(2, "distributor_updated", {
    actor_name: null,
    actor_id: null,
    subject: "Distribuidora Sur",
    changes: [
      { field: "hibernation.start", from: "22:00:00", to: "23:30:00" },
      { field: "bot_token_replaced", from: null, to: true },
    ],
    created_at: "2026-11-24T11:00:00Z",
  }),
  auditEntry(1, "pdv_type_created", {
    subject: "Kiosco",
    changes: [
      { field: "name", from: null, to: "Kiosco" },
      { field: "position", from: null, to: 0 },
    ],
    created_at: "2026-11-23T15:00:00Z",
  }),
  auditEntry(4, "job_updated", { distributor_id: null, subject: "backup", changes: [{ field: "active", from: true, to: false }] }),
  auditEntry(5, "group_created", { distributor_id: 2, subject: "Ventas Norte", changes: [] }),
];

/** `n` renamed users, ids 1..n. */
const many = (n: number) =>
  Array.from({ length: n }, (_, i) => auditEntry(i + 1, "user_updated", { subject: `usuario${i + 1}` }));

describe("Administración › Actividad", () => {
  const render = appHarness();

  it("is offered to admins, after Estado", async () => {
    render(fakeApi({ session: ADMIN }), "#/admin/distributor");
    const nav = await screen.findByRole("navigation", { name: "Secciones de administración" });
    const links = within(nav).getAllByRole("link").map((l) => l.textContent);
    expect(links.slice(5)).toEqual(["Estado", "Actividad"]);
  });

  it("lists the admin's distributor's changes, newest first, each as one line in the distributor's time", async () => {
    const api = fakeApi({ session: ADMIN, admin: { audit: seed } });
    render(api, "#/admin/activity");
    expect(await screen.findByRole("heading", { name: "Actividad", level: 2 })).toBeInTheDocument();
    await screen.findByRole("list", { name: "Cambios registrados" });
    expect(api.admin.called("adminHistory")).toEqual([[null, null, null, 50]]);
    expect(texts()).toEqual([
      "Ana Pérez cambió el usuario vero — Rol: Consulta → Supervisor; Activo: sí → no",
      "Consola del servidor cambió la distribuidora Distribuidora Sur — Descanso desde: 22:00 → 23:30; Token del bot: reemplazado",
      "Ana Pérez agregó el tipo de PDV «Kiosco» — Nombre: Kiosco; Posición: 0",
    ]);
    // 12:30 UTC is 9:30 in Buenos Aires.
    const time = items()[0]?.querySelector("time");
    expect(time).toHaveTextContent("24 de nov de 2026, 09:30");
    expect(time).toHaveAttribute("datetime", "2026-11-24T12:30:00Z");
    // Only the superadmin sees whose each entry is, or can ask for everything.
    expect(items()[0]).not.toHaveTextContent("·");
    expect(screen.queryByLabelText("Todas las distribuidoras y el servidor")).toBeNull();
    // The server's own actions are not offered to an admin.
    expect([...filter().options].map((o) => o.value)).not.toContain("job_updated");
  });

  it("says so when nothing was recorded yet", async () => {
    render(fakeApi({ session: ADMIN }), "#/admin/activity");
    expect(await screen.findByText("Todavía no hay cambios registrados.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Ver más" })).toBeNull();
  });

  it("explains a failed read and reads again on Reintentar", async () => {
    let down = true;
    const api = fakeApi(
      { session: ADMIN },
      {
        adminHistory: () =>
          down ? fail({ code: "unreachable", message: "connection refused" }) : ok({ events: [auditEntry(1, "user_created")], next_before: null }),
      },
    );
    render(api, "#/admin/activity");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("No se pudo conectar con el servidor.");
    down = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Reintentar" }));
    expect(await screen.findByText("Ana Pérez creó el usuario vero")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows an action a newer server records by its raw name", async () => {
    const entry = auditEntry(1, "bot_exploded", { subject: "Sur", changes: [{ field: "volume", from: 1, to: 11 }] });
    render(fakeApi({ session: ADMIN, admin: { audit: [entry] } }), "#/admin/activity");
    expect(await screen.findByText("Ana Pérez: bot_exploded Sur — volume: 1 → 11")).toBeInTheDocument();
  });

  it("filters by action, starting again from the newest", async () => {
    const api = fakeApi({ session: ADMIN, admin: { audit: [...many(60), auditEntry(100, "pdv_type_updated", { subject: "Kiosco" })] } });
    render(api, "#/admin/activity");
    fireEvent.click(await screen.findByRole("button", { name: "Ver más" }));
    await waitFor(() => expect(items()).toHaveLength(61));
    fireEvent.change(filter(), { target: { value: "pdv_type_updated" } });
    await waitFor(() => expect(texts()).toEqual(["Ana Pérez cambió el tipo de PDV «Kiosco»"]));
    expect(api.admin.called("adminHistory").slice(2)).toEqual([[null, "pdv_type_updated", null, 50]]);
    expect(screen.queryByRole("button", { name: "Ver más" })).toBeNull();
    fireEvent.change(filter(), { target: { value: "password_changed" } });
    expect(await screen.findByText("No hay cambios de este tipo.")).toBeInTheDocument();
    fireEvent.change(filter(), { target: { value: "" } });
    await waitFor(() => expect(items()).toHaveLength(50));
  });

  it("adds older entries on Ver más, keeping the focus, and moves it to the first added when there are no more", async () => {
    const api = fakeApi({ session: ADMIN, admin: { audit: many(120) } });
    render(api, "#/admin/activity");
    const more = await screen.findByRole("button", { name: "Ver más" });
    expect(items()).toHaveLength(50);
    more.focus();
    fireEvent.click(more);
    await waitFor(() => expect(items()).toHaveLength(100));
    expect(document.activeElement).toBe(more);
    expect(screen.getByRole("button", { name: "Ver más" })).toBe(more);
    fireEvent.click(more);
    await waitFor(() => expect(items()).toHaveLength(120));
    expect(screen.queryByRole("button", { name: "Ver más" })).toBeNull();
    expect(document.activeElement).toBe(items()[100]);
    expect(items()[100]).toHaveTextContent("Ana Pérez cambió el usuario usuario20");
    expect(api.admin.called("adminHistory")).toEqual([
      [null, null, null, 50],
      [null, null, 71, 50],
      [null, null, 21, 50],
    ]);
  });

  it("puts another admin's change on top as it is made, keeping the pages already read", async () => {
    const api = fakeApi({ session: ADMIN, admin: { audit: many(60) } });
    render(api, "#/admin/activity");
    fireEvent.click(await screen.findByRole("button", { name: "Ver más" }));
    await waitFor(() => expect(items()).toHaveLength(60));
    await waitFor(() => expect(api.following()).toBe(true));

    api.admin.audit.record(auditEntry(61, "pdv_type_created", { subject: "Mayorista" }));
    api.admin.audit.record(auditEntry(62, "group_updated", { subject: "Ventas Centro" }));
    api.live({ kind: "audit_recorded", distributor: 1 });
    api.live({ kind: "audit_recorded", distributor: 1 });
    await waitFor(() => expect(items()).toHaveLength(62), { timeout: 3000 });
    expect(texts().slice(0, 3)).toEqual([
      "Ana Pérez cambió el grupo «Ventas Centro»",
      "Ana Pérez agregó el tipo de PDV «Mayorista»",
      "Ana Pérez cambió el usuario usuario60",
    ]);
    expect(screen.getByText("2 cambios nuevos arriba")).toHaveAttribute("role", "status");
    // One read for the burst; the older pages are not read again.
    expect(api.admin.called("adminHistory").slice(2)).toEqual([[null, null, null, 50]]);
  });

  it("after a reconnection, reads again from the newest when more changed than a page holds", async () => {
    const api = fakeApi({ session: ADMIN, admin: { audit: many(3) } });
    render(api, "#/admin/activity");
    await waitFor(() => expect(items()).toHaveLength(3));
    await waitFor(() => expect(api.following()).toBe(true));
    for (let id = 4; id <= 60; id += 1) api.admin.audit.record(auditEntry(id, "user_updated", { subject: `usuario${id}` }));
    api.live({ kind: "connected", reconnected: true });
    await waitFor(() => expect(texts()[0]).toBe("Ana Pérez cambió el usuario usuario60"), { timeout: 3000 });
    expect(items()).toHaveLength(50);
    expect(screen.getByRole("button", { name: "Ver más" })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Ver más" }));
    await waitFor(() => expect(items()).toHaveLength(60));
    expect(new Set(texts()).size).toBe(60);
  });

  it("the superadmin reads the chosen distributor's, or everything, saying whose each entry is", async () => {
    const api = fakeApi({
      session: SUPERADMIN,
      admin: { distributors: [distributor(1, "Distribuidora Sur"), distributor(2, "Distribuidora Norte")], audit: seed },
    });
    render(api, "#/admin/activity");
    await screen.findByRole("list", { name: "Cambios registrados" });
    expect(items()).toHaveLength(3);
    expect(api.admin.called("adminHistory")).toEqual([[1, null, null, 50]]);
    expect([...filter().options].map((o) => o.value)).toContain("job_run_requested");

    fireEvent.change(screen.getByLabelText("Distribuidora"), { target: { value: "2" } });
    await waitFor(() => expect(texts()).toEqual(["Ana Pérez registró el grupo «Ventas Norte»"]));

    const everything = screen.getByLabelText("Todas las distribuidoras y el servidor");
    fireEvent.click(everything);
    await waitFor(() => expect(items()).toHaveLength(5));
    expect(api.admin.called("adminHistory").slice(-1)).toEqual([[null, null, null, 50]]);
    const whose = items().map((li) => li.querySelector(".job-detail")?.textContent?.split(" · ")[1]);
    expect(whose).toEqual(["Distribuidora Norte", "Servidor", "Distribuidora Sur", "Distribuidora Sur", "Distribuidora Sur"]);
    expect(items()[1]).toHaveTextContent("Ana Pérez cambió la tarea programada «Copia de seguridad» — Activa: sí → no");

    fireEvent.click(everything);
    await waitFor(() => expect(items()).toHaveLength(1));
    expect(api.admin.called("adminHistory").slice(-1)).toEqual([[2, null, null, 50]]);
  });

  it("the superadmin's list follows another distributor's changes only when it shows everything", async () => {
    const api = fakeApi({
      session: SUPERADMIN,
      admin: { distributors: [distributor(1, "Distribuidora Sur"), distributor(2, "Distribuidora Norte")], audit: seed },
    });
    render(api, "#/admin/activity");
    await waitFor(() => expect(items()).toHaveLength(3));
    await waitFor(() => expect(api.following()).toBe(true));

    // Distribuidora Sur on screen: Norte's change is not read for.
    api.admin.audit.record(auditEntry(6, "pdv_type_created", { distributor_id: 2, subject: "Mayorista" }));
    api.live({ kind: "audit_recorded", distributor: 2 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(api.admin.called("adminHistory")).toEqual([[1, null, null, 50]]);

    fireEvent.click(screen.getByLabelText("Todas las distribuidoras y el servidor"));
    await waitFor(() => expect(items()).toHaveLength(6));
    api.admin.audit.record(auditEntry(7, "group_updated", { distributor_id: 2, subject: "Ventas Norte" }));
    api.live({ kind: "audit_recorded", distributor: 2 });
    await waitFor(() => expect(items()).toHaveLength(7), { timeout: 3000 });
    expect(texts()[0]).toBe("Ana Pérez cambió el grupo «Ventas Norte»");
    // The service's own set-up (a scheduled job) shows only here, in everything.
    api.admin.audit.record(auditEntry(8, "job_updated", { distributor_id: null, subject: "backup", changes: [] }));
    api.live({ kind: "audit_recorded", distributor: null });
    await waitFor(() => expect(items()).toHaveLength(8), { timeout: 3000 });
  });
});
