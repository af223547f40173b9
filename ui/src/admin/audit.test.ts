import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry, FieldChange } from "../bindings";
import { auditEntry } from "../../tests/fakeAudit";
import { catalogues, DEFAULT_LOCALE, LOCALES, setLocale } from "../i18n";
import { lookup } from "../i18n/translator";
import {
  ACTION_GROUPS,
  actionGroups,
  actionOption,
  AUDIT_ACTIONS,
  AUDIT_FIELDS,
  auditLine,
  describeChange,
  entrySummary,
  fieldLabel,
  formatValue,
  isCreation,
  subjectName,
} from "./audit";

afterEach(() => setLocale(DEFAULT_LOCALE));

const change = (field: string, from: FieldChange["from"], to: FieldChange["to"]): FieldChange => ({ field, from, to });
const line = (entry: AuditEntry, names?: (id: number) => string | undefined) =>
  auditLine(entry, { at: (iso, id) => `${iso}@${id ?? "server"}`, distributorName: names });

describe("Actividad: the wording of each recorded change", () => {
  it("knows the 17 actions the server records, each once, and words each in every language", () => {
    expect(AUDIT_ACTIONS).toHaveLength(17);
    expect(new Set(AUDIT_ACTIONS).size).toBe(17);
    for (const locale of LOCALES) {
      for (const action of AUDIT_ACTIONS) {
        const phrase = lookup(catalogues[locale], `admin.activity.actions.${action}`);
        expect(phrase, `${locale}: ${action}`).toMatch(/\{actor\}/);
        expect(phrase, `${locale}: ${action}`).toMatch(/\{subject\}/);
        expect(lookup(catalogues[locale], `admin.activity.options.${action}`), `${locale}: ${action}`).toBeTruthy();
      }
      for (const field of AUDIT_FIELDS) {
        expect(lookup(catalogues[locale], `admin.activity.fields.${field}`), `${locale}: ${field}`).toBeTruthy();
      }
    }
  });

  it("offers the server's actions to the superadmin only", () => {
    const offered = (superadmin: boolean) => actionGroups(superadmin).flatMap((g) => [...g.actions]);
    expect(offered(true)).toEqual([...AUDIT_ACTIONS]);
    expect(offered(false)).not.toContain("job_updated");
    expect(offered(false)).not.toContain("job_run_requested");
    expect(offered(false)).toContain("user_updated");
    expect(ACTION_GROUPS.map((g) => g.label)).toContain("admin.nav.users");
    expect(actionOption("user_updated")).toBe("Usuario cambiado");
    expect(actionOption("bot_exploded")).toBe("bot_exploded");
  });

  it("says who did what to which thing", () => {
    expect(entrySummary(auditEntry(1, "user_updated"))).toBe("Ana Pérez cambió el usuario vero");
    expect(entrySummary(auditEntry(1, "group_created", { subject: "Ventas Sur" }))).toBe(
      "Ana Pérez registró el grupo «Ventas Sur»",
    );
    expect(entrySummary(auditEntry(1, "password_changed", { actor_name: null }))).toBe(
      "Consola del servidor cambió la contraseña de vero",
    );
    setLocale("en");
    expect(entrySummary(auditEntry(1, "user_updated"))).toBe("Ana Pérez changed the user vero");
    expect(entrySummary(auditEntry(1, "user_updated", { actor_name: null }))).toBe("Server console changed the user vero");
  });

  it("names jobs and kinds of work by their names, and an empty kind as every kind", () => {
    expect(subjectName(auditEntry(1, "job_run_requested", { subject: "backup" }))).toBe("Copia de seguridad");
    expect(subjectName(auditEntry(1, "job_updated", { subject: "defrag" }))).toBe("defrag");
    expect(subjectName(auditEntry(1, "work_retried", { subject: "archive_photo" }))).toBe("Copiar fotos a Google Drive");
    expect(subjectName(auditEntry(1, "work_dismissed", { subject: "" }))).toBe("de todo tipo");
    expect(subjectName(auditEntry(1, "work_retried", { subject: "send_fax" }))).toBe("send_fax");
    expect(entrySummary(auditEntry(1, "job_run_requested", { subject: "daily_summary" }))).toBe(
      "Ana Pérez pidió ejecutar ahora «Resumen diario»",
    );
  });

  it("shows an action from a newer server by its raw name", () => {
    expect(entrySummary(auditEntry(1, "bot_exploded", { subject: "Sur" }))).toBe("Ana Pérez: bot_exploded Sur");
    expect(entrySummary(auditEntry(1, "bot_exploded", { subject: "" }))).toBe("Ana Pérez: bot_exploded");
    const l = line(auditEntry(1, "bot_exploded", { subject: "", changes: [change("volume", 1, 11)] }));
    expect(l.text).toBe("Ana Pérez: bot_exploded — volume: 1 → 11");
  });

  it("names fields, nested ones too, and shows unknown ones by their raw name", () => {
    expect(fieldLabel("role")).toBe("Rol");
    expect(fieldLabel("hibernation.start")).toBe("Descanso desde");
    expect(fieldLabel("scoring.highlighted")).toBe("Puntos por exhibición destacada");
    expect(fieldLabel("hibernation")).toBe("hibernation");
    expect(fieldLabel("favourite_colour")).toBe("favourite_colour");
    setLocale("en");
    expect(fieldLabel("hibernation.end")).toBe("Rest until");
  });

  it("makes a field's name agree with whose it is", () => {
    expect(fieldLabel("active", "user_updated")).toBe("Activo");
    expect(fieldLabel("active", "pdv_type_created")).toBe("Activo");
    expect(fieldLabel("active", "distributor_updated")).toBe("Activa");
    expect(fieldLabel("active", "job_updated")).toBe("Activa");
    expect(line(auditEntry(1, "distributor_updated", { subject: "Sur", changes: [change("active", true, false)] })).text).toBe(
      "Ana Pérez cambió la distribuidora Sur — Activa: sí → no",
    );
    setLocale("en");
    expect(fieldLabel("active", "distributor_updated")).toBe("Active");
  });

  it("writes values as people read them", () => {
    expect(formatValue("user_updated", "active", true)).toBe("sí");
    expect(formatValue("user_updated", "active", false)).toBe("no");
    expect(formatValue("user_updated", "display_name", null)).toBe("—");
    expect(formatValue("user_updated", "display_name", "")).toBe("—");
    expect(formatValue("distributor_updated", "hibernation.start", "23:30:00")).toBe("23:30");
    expect(formatValue("distributor_updated", "hibernation.end", "06:00:00.000")).toBe("06:00");
    expect(formatValue("distributor_updated", "hibernation.end", "06:00")).toBe("06:00");
    expect(formatValue("distributor_updated", "name", "Distribuidora Sur")).toBe("Distribuidora Sur");
    // Ids as they are; counts with the language's separators.
    expect(formatValue("group_created", "chat_id", -1001234567890)).toBe("-1001234567890");
    expect(formatValue("member_updated", "telegram_user_id", 123456789)).toBe("123456789");
    expect(formatValue("legacy_imported", "exhibitions_imported", 12345)).toBe("12.345");
    expect(formatValue("distributor_updated", "photo_storage", "google_drive")).toBe("En el servidor y en Google Drive");
    expect(formatValue("distributor_updated", "photo_storage", "dropbox")).toBe("dropbox");
    expect(formatValue("job_updated", "schedule", "daily 03:00")).toBe("todos los días a las 03:00");
    expect(formatValue("job_updated", "schedule", "daily 01:30")).toBe("todos los días a la 01:30");
    expect(formatValue("job_updated", "schedule", "every 15m")).toBe("cada 15 minutos");
    expect(formatValue("job_updated", "schedule", "weekly mon")).toBe("weekly mon");
    expect(formatValue("x_updated", "odd", [1, "a"])).toBe('[1,"a"]');
    expect(formatValue("x_updated", "odd", { a: 1 })).toBe('{"a":1}');
    setLocale("en");
    expect(formatValue("user_updated", "active", true)).toBe("yes");
  });

  it("names a user's roles and a member's roles each their own way", () => {
    expect(formatValue("user_updated", "role", "viewer")).toBe("Consulta");
    expect(formatValue("user_created", "role", "supervisor")).toBe("Supervisor");
    expect(formatValue("member_updated", "role", "vendor")).toBe("Vendedor");
    expect(formatValue("member_updated", "role", "admin")).toBe("Administrador");
    // A role this app does not know, or one of the other kind: as it is.
    expect(formatValue("member_updated", "role", "viewer")).toBe("viewer");
    expect(formatValue("user_updated", "role", "owner")).toBe("owner");
  });

  it("shows a change as before → after", () => {
    expect(describeChange("user_updated", change("role", "viewer", "supervisor"))).toBe("Rol: Consulta → Supervisor");
    expect(describeChange("distributor_updated", change("drive_folder_id", null, "1AbC"))).toBe(
      "Carpeta de Google Drive: — → 1AbC",
    );
    expect(describeChange("distributor_updated", change("bot_token_replaced", null, true))).toBe("Token del bot: reemplazado");
  });

  it("shows what something new is, without a before, and leaves out what it left empty", () => {
    expect(isCreation("user_created")).toBe(true);
    expect(isCreation("work_retried")).toBe(true);
    expect(isCreation("legacy_imported")).toBe(true);
    expect(isCreation("user_updated")).toBe(false);
    const created = line(
      auditEntry(5, "user_created", {
        changes: [
          change("username", null, "vero"),
          change("display_name", null, "Verónica"),
          change("role", null, "supervisor"),
          change("active", null, true),
          change("last_name", null, null),
        ],
      }),
    );
    expect(created.changes).toEqual(["Usuario: vero", "Nombre: Verónica", "Rol: Supervisor", "Activo: sí"]);
    expect(created.text).not.toContain("→");
    expect(line(auditEntry(6, "work_retried", { subject: "", changes: [change("tasks", null, 3)] })).text).toBe(
      "Ana Pérez reintentó tareas sin resolver: de todo tipo — Tareas: 3",
    );
  });

  it("turns an entry into one line, with its time and, when asked, whose it is", () => {
    const entry = auditEntry(9, "user_updated", {
      changes: [change("role", "viewer", "supervisor"), change("active", true, false)],
    });
    const l = line(entry);
    expect(l).toEqual({
      id: 9,
      summary: "Ana Pérez cambió el usuario vero",
      changes: ["Rol: Consulta → Supervisor", "Activo: sí → no"],
      text: "Ana Pérez cambió el usuario vero — Rol: Consulta → Supervisor; Activo: sí → no",
      when: "2026-11-24T12:00:00Z@1",
      at: "2026-11-24T12:00:00Z",
      where: null,
    });
    const names = (id: number) => (id === 1 ? "Distribuidora Sur" : undefined);
    expect(line(entry, names).where).toBe("Distribuidora Sur");
    expect(line(auditEntry(10, "job_updated", { distributor_id: null, subject: "backup" }), names)).toMatchObject({
      where: "Servidor",
      when: "2026-11-24T12:00:00Z@server",
    });
    expect(line(auditEntry(11, "user_updated", { distributor_id: 7 }), names).where).toBe("#7");
    // No changes (a password, a TV token, a run asked for): the summary alone.
    expect(line(auditEntry(12, "tv_token_revoked", { subject: "TV del salón" })).text).toBe(
      "Ana Pérez revocó el token de TV «TV del salón»",
    );
  });

  it("follows the language", () => {
    setLocale("en");
    const l = line(auditEntry(9, "member_updated", { subject: "Juan", changes: [change("role", "vendor", "supervisor")] }));
    expect(l.text).toBe("Ana Pérez changed the member Juan — Role: Vendor → Supervisor");
  });
});
