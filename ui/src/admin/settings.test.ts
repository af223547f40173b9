import { describe, expect, it } from "vitest";
import { distributor } from "../../tests/fakeAdmin";
import { formFrom, settingsChanges, settingsProblems } from "./settings";

describe("the distributor settings form", () => {
  const d = distributor(1, "Distribuidora Sur");

  it("an untouched form sends nothing, and an admin never sends the name", () => {
    const form = formFrom(d);
    expect(settingsChanges(d, form, false)).toEqual({});
    expect(settingsChanges(d, { ...form, name: "Otra" }, false)).toEqual({});
    expect(settingsChanges(d, { ...form, name: " Otra " }, true)).toEqual({ name: "Otra" });
  });

  it("sends only what changed, with numbers as numbers", () => {
    const form = {
      ...formFrom(d),
      points_approved: "3",
      hibernation_start: "23:30",
      photo_storage: "google_drive" as const,
      drive_folder_id: " carpeta ",
    };
    expect(settingsChanges(d, form, false)).toEqual({
      points_approved: 3,
      hibernation_start: "23:30",
      photo_storage: "google_drive",
      drive_folder_id: "carpeta",
    });
  });

  it("the alerts recipient: emptied is sent as null (removed), untouched is not sent, a new one is a number", () => {
    const form = formFrom(d);
    expect(form.admin_telegram_id).toBe("123456789");
    expect(settingsProblems({ ...form, admin_telegram_id: " " }, false).admin_telegram_id).toBeNull();
    expect(settingsChanges(d, { ...form, admin_telegram_id: " " }, false)).toEqual({ admin_telegram_id: null });
    expect(settingsChanges(d, { ...form, admin_telegram_id: " 123456789 " }, false)).toEqual({});
    expect(settingsChanges(d, { ...form, admin_telegram_id: "987654321" }, false)).toEqual({ admin_telegram_id: 987654321 });
    // Nobody before and nobody now: nothing to send.
    const nobody = distributor(1, "Distribuidora Sur", { admin_telegram_id: null });
    expect(settingsChanges(nobody, formFrom(nobody), false)).toEqual({});
    expect(formFrom(nobody).admin_telegram_id).toBe("");
  });

  it("explains what is wrong, field by field", () => {
    const problems = settingsProblems(
      {
        ...formFrom(d),
        admin_telegram_id: "12a",
        hibernation_end: "22:00",
        points_highlighted: "2000",
        photo_storage: "google_drive",
      },
      false,
    );
    expect(problems).toEqual({
      name: null,
      admin_telegram_id: "Solo dígitos: el número de usuario de Telegram (por ejemplo 123456789).",
      hibernation_start: null,
      hibernation_end: "El horario no puede empezar y terminar a la misma hora.",
      points_approved: null,
      points_highlighted: "Un número entero de 0 a 1000.",
      drive_folder_id: "Para copiar a Google Drive, escribí el id de la carpeta.",
    });
  });
});
