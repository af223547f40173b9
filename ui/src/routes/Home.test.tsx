import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { appHarness } from "../../tests/app";
import { fail, fakeApi, ok, SUPERADMIN, SUPERVISOR } from "../../tests/fakeApi";
import { distributor } from "../../tests/fakeAdmin";
import { summary } from "../../tests/fixtures";
import { WORKING_DISTRIBUTOR_KEY } from "../lib/workingDistributor";

const type = (label: string, value: string) => {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
};

async function openChangePassword() {
  fireEvent.click(await screen.findByRole("button", { name: "Cambiar mi contraseña" }));
  return screen.findByRole("dialog", { name: "Cambiar mi contraseña" });
}

describe("home", () => {
  const start = appHarness();

  it("names the user's distributor, and says the superadmin has them all", async () => {
    start(fakeApi({ session: SUPERVISOR }));
    expect(await screen.findByRole("heading", { level: 1, name: "Hola, Supervisor Sur" })).toBeInTheDocument();
    expect(screen.getByText("Distribuidora Sur")).toBeInTheDocument();
    expect(screen.queryByText(/N\.º 1/)).toBeNull();
  });

  it("falls back to the number when the server does not send the name", async () => {
    start(fakeApi({ session: { ...SUPERVISOR, user: { ...SUPERVISOR.user, distributor_name: null } } }));
    expect(await screen.findByText("N.º 1")).toBeInTheDocument();
  });

  it("the superadmin works in one distributor, chosen here, everywhere in the app", async () => {
    const api = fakeApi({
      session: SUPERADMIN,
      pending: [summary(1)],
      admin: { distributors: [distributor(3, "Distribuidora Norte"), distributor(7, "Distribuidora Oeste")] },
    });
    start(api);
    const picker = (await screen.findByLabelText("Trabajás en")) as HTMLSelectElement;
    expect(picker).toHaveAccessibleDescription(/El visor, el historial, el ranking/);
    // None chosen before on this computer: the first the server lists.
    expect(picker.value).toBe("3");
    expect(await screen.findByTestId("home-pending")).toHaveTextContent("Pendientes de revisar: 1.");
    await waitFor(() => expect(api.distributorsNamed).toContainEqual(["followEvents", 3]));
    expect(api.distributorsNamed).toContainEqual(["countExhibitions", 3]);
    expect(api.distributorsNamed.some(([, d]) => d === null)).toBe(false);

    fireEvent.change(picker, { target: { value: "7" } });
    await waitFor(() => expect(api.distributorsNamed).toContainEqual(["followEvents", 7]));
    expect(api.distributorsNamed).toContainEqual(["countExhibitions", 7]);
    expect(localStorage.getItem(WORKING_DISTRIBUTOR_KEY)).toBe("7");
    for (const [hash, command] of [
      ["#/visor", "listExhibitions"],
      ["#/ranking", "ranking"],
      ["#/reports", "reportSummary"],
    ] as const) {
      window.location.hash = hash;
      await waitFor(() => expect(api.distributorsNamed).toContainEqual([command, 7]));
    }
    expect(api.distributorsNamed.filter(([, d]) => d !== 3 && d !== 7)).toEqual([]);
  });

  it("the superadmin's choice is kept for the next session, unless that distributor is gone", async () => {
    localStorage.setItem(WORKING_DISTRIBUTOR_KEY, "7");
    const api = fakeApi({
      session: SUPERADMIN,
      admin: { distributors: [distributor(3, "Distribuidora Norte"), distributor(7, "Distribuidora Oeste")] },
    });
    start(api);
    expect(((await screen.findByLabelText("Trabajás en")) as HTMLSelectElement).value).toBe("7");
    await waitFor(() => expect(api.distributorsNamed).toContainEqual(["followEvents", 7]));
  });

  it("a supervisor names no distributor: the server knows theirs", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1)] });
    start(api);
    expect(await screen.findByTestId("home-pending")).toBeInTheDocument();
    expect(screen.queryByLabelText("Trabajás en")).toBeNull();
    await waitFor(() => expect(api.distributorsNamed).toContainEqual(["followEvents", null]));
    expect(api.distributorsNamed.every(([, d]) => d === null)).toBe(true);
  });

  it("says how many wait and since when, next to Visor too, and follows verdicts live", async () => {
    let waiting = 2;
    const api = fakeApi(
      { session: SUPERVISOR },
      {
        countExhibitions: (filter) =>
          ok({
            count: filter.status === "pending" ? waiting : -1,
            oldest_submitted_at: "2025-01-02T12:00:00Z",
            oldest_submitted_at_local: "2025-01-02 09:00",
          }),
      },
    );
    start(api);
    expect(await screen.findByText("Pendientes de revisar: 2.")).toBeInTheDocument();
    expect(screen.getByText("La más antigua espera desde el 2 de ene de 2025, 09:00.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Visor (pendientes: 2)" })).toBeInTheDocument();

    // Someone decides one: the figures follow shortly after the event.
    waiting = 1;
    await waitFor(() => expect(api.following()).toBe(true));
    api.live({ kind: "exhibition_evaluated", exhibition_id: summary(1).id, status: "approved" });
    expect(await screen.findByText("Pendientes de revisar: 1.", {}, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Visor (pendientes: 1)" })).toBeInTheDocument();

    waiting = 0;
    api.live({ kind: "exhibition_evaluated", exhibition_id: summary(2).id, status: "rejected" });
    expect(
      await screen.findByText("No hay exhibiciones pendientes: todo está revisado.", {}, { timeout: 3000 }),
    ).toBeInTheDocument();
  });
});

