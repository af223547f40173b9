import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { appHarness } from "../../tests/app";
import { fakeApi, SUPERVISOR } from "../../tests/fakeApi";
import { setLocale } from "../i18n";
import { pageZoom, setPageZoom, stepZoom, ZOOM_LEVELS, ZOOM_STORAGE_KEY, zoomActionForKey } from "./pageZoom";

describe("page zoom keys", () => {
  it("Ctrl (or Cmd) with +, =, − or 0 zoom; the numeric keypad too; without Ctrl, or with Alt, nothing", () => {
    expect(zoomActionForKey({ key: "=", ctrlKey: true })).toBe("in");
    expect(zoomActionForKey({ key: "+", ctrlKey: true })).toBe("in");
    expect(zoomActionForKey({ key: "=", metaKey: true })).toBe("in");
    expect(zoomActionForKey({ key: "-", ctrlKey: true })).toBe("out");
    expect(zoomActionForKey({ key: "0", ctrlKey: true })).toBe("reset");
    expect(zoomActionForKey({ key: "+", code: "NumpadAdd", ctrlKey: true })).toBe("in");
    expect(zoomActionForKey({ key: "Subtract", code: "NumpadSubtract", ctrlKey: true })).toBe("out");
    expect(zoomActionForKey({ key: "Insert", code: "Numpad0", ctrlKey: true })).toBe("reset");
    expect(zoomActionForKey({ key: "+" })).toBeNull();
    expect(zoomActionForKey({ key: "0" })).toBeNull();
    expect(zoomActionForKey({ key: "=", ctrlKey: true, altKey: true })).toBeNull();
    expect(zoomActionForKey({ key: "a", ctrlKey: true })).toBeNull();
  });

  it("steps through the levels and stops at both ends", () => {
    expect(stepZoom(1, 1)).toBe(1.1);
    expect(stepZoom(1.1, 1)).toBe(1.25);
    expect(stepZoom(1, -1)).toBe(0.9);
    expect(stepZoom(ZOOM_LEVELS[0], -1)).toBe(ZOOM_LEVELS[0]);
    expect(stepZoom(2, 1)).toBe(2);
  });
});

describe("page zoom", () => {
  const start = appHarness();
  afterEach(async () => {
    await setPageZoom(1);
    localStorage.removeItem(ZOOM_STORAGE_KEY);
  });

  it("Ctrl + and Ctrl − zoom the page on any screen, the footer says how much, Ctrl 0 goes back; kept on this computer", async () => {
    const api = fakeApi({ session: SUPERVISOR });
    start(api, "#/");
    await screen.findByRole("heading", { name: /Hola/ });
    const size = screen.getByRole("group", { name: "Tamaño del texto" });
    expect(size).toHaveTextContent("100 %");

    fireEvent.keyDown(window, { key: "=", ctrlKey: true });
    fireEvent.keyDown(window, { key: "+", ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(api.pageZoom).toEqual([1.1, 1.25]));
    expect(size).toHaveTextContent("125 %");
    expect(localStorage.getItem(ZOOM_STORAGE_KEY)).toBe("1.25");

    // In a text field too: Ctrl + types nothing there.
    const field = document.createElement("input");
    document.body.append(field);
    field.focus();
    fireEvent.keyDown(field, { key: "-", ctrlKey: true });
    await waitFor(() => expect(api.pageZoom[api.pageZoom.length - 1]).toBe(1.1));
    field.remove();

    fireEvent.keyDown(window, { key: "0", ctrlKey: true });
    await waitFor(() => expect(api.pageZoom[api.pageZoom.length - 1]).toBe(1));
    expect(size).toHaveTextContent("100 %");
    expect(localStorage.getItem(ZOOM_STORAGE_KEY)).toBe("1");
  });

  it("the footer's buttons zoom too, and each end disables its button", async () => {
    const api = fakeApi({ session: SUPERVISOR });
    start(api, "#/");
    const larger = await screen.findByRole("button", { name: "Agrandar" });
    const smaller = screen.getByRole("button", { name: "Achicar" });
    const reset = screen.getByRole("button", { name: "100 %" });
    expect(reset).toBeDisabled();
    fireEvent.click(larger);
    await waitFor(() => expect(api.pageZoom).toEqual([1.1]));
    expect(screen.getByRole("button", { name: "110 %" })).toBeEnabled();

    for (let i = 0; i < ZOOM_LEVELS.length; i++) fireEvent.click(larger);
    await waitFor(() => expect(pageZoom()).toBe(2));
    expect(larger).toBeDisabled();
    fireEvent.click(screen.getByRole("button", { name: "200 %" }));
    await waitFor(() => expect(pageZoom()).toBe(1));
    for (let i = 0; i < ZOOM_LEVELS.length; i++) fireEvent.click(smaller);
    await waitFor(() => expect(pageZoom()).toBe(ZOOM_LEVELS[0]));
    expect(smaller).toBeDisabled();
  });

  it("speaks English when the app does", async () => {
    setLocale("en");
    const api = fakeApi({ session: SUPERVISOR });
    start(api, "#/");
    expect(await screen.findByRole("group", { name: "Text size" })).toHaveTextContent("100%");
    expect(screen.getByRole("button", { name: "Larger" })).toBeInTheDocument();
  });
});

describe("page zoom at start", () => {
  afterEach(() => {
    localStorage.removeItem(ZOOM_STORAGE_KEY);
    vi.resetModules();
  });

  it("applies the zoom kept on this computer when the app starts; anything else stored counts as 100 %", async () => {
    localStorage.setItem(ZOOM_STORAGE_KEY, "1.5");
    vi.resetModules();
    const fresh = await import("./pageZoom");
    const { setApi } = await import("./api");
    const api = fakeApi({ session: SUPERVISOR });
    setApi(api);
    expect(fresh.pageZoom()).toBe(1.5);
    const stop = fresh.installPageZoom();
    await waitFor(() => expect(api.pageZoom).toEqual([1.5]));
    stop();

    localStorage.setItem(ZOOM_STORAGE_KEY, "7");
    vi.resetModules();
    expect((await import("./pageZoom")).pageZoom()).toBe(1);
  });
});
