import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { appHarness } from "../../tests/app";
import { fakeApi, SUPERVISOR } from "../../tests/fakeApi";
import { summary } from "../../tests/fixtures";
import { setLocale } from "../i18n";
import { NOTICE_GATHER_MS, noticeText, NOTICES_STORAGE_KEY, setNoticesEnabled } from "./notices";

const VIEWER = { ...SUPERVISOR, user: { ...SUPERVISOR.user, id: 4, username: "consulta.sur", role: "viewer" as const } };

/** Longer than a burst's gathering, for "nothing came of it". */
const pause = () => new Promise((done) => setTimeout(done, NOTICE_GATHER_MS + 400));

describe("notices of new exhibitions", () => {
  const start = appHarness();
  afterEach(() => {
    setNoticesEnabled(true);
    localStorage.removeItem(NOTICES_STORAGE_KEY);
  });

  it("tells a burst of new exhibitions in one notice, with how many wait", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2)] });
    start(api, "#/");
    await waitFor(() => expect(api.following()).toBe(true));
    for (const n of [3, 4, 5]) {
      api.arrive(summary(n));
      api.live({ kind: "exhibition_created", exhibition_id: summary(n).id });
    }
    await waitFor(() => expect(api.notices).toHaveLength(1), { timeout: NOTICE_GATHER_MS + 2000 });
    expect(api.notices[0]).toEqual({
      title: "Llegaron 3 exhibiciones nuevas",
      body: "Pendientes de revisar: 5.",
      openLabel: "Abrir el visor",
    });

    // A verdict is no news; the next arrival is a notice of its own, in the singular.
    api.live({ kind: "exhibition_evaluated", exhibition_id: summary(1).id, status: "approved" });
    await pause();
    expect(api.notices).toHaveLength(1);
    api.arrive(summary(6));
    api.live({ kind: "exhibition_created", exhibition_id: summary(6).id });
    await waitFor(() => expect(api.notices).toHaveLength(2), { timeout: NOTICE_GATHER_MS + 2000 });
    expect(api.notices[1]?.title).toBe("Llegó una exhibición nueva");
  }, 15_000);

  it("a click on the notice opens the visor, wherever the app was", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1)] });
    start(api, "#/reports");
    await waitFor(() => expect(api.following()).toBe(true));
    api.arrive(summary(2));
    api.live({ kind: "exhibition_created", exhibition_id: summary(2).id });
    await waitFor(() => expect(api.notices).toHaveLength(1), { timeout: NOTICE_GATHER_MS + 2000 });
    expect(api.notices[0]?.openLabel).toBe("Abrir el visor");
    expect(location.hash).toBe("#/reports");
    api.clickNotice();
    await waitFor(() => expect(location.hash).toBe("#/visor"));
    expect(await screen.findByRole("heading", { level: 1, name: /Visor/ })).toBeInTheDocument();
  }, 10_000);

  it("turned off in Acerca de, asks for none, and this computer keeps the choice", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1)] });
    start(api, "#/about");
    const box = await screen.findByRole("checkbox", { name: "Avisarme cuando llegan exhibiciones nuevas" });
    expect(box).toBeChecked();
    expect(box).toHaveAccessibleDescription(/cuando CenterMind no está al frente/);
    fireEvent.click(box);
    expect(box).not.toBeChecked();
    expect(localStorage.getItem(NOTICES_STORAGE_KEY)).toBe("off");
    await waitFor(() => expect(api.following()).toBe(true));
    api.live({ kind: "exhibition_created", exhibition_id: summary(2).id });
    await pause();
    expect(api.notices).toEqual([]);
  });

  it("a viewer, who gives no verdicts, gets none and has no such choice", async () => {
    const api = fakeApi({ session: VIEWER, pending: [summary(1)] });
    start(api, "#/about");
    expect(await screen.findByRole("heading", { level: 2, name: "Actualizaciones" })).toBeInTheDocument();
    expect(screen.queryByRole("checkbox", { name: "Avisarme cuando llegan exhibiciones nuevas" })).toBeNull();
    await waitFor(() => expect(api.following()).toBe(true));
    api.live({ kind: "exhibition_created", exhibition_id: summary(2).id });
    await pause();
    expect(api.notices).toEqual([]);
  });

  it("words the notice in the language chosen, without a figure it does not know", () => {
    expect(noticeText(1, null)).toEqual({ title: "Llegó una exhibición nueva", body: "Están en el visor de CenterMind." });
    expect(noticeText(1200, 0).title).toBe("Llegaron 1.200 exhibiciones nuevas");
    setLocale("en");
    expect(noticeText(2, 7)).toEqual({ title: "2 new exhibitions arrived", body: "Waiting for review: 7." });
  });
});
