import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { appHarness } from "../../../tests/app";
import { ADMIN, fail, fakeApi, ok, SUPERADMIN, SUPERVISOR } from "../../../tests/fakeApi";
import { distributor, pdvType, portalUser } from "../../../tests/fakeAdmin";

const nav = () => screen.getByRole("navigation", { name: "Navegación principal" });

describe("Administración: who gets in", () => {
  const open = appHarness();

  it("a supervisor has no Administración in the navigation", async () => {
    open(fakeApi({ session: SUPERVISOR }), "#/");
    await screen.findByRole("heading", { name: "Hola, Supervisor Sur" });
    expect(within(nav()).getByRole("link", { name: "Reportes" })).toBeInTheDocument();
    expect(within(nav()).queryByRole("link", { name: "Administración" })).toBeNull();
  });

  it("a supervisor who reaches the route is told, and nothing is asked of the server", async () => {
    const api = fakeApi({ session: SUPERVISOR });
    open(api, "#/admin/users");
    expect(await screen.findByRole("heading", { name: "No tenés permiso" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Volver al inicio" })).toBeInTheDocument();
    expect(api.admin.calls).toEqual([]);
  });

  it("an admin gets the link and lands on their distributor's settings", async () => {
    const api = fakeApi({ session: ADMIN });
    open(api, "#/");
    fireEvent.click(await within(nav()).findByRole("link", { name: "Administración" }));
    expect(await screen.findByRole("heading", { name: "Administración", level: 1 })).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Datos generales" })).toBeInTheDocument();
    const sections = screen.getByRole("navigation", { name: "Secciones de administración" });
    expect(within(sections).getAllByRole("link").map((l) => l.textContent)).toEqual([
      "Distribuidora",
      "Usuarios",
      "Grupos y miembros",
      "Tipos de PDV",
      "Pantallas TV",
      "Estado",
      "Actividad",
    ]);
    // An admin has no picker: they administer their own distributor only.
    expect(screen.queryByLabelText("Distribuidora")).toBeNull();
    expect(screen.getByText("Distribuidora Sur")).toBeInTheDocument();
  });

  it("the superadmin picks the distributor, and every section then names it", async () => {
    const api = fakeApi({
      session: SUPERADMIN,
      admin: {
        distributors: [distributor(1, "Distribuidora Sur"), distributor(2, "Distribuidora Norte", { active: false })],
        pdvTypes: [pdvType(1, "Kiosco", 0, 1), pdvType(2, "Farmacia", 0, 2)],
      },
    });
    open(api, "#/admin/pdv-types");
    expect(await screen.findByText("Kiosco")).toBeInTheDocument();
    const picker = screen.getByLabelText("Distribuidora") as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual([
      "Distribuidora Sur",
      "Distribuidora Norte (inactiva)",
    ]);
    fireEvent.change(picker, { target: { value: "2" } });
    expect(await screen.findByText("Farmacia")).toBeInTheDocument();
    expect(screen.queryByText("Kiosco")).toBeNull();
    expect(api.admin.called("listPdvTypes")).toEqual([[1], [2]]);
    // Another section keeps the choice.
    fireEvent.click(screen.getByRole("link", { name: "Usuarios" }));
    await waitFor(() => expect(api.admin.called("listUsers")).toEqual([[2]]));
  });

  it("the superadmin creates a distributor, checked before it is sent, and it becomes the one shown", async () => {
    const api = fakeApi({ session: SUPERADMIN });
    open(api, "#/admin/distributor");
    fireEvent.click(await screen.findByRole("button", { name: "Nueva distribuidora" }));
    const dialog = await screen.findByRole("dialog", { name: "Nueva distribuidora" });
    const name = within(dialog).getByLabelText("Nombre");
    expect(document.activeElement).toBe(name);
    fireEvent.input(within(dialog).getByLabelText("Token del bot"), { target: { value: "no-es-un-token" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Crear distribuidora" }));
    expect(within(dialog).getByText("Completá este campo.")).toBeInTheDocument();
    expect(within(dialog).getByText("No parece un token de @BotFather (se ve así: 123456789:AAH…).")).toBeInTheDocument();
    expect(document.activeElement).toBe(name);
    expect(api.admin.called("createDistributor")).toEqual([]);

    // A name the server already has: refused, and what was typed stays.
    fireEvent.input(name, { target: { value: "distribuidora sur" } });
    fireEvent.input(within(dialog).getByLabelText("Token del bot"), { target: { value: "" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Crear distribuidora" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Ya existe una distribuidora con ese nombre.");
    expect(name).toHaveValue("distribuidora sur");

    fireEvent.input(name, { target: { value: "Distribuidora Oeste" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Crear distribuidora" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByText("Se creó Distribuidora Oeste.")).toBeInTheDocument();
    const picker = screen.getByLabelText("Distribuidora") as HTMLSelectElement;
    expect(picker.selectedOptions[0]?.textContent).toBe("Distribuidora Oeste");
    expect(await screen.findByLabelText("Nombre")).toHaveValue("Distribuidora Oeste");
    // The focus goes back to the button that opened the dialog.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole("button", { name: "Nueva distribuidora" })));
  });

  it("an admin's home offers the administration too", async () => {
    open(fakeApi({ session: ADMIN }), "#/");
    fireEvent.click(await screen.findByRole("link", { name: "Administrar la distribuidora" }));
    expect(await screen.findByRole("heading", { name: "Datos generales" })).toBeInTheDocument();
  });

  it("a list the server cannot give is explained, and read again on Reintentar", async () => {
    let down = true;
    const api = fakeApi(
      { session: ADMIN },
      {
        listUsers: () =>
          down ? fail({ code: "unreachable", message: "connection refused" }) : ok([portalUser(3, "supervisor.sur")]),
      },
    );
    open(api, "#/admin/users");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("No se pudo conectar con el servidor. Revisá la dirección y la red.");
    expect(alert).toHaveTextContent("Detalle: connection refused");
    down = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Reintentar" }));
    expect(await screen.findByRole("rowheader", { name: "supervisor.sur" })).toBeInTheDocument();
  });

  it("a session that ended while administering goes back to the login", async () => {
    open(
      fakeApi({ session: ADMIN }, { listGroups: () => fail({ code: "unauthenticated", message: "Iniciá sesión para continuar." }) }),
      "#/admin/groups",
    );
    expect(await screen.findByRole("heading", { name: "Iniciar sesión" })).toBeInTheDocument();
  });
});