describe("changing one's own password", () => {
  const start = appHarness();

  it("with the current one right, it changes, closes and says the other sessions ended", async () => {
    const api = fakeApi({ session: SUPERVISOR });
    start(api);
    const dialog = await openChangePassword();
    expect(dialog).toHaveTextContent("Se cierran tus sesiones en otras computadoras");
    await waitFor(() => expect(screen.getByLabelText("Contraseña actual")).toHaveFocus());
    type("Contraseña actual", "demo-centermind");
    type("Contraseña nueva", "otra-clave-1");
    type("Repetí la contraseña nueva", "otra-clave-1");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cambiar la contraseña" }));
    expect(await screen.findByRole("status")).toHaveTextContent("tu contraseña cambió");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.passwordChanges).toEqual(["otra-clave-1"]);
    await waitFor(() => expect(screen.getByRole("button", { name: "Cambiar mi contraseña" })).toHaveFocus());
  });

  it("checks the fields before asking the server, and focuses the first problem", async () => {
    const api = fakeApi({ session: SUPERVISOR });
    start(api);
    const dialog = await openChangePassword();
    fireEvent.click(within(dialog).getByRole("button", { name: "Cambiar la contraseña" }));
    expect(await within(dialog).findByText("Escribí tu contraseña actual.")).toBeInTheDocument();
    expect(screen.getByLabelText("Contraseña actual")).toHaveFocus();

    type("Contraseña actual", "demo-centermind");
    type("Contraseña nueva", "demo-centermind");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cambiar la contraseña" }));
    expect(await within(dialog).findByText("La contraseña nueva tiene que ser distinta de la actual.")).toBeInTheDocument();
    expect(screen.getByLabelText("Contraseña nueva")).toHaveFocus();

    type("Contraseña nueva", "corta");
    expect(within(dialog).getByText(/al menos 8 caracteres/)).toBeInTheDocument();
    type("Contraseña nueva", "otra-clave-1");
    type("Repetí la contraseña nueva", "otra-clave-2");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cambiar la contraseña" }));
    expect(await within(dialog).findByText("Las contraseñas no coinciden.")).toBeInTheDocument();
    expect(screen.getByLabelText("Repetí la contraseña nueva")).toHaveFocus();
    expect(api.passwordChanges).toEqual([]);
  });

  it("a wrong current password is said at that field, which is emptied and focused; nothing changes", async () => {
    const api = fakeApi({ session: SUPERVISOR });
    start(api);
    const dialog = await openChangePassword();
    type("Contraseña actual", "adivinanza");
    type("Contraseña nueva", "otra-clave-1");
    type("Repetí la contraseña nueva", "otra-clave-1");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cambiar la contraseña" }));
    expect(await within(dialog).findByText("La contraseña actual no es correcta.")).toBeInTheDocument();
    const current = screen.getByLabelText("Contraseña actual");
    expect(current).toHaveValue("");
    await waitFor(() => expect(current).toHaveFocus());
    expect(current).toHaveAttribute("aria-invalid", "true");
    expect(api.passwordChanges).toEqual([]);
    // Typing again clears the complaint.
    type("Contraseña actual", "demo-centermind");
    expect(within(dialog).queryByText("La contraseña actual no es correcta.")).toBeNull();
    fireEvent.click(within(dialog).getByRole("button", { name: "Cambiar la contraseña" }));
    await waitFor(() => expect(api.passwordChanges).toEqual(["otra-clave-1"]));
  });

  it("too many wrong tries: the server's wait is shown and the dialog stays", async () => {
    start(
      fakeApi(
        { session: SUPERVISOR },
        {
          changePassword: () =>
            fail({ code: "too_many_attempts", message: "Demasiados intentos fallidos. Probá de nuevo en 15 minutos." }),
        },
      ),
    );
    const dialog = await openChangePassword();
    type("Contraseña actual", "demo-centermind");
    type("Contraseña nueva", "otra-clave-1");
    type("Repetí la contraseña nueva", "otra-clave-1");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cambiar la contraseña" }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("15 minutos");
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });

  it("Cancelar closes it without asking the server", async () => {
    const api = fakeApi({ session: SUPERVISOR });
    start(api);
    const dialog = await openChangePassword();
    type("Contraseña actual", "demo-centermind");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancelar" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.passwordChanges).toEqual([]);
    expect(screen.queryByRole("status")).toBeNull();
  });
});
