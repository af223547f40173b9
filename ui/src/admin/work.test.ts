import { describe, expect, it } from "vitest";
import type { Work, WorkKind } from "../bindings";
import { givenUpTask, workKind as kind } from "../../tests/fakeWork";
import {
  changesWork,
  classAdvice,
  className,
  dismissedMessage,
  failedKinds,
  givenUpAdvice,
  givenUpReason,
  givenUpSubject,
  hopelessIds,
  kindName,
  retriedMessage,
  sortedKinds,
} from "./work";

const work = (kinds: WorkKind[]): Work => ({ distributor_id: 1, kinds, read_at: "2026-11-24T12:00:00Z" });

describe("Estado: names and retry answers", () => {
  it("reads the server again for news of background work and after a gap in the live events only", () => {
    expect(changesWork({ kind: "work_changed", task_kind: "store_photo" })).toBe(true);
    expect(changesWork({ kind: "work_changed", task_kind: null })).toBe(true);
    expect(changesWork({ kind: "resync" })).toBe(true);
    expect(changesWork({ kind: "connected", reconnected: true })).toBe(true);
    expect(changesWork({ kind: "connected", reconnected: false })).toBe(false);
    expect(changesWork({ kind: "exhibition_evaluated", exhibition_id: "e", status: "approved" })).toBe(false);
    expect(changesWork({ kind: "bot_status_changed", state: "lost" })).toBe(false);
  });

  it("names known kinds and classes in Spanish and shows unknown ones by their name", () => {
    expect(kindName("archive_photo")).toBe("Copiar fotos a Google Drive");
    expect(kindName("send_fax")).toBe("send_fax");
    expect(className("disk_full")).toBe("Sin espacio");
    expect(className("cosmic_ray")).toBe("cosmic_ray");
    expect(classAdvice("corrupt_file")).toContain("vuelva a mandar");
    expect(classAdvice("cosmic_ray")).toBeNull();
  });

  it("orders the kinds as the work happens, unknown ones last", () => {
    const w = work([kind("zz_new"), kind("edit_confirmation"), kind("store_photo"), kind("aa_new")]);
    expect(sortedKinds(w).map((k) => k.kind)).toEqual(["store_photo", "edit_confirmation", "aa_new", "zz_new"]);
  });

  it("offers a retry only for kinds with unresolved work", () => {
    const w = work([kind("archive_photo", { failed: 2 }), kind("store_photo", { queued: 3 }), kind("edit_confirmation", { failed: 1 })]);
    expect(failedKinds(w)).toEqual(["archive_photo", "edit_confirmation"]);
  });

  it("says what a retry did", () => {
    expect(retriedMessage({ requeued: 3, kept: 0 })).toBe("Se volvieron a poner en marcha 3 tareas.");
    expect(retriedMessage({ requeued: 1, kept: 0 })).toBe("Se volvió a poner en marcha 1 tarea.");
    expect(retriedMessage({ requeued: 1, kept: 2 })).toBe(
      "Se volvieron a poner en marcha 1 de 3 tareas; las demás ya tenían una más nueva en espera.",
    );
    expect(retriedMessage({ requeued: 0, kept: 0 })).toBe("No había tareas sin resolver.");
  });

  it("advises about the bot's message, not a photo folder, when a verdict could not be written", () => {
    expect(classAdvice("missing_path", "edit_confirmation")).toContain("mensaje del bot");
    expect(classAdvice("missing_path", "store_photo")).toContain("carpeta");
    expect(classAdvice("permission", "edit_confirmation")).toContain("agregarlo al grupo");
    // Classes with nothing specific to verdicts keep the general advice.
    expect(classAdvice("timeout", "edit_confirmation")).toBe(classAdvice("timeout"));
  });

  it("names what a given-up task was for and why it stopped", () => {
    const at = (iso: string) => `<${iso}>`;
    expect(givenUpSubject(givenUpTask(1, "store_photo", { photo_number: 3 }), at)).toBe(
      "Cliente 10452 · Ana Paz · <2026-11-24T12:00:00Z> · foto 3",
    );
    expect(givenUpSubject(givenUpTask(2, "edit_confirmation", { vendor_name: null }), at)).toBe(
      "Cliente 10452 · <2026-11-24T12:00:00Z>",
    );
    const gone = givenUpTask(3, "edit_confirmation", { customer_number: null, vendor_name: null, submitted_at: null });
    expect(givenUpSubject(gone, at)).toBe("Exhibición que ya no existe");
    expect(givenUpAdvice(gone)).toBe("La exhibición se borró después: no queda nada que hacer. Descartala.");
    expect(givenUpAdvice(givenUpTask(9, "store_photo", { class: "disk_full" }))).toBe(classAdvice("disk_full"));
    expect(givenUpAdvice(givenUpTask(10, "store_photo", { class: null }))).toBeNull();
    expect(givenUpReason(givenUpTask(4, "store_photo", { attempts: 8 }))).toBe(
      "Falló 8 veces seguidas y el servidor dejó de intentar.",
    );
    expect(givenUpReason(givenUpTask(5, "store_photo", { permanent: true }))).toContain("imposible");
    expect(hopelessIds([givenUpTask(6, "a", { permanent: true }), givenUpTask(7, "a"), givenUpTask(8, "a", { permanent: true })])).toEqual([6, 8]);
  });

  it("says what a dismissal did", () => {
    expect(dismissedMessage({ dismissed: 1 })).toBe("Se descartó 1 tarea.");
    expect(dismissedMessage({ dismissed: 4 })).toBe("Se descartaron 4 tareas.");
    expect(dismissedMessage({ dismissed: 0 })).toBe("No había tareas para descartar.");
  });
});
