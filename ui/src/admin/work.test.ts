import { describe, expect, it } from "vitest";
import type { Work, WorkKind } from "../bindings";
import { workKind as kind } from "../../tests/fakeWork";
import { classAdvice, className, failedKinds, kindName, retriedMessage, sortedKinds } from "./work";

const work = (kinds: WorkKind[]): Work => ({ distributor_id: 1, kinds, read_at: "2026-11-24T12:00:00Z" });

describe("Estado: names and retry answers", () => {
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
});
