import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { appHarness } from "../../../tests/app";
import { ADMIN, fakeApi } from "../../../tests/fakeApi";
import { portalUser } from "../../../tests/fakeAdmin";

const USERS = [
  portalUser(2, "admin.sur", { display_name: "Administración Sur", role: "admin", last_login_at: "2025-01-05T12:00:00Z" }),
  portalUser(3, "supervisor.sur", { display_name: "Supervisión Sur" }),
  portalUser(4, "gerencia.sur", { display_name: "Gerencia Sur", role: "viewer", active: false }),
];

describe("Administración › Usuarios", () => {
  const render = appHarness();
  const open = () => {
    const api = fakeApi({ session: ADMIN, admin: { users: USERS.map((u) => ({ ...u })) } });
    render(api, "#/admin/users");
    return api;
  };
  const row = (username: string) => screen.getByRole("rowheader", { name: new RegExp(`^${username}`) }).closest("tr")!;

  it("lists the users with their role, state and last sign-in, the signed-in one marked", async () => {
    open();
    await screen.findByRole("table");
    expect(row("admin.sur")).toHaveTextContent("admin.sur (vos)Administración SurAdministradorActivo");
    expect(row("gerencia.sur")).toHaveTextContent("Gerencia SurConsultaInactivoNunca");
    expect(within(row("gerencia.sur")).getByRole("button", { name: "Reactivar: gerencia.sur" })).toBeInTheDocument();
  });

  it("creates a user: rules shown, checked before sending, a duplicate refused without losing what was typed", async () => {
    const api = open();
    fireEvent.click(await screen.findByRole("button", { name: "Nuevo usuario" }));
    const dialog = await screen.findByRole("dialog", { name: "Nuevo usuario" });
    expect(within(dialog).getByText("Al menos 8 caracteres.")).toBeInTheDocument();
    expect(within(dialog).getByText("De 3 a 40 letras, números o . _ - @. No se puede cambiar después.")).toBeInTheDocument();
    const field = (label: string) => within(dialog).getByLabelText(label);
    fireEvent.input(field("Usuario"), { target: { value: "so fia" } });
    fireEvent.input(field("Contraseña"), { target: { value: "corta" } });
    fireEvent.input(field("Repetí la contraseña"), { target: { value: "otra" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Crear usuario" }));
    expect(within(dialog).getByText("Entre 3 y 40 letras, números o . _ - @, sin espacios.")).toBeInTheDocument();
    expect(within(dialog).getByText("La contraseña necesita al menos 8 caracteres.")).toBeInTheDocument();
    expect(within(dialog).getByText("Las contraseñas no coinciden.")).toBeInTheDocument();
    expect(document.activeElement).toBe(field("Usuario"));
    expect(api.admin.called("createUser")).toEqual([]);

    fireEvent.input(field("Usuario"), { target: { value: "supervisor.sur" } });
    fireEvent.input(field("Nombre"), { target: { value: "Sofía Ruiz" } });
    fireEvent.change(field("Rol"), { target: { value: "viewer" } });
    expect(within(dialog).getByText("Ve el ranking y los reportes.")).toBeInTheDocument();
    fireEvent.input(field("Contraseña"), { target: { value: "secreto-123" } });
    fireEvent.input(field("Repetí la contraseña"), { target: { value: "secreto-123" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Crear usuario" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Ya existe el usuario «supervisor.sur»: elegí otro.");
    expect(field("Nombre")).toHaveValue("Sofía Ruiz");
    expect(field("Contraseña")).toHaveValue("secreto-123");

    fireEvent.input(field("Usuario"), { target: { value: "sofia" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Crear usuario" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByText("Se creó el usuario sofia.")).toBeInTheDocument();
    expect(row("sofia")).toHaveTextContent("Sofía RuizConsultaActivo");
    expect(api.admin.called("createUser")[1]).toEqual([
      null,
      { username: "sofia", display_name: "Sofía Ruiz", role: "viewer", password: "<redacted>" },
    ]);
  });

  it("nobody deactivates themself or changes their own role by accident", async () => {
    const api = open();
    await screen.findByRole("table");
    fireEvent.click(within(row("admin.sur")).getByRole("button", { name: "Desactivar: admin.sur" }));
    expect(
      await screen.findByText("No podés desactivar tu propio usuario: pedíselo a otro administrador."),
    ).toBeInTheDocument();
    expect(screen.queryByRole("alertdialog")).toBeNull();

    fireEvent.click(within(row("admin.sur")).getByRole("button", { name: "Editar: admin.sur" }));
    const dialog = await screen.findByRole("dialog", { name: "Editar a Administración Sur" });
    expect(within(dialog).getByLabelText("Rol")).toBeDisabled();
    expect(within(dialog).getByText("No podés cambiar tu propio rol: pedíselo a otro administrador.")).toBeInTheDocument();
    fireEvent.input(within(dialog).getByLabelText("Nombre"), { target: { value: "Ana Admin" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.admin.called("updateUser")).toEqual([[2, { display_name: "Ana Admin" }]]);
  });

  it("deactivating another user asks first, says it ends their sessions, and gives the focus back", async () => {
    const api = open();
    await screen.findByRole("table");
    const button = within(row("supervisor.sur")).getByRole("button", { name: "Desactivar: supervisor.sur" });
    button.focus();
    fireEvent.click(button);
    const question = await screen.findByRole("alertdialog", { name: "¿Desactivar a Supervisión Sur?" });
    expect(question).toHaveAccessibleDescription(
      "No va a poder ingresar y se cierran ahora sus sesiones abiertas. Podés reactivarlo cuando quieras.",
    );
    fireEvent.keyDown(question, { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(api.admin.called("updateUser")).toEqual([]);
    await waitFor(() => expect(document.activeElement).toBe(button));

    fireEvent.click(button);
    fireEvent.click(
      within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Desactivar" }),
    );
    expect(await screen.findByText("Supervisión Sur quedó desactivado y sus sesiones se cerraron.")).toBeInTheDocument();
    expect(row("supervisor.sur")).toHaveTextContent("Inactivo");
    expect(api.admin.called("updateUser")).toEqual([[3, { active: false }]]);
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(row("supervisor.sur")).getByRole("button", { name: "Reactivar: supervisor.sur" }),
      ),
    );
  });

  it("changes another user's role, and a password after saying their sessions end", async () => {
    const api = open();
    await screen.findByRole("table");
    fireEvent.click(within(row("supervisor.sur")).getByRole("button", { name: "Editar: supervisor.sur" }));
    const edit = await screen.findByRole("dialog", { name: "Editar a Supervisión Sur" });
    fireEvent.change(within(edit).getByLabelText("Rol"), { target: { value: "admin" } });
    fireEvent.click(within(edit).getByRole("button", { name: "Guardar" }));
    await waitFor(() => expect(row("supervisor.sur")).toHaveTextContent("Administrador"));

    fireEvent.click(within(row("supervisor.sur")).getByRole("button", { name: "Cambiar contraseña: supervisor.sur" }));
    const pw = await screen.findByRole("dialog", { name: "Contraseña nueva para Supervisión Sur" });
    expect(pw).toHaveAccessibleDescription(
      "Se cierran las sesiones abiertas de Supervisión Sur: va a ingresar con la contraseña nueva.",
    );
    fireEvent.input(within(pw).getByLabelText("Contraseña"), { target: { value: "nueva-clave-1" } });
    fireEvent.input(within(pw).getByLabelText("Repetí la contraseña"), { target: { value: "nueva-clave-1" } });
    fireEvent.click(within(pw).getByRole("button", { name: "Cambiar contraseña" }));
    expect(await screen.findByText("Contraseña cambiada: se cerraron las sesiones de Supervisión Sur.")).toBeInTheDocument();
    expect(api.admin.called("updateUser")).toEqual([
      [3, { role: "admin" }],
      [3, { password: "<redacted>" }],
    ]);
  });

  it("a new password for oneself ends this session too: back to the login", async () => {
    const api = open();
    await screen.findByRole("table");
    fireEvent.click(within(row("admin.sur")).getByRole("button", { name: "Cambiar contraseña: admin.sur" }));
    const pw = await screen.findByRole("dialog", { name: "Contraseña nueva para Administración Sur" });
    expect(pw).toHaveAccessibleDescription(
      "Es tu usuario: se cierran tus sesiones y vas a volver a ingresar con la contraseña nueva.",
    );
    fireEvent.input(within(pw).getByLabelText("Contraseña"), { target: { value: "mi-clave-nueva" } });
    fireEvent.input(within(pw).getByLabelText("Repetí la contraseña"), { target: { value: "mi-clave-nueva" } });
    fireEvent.click(within(pw).getByRole("button", { name: "Cambiar contraseña" }));
    expect(await screen.findByRole("heading", { name: "Iniciar sesión" })).toBeInTheDocument();
    expect(api.admin.called("updateUser")).toEqual([[2, { password: "<redacted>" }]]);
  });
});
