import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { RankingEntry } from "../bindings";
import { appHarness } from "../../tests/app";
import { fakeApi, SUPERVISOR, TV_CODE } from "../../tests/fakeApi";
import { boot, session } from "../lib/session";

function entry(position: number, name: string, points: number): RankingEntry {
  return { position, points, vendor_id: position, vendor_name: name, sent: points, pending: 0, approved: points, rejected: 0, highlighted: 0 };
}

const TV = { server_url: SUPERVISOR.server_url, distributor_name: "Distribuidora Sur" };

describe("Pantalla TV (this computer as the office TV)", () => {
  const open = appHarness();

  it("is offered on the login screen and starts with the admin's code, without anyone's session", async () => {
    const api = fakeApi({ ranking: [entry(1, "Ana Paz", 9)] });
    open(api, "#/login");
    fireEvent.click(await screen.findByRole("link", { name: "Usar este equipo como pantalla TV" }));
    const code = await screen.findByLabelText("Código de la pantalla TV");
    fireEvent.input(code, { target: { value: `  ${TV_CODE}  ` } });
    fireEvent.click(screen.getByRole("button", { name: "Mostrar el ranking" }));
    expect(await screen.findByText("Ana Paz")).toBeInTheDocument();
    expect(screen.getByText("Distribuidora Sur")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Ranking de enero de 2025" })).toBeInTheDocument();
    // Full screen, no app chrome, and nobody signed in.
    expect(screen.queryByRole("navigation")).not.toBeInTheDocument();
    expect(api.fullscreen).toEqual([true]);
    expect(session()).toBeNull();
    expect(boot().kind).toBe("kiosk");
    await waitFor(() => expect(api.followedAs).toEqual(["kiosk"]));
  });

  it("makes the TV open at session start unless unticked", async () => {
    const api = fakeApi({ ranking: [entry(1, "Ana Paz", 9)] });
    open(api, "#/kiosk");
    const box = await screen.findByRole("checkbox", { name: /Abrir CenterMind al iniciar este equipo/ });
    expect(box).toBeChecked();
    fireEvent.input(screen.getByLabelText("Código de la pantalla TV"), { target: { value: TV_CODE } });
    fireEvent.click(screen.getByRole("button", { name: "Mostrar el ranking" }));
    expect(await screen.findByText("Ana Paz")).toBeInTheDocument();
    expect(api.autostart()).toBe(true);
  });

  it("leaves the start-up alone when unticked", async () => {
    const unticked = fakeApi({ ranking: [entry(1, "Ana Paz", 9)] });
    open(unticked, "#/kiosk");
    fireEvent.click(await screen.findByRole("checkbox", { name: /Abrir CenterMind al iniciar este equipo/ }));
    fireEvent.input(screen.getByLabelText("Código de la pantalla TV"), { target: { value: TV_CODE } });
    fireEvent.click(screen.getByRole("button", { name: "Mostrar el ranking" }));
    expect(await screen.findByText("Ana Paz")).toBeInTheDocument();
    expect(unticked.autostart()).toBe(false);
  });

  it("shows the board even when the system refuses the start-up entry", async () => {
    const api = fakeApi({ ranking: [entry(1, "Ana Paz", 9)], autostartFails: true });
    open(api, "#/kiosk");
    fireEvent.input(await screen.findByLabelText("Código de la pantalla TV"), { target: { value: TV_CODE } });
    fireEvent.click(screen.getByRole("button", { name: "Mostrar el ranking" }));
    expect(await screen.findByText("Ana Paz")).toBeInTheDocument();
    expect(api.autostart()).toBe(false);
  });

  it("says clearly when the code is wrong and keeps what was typed", async () => {
    open(fakeApi(), "#/kiosk");
    const code = await screen.findByLabelText("Código de la pantalla TV");
    fireEvent.input(code, { target: { value: "tv-mal-copiado" } });
    fireEvent.click(screen.getByRole("button", { name: "Mostrar el ranking" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "El servidor no reconoce ese código de pantalla TV (¿está bien copiado o fue revocado?).",
    );
    expect(code).toHaveValue("tv-mal-copiado");
  });

  it("comes back as the TV after a restart, and follows verdicts live through the TV stream", async () => {
    const api = fakeApi({ kiosk: TV, session: SUPERVISOR, ranking: [entry(1, "Ana Paz", 3)] });
    open(api, "#/");
    expect(await screen.findByText("Ana Paz")).toBeInTheDocument();
    // A remembered person's session is not restored over the TV.
    expect(session()).toBeNull();
    await waitFor(() => expect(api.followedAs).toEqual(["kiosk"]));
    api.setRanking([entry(1, "Bruno Díaz", 5), entry(2, "Ana Paz", 3)]);
    api.live({ kind: "ranking_changed" });
    await waitFor(() => expect(screen.getAllByRole("listitem")[0]).toHaveTextContent("Bruno Díaz"), { timeout: 3000 });
    expect(api.kioskReads()).toBe(2);
  });

  it("asks before leaving TV mode on Esc, and then forgets the code", async () => {
    const api = fakeApi({ kiosk: TV, ranking: [entry(1, "Ana Paz", 3)] });
    open(api, "#/kiosk");
    await screen.findByText("Ana Paz");
    fireEvent.keyDown(window, { key: "Escape" });
    const dialog = await screen.findByRole("alertdialog", { name: "¿Dejar de usar este equipo como pantalla TV?" });
    fireEvent.click(screen.getByRole("button", { name: "Cancelar" }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.kiosk()).not.toBeNull();
    fireEvent.keyDown(window, { key: "Escape" });
    fireEvent.click(await screen.findByRole("button", { name: "Dejar el modo TV" }));
    expect(await screen.findByRole("heading", { name: "Iniciar sesión" })).toBeInTheDocument();
    expect(api.kiosk()).toBeNull();
    expect(api.fullscreen[api.fullscreen.length - 1]).toBe(false);
  });

  it("goes back to asking for a code, and says why, when an admin revokes it", async () => {
    const api = fakeApi({ kiosk: TV, ranking: [entry(1, "Ana Paz", 3)] });
    open(api, "#/kiosk");
    await screen.findByText("Ana Paz");
    await waitFor(() => expect(api.following()).toBe(true));
    api.revokeTvCode();
    api.live({ kind: "signed_out" });
    expect(await screen.findByText("El código de esta pantalla fue revocado. Pedí uno nuevo a un administrador.")).toBeInTheDocument();
    expect(screen.getByLabelText("Código de la pantalla TV")).toBeInTheDocument();
    expect(boot().kind).toBe("login");
  });
});
