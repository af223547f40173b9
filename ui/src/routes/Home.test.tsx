import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { appHarness } from "../../tests/app";
import { fail, fakeApi, ok, SUPERADMIN, SUPERVISOR } from "../../tests/fakeApi";
import { summary } from "../../tests/fixtures";

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

  it("the superadmin sees all distributors", async () => {
    let counted = 0;
    start(
      fakeApi(
        { session: SUPERADMIN },
        {
          countExhibitions: () => {
            counted += 1;
            return ok({ count: 1, oldest_submitted_at: null, oldest_submitted_at_local: null });
          },
        },
      ),
    );
    expect(await screen.findByText("Todas (superadministrador)")).toBeInTheDocument();
    // Pending of which distributor? None is asked for.
    expect(screen.queryByTestId("home-pending")).toBeNull();
    expect(counted).toBe(0);
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
