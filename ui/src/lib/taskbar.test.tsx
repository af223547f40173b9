import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { appHarness } from "../../tests/app";
import { fakeApi, SUPERVISOR } from "../../tests/fakeApi";
import { summary } from "../../tests/fixtures";
import { DEFAULT_LOCALE, setLocale } from "../i18n";
import { windowTitle } from "./taskbar";

const last = <T,>(items: T[]): T | undefined => items[items.length - 1];

const VIEWER = { ...SUPERVISOR, user: { ...SUPERVISOR.user, id: 4, username: "consulta.sur", role: "viewer" as const } };

describe("the pending figure on the taskbar", () => {
  const start = appHarness();
  afterEach(() => setLocale(DEFAULT_LOCALE));

  it("follows arrivals and verdicts, and is cleared at sign-out", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2)] });
    start(api, "#/");
    await waitFor(() => expect(last(api.taskbar)).toEqual({ count: 2, title: "CenterMind (2)" }));
    api.arrive(summary(3));
    api.live({ kind: "exhibition_created", exhibition_id: summary(3).id });
    await waitFor(() => expect(last(api.taskbar)).toEqual({ count: 3, title: "CenterMind (3)" }), { timeout: 3000 });
    api.evaluateElsewhere(summary(1).id);
    api.live({ kind: "exhibition_evaluated", exhibition_id: summary(1).id, status: "approved" });
    await waitFor(() => expect(last(api.taskbar)).toEqual({ count: 2, title: "CenterMind (2)" }), { timeout: 3000 });
    // Told once per change: a re-read with the same figure asks the shell for nothing.
    const told = api.taskbar.length;
    api.live({ kind: "resync" });
    await new Promise((done) => setTimeout(done, 1500));
    expect(api.taskbar).toHaveLength(told);

    fireEvent.click(screen.getByRole("button", { name: "Cerrar sesión" }));
    await waitFor(() => expect(last(api.taskbar)).toEqual({ count: 0, title: "CenterMind" }));
  }, 10_000);

  it("a viewer, who reviews nothing, has no figure on the taskbar", async () => {
    const api = fakeApi({ session: VIEWER, pending: [summary(1)] });
    start(api, "#/");
    await waitFor(() => expect(api.following()).toBe(true));
    await new Promise((done) => setTimeout(done, 300));
    expect(api.taskbar).toEqual([]);
  });

  it("writes the figure as the language does, and no figure when none wait", () => {
    expect(windowTitle(0)).toBe("CenterMind");
    expect(windowTitle(1200)).toBe("CenterMind (1.200)");
    setLocale("en");
    expect(windowTitle(1200)).toBe("CenterMind (1,200)");
  });
});
