import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { appHarness } from "../../tests/app";
import { fail, fakeApi, SUPERADMIN, SUPERVISOR } from "../../tests/fakeApi";

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
    start(fakeApi({ session: SUPERADMIN }));
    expect(await screen.findByText("Todas (superadministrador)")).toBeInTheDocument();
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
