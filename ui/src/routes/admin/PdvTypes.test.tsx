import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { appHarness } from "../../../tests/app";
import { ADMIN, fakeApi } from "../../../tests/fakeApi";
import { pdvType } from "../../../tests/fakeAdmin";

describe("Administración › Tipos de PDV", () => {
  const render = appHarness();
  const open = () => {
    // Stored out of order: the screen shows the bot's order (position, then id).
    const api = fakeApi({
      session: ADMIN,
      admin: { pdvTypes: [pdvType(3, "Autoservicio", 2), pdvType(1, "Kiosco", 0), pdvType(2, "Almacén", 1)] },
    });
    render(api, "#/admin/pdv-types");
    return api;
  };
  const names = () =>
    within(screen.getByRole("list", { name: "Tipos de PDV en el orden del bot" }))
      .getAllByRole("listitem")
      .map((li) => li.querySelector(".pdv-name")?.textContent);

  it("lists the types in the bot's order, the ends unable to move further", async () => {
    open();
    await screen.findByText("Kiosco");
    expect(names()).toEqual(["Kiosco", "Almacén", "Autoservicio"]);
    expect(screen.getByRole("button", { name: "Subir «Kiosco»" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Bajar «Autoservicio»" })).toBeDisabled();
  });

  it("moves a type up and down, keeping the focus on it", async () => {
    const api = open();
    await screen.findByText("Kiosco");
    const up = screen.getByRole("button", { name: "Subir «Autoservicio»" });
    up.focus();
    fireEvent.click(up);
    await waitFor(() => expect(names()).toEqual(["Kiosco", "Autoservicio", "Almacén"]));
    expect(await screen.findByText("«Autoservicio» quedó en el lugar 2.")).toBeInTheDocument();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole("button", { name: "Subir «Autoservicio»" })));
    expect(api.admin.called("updatePdvType")).toEqual([
      [null, 3, { position: 1 }],
      [null, 2, { position: 2 }],
    ]);
    // At the top, the focus moves to the other button of the same type.
    fireEvent.click(screen.getByRole("button", { name: "Subir «Autoservicio»" }));
    await waitFor(() => expect(names()).toEqual(["Autoservicio", "Kiosco", "Almacén"]));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole("button", { name: "Bajar «Autoservicio»" })));
  });

  it("adds a type at the end; an empty or repeated name is refused, the text kept", async () => {
    const api = open();
    await screen.findByText("Kiosco");
    const field = screen.getByLabelText("Tipo nuevo");
    fireEvent.click(screen.getByRole("button", { name: "Agregar" }));
    expect(screen.getByText("Completá este campo.")).toBeInTheDocument();
    expect(document.activeElement).toBe(field);
    fireEvent.input(field, { target: { value: "kiosco" } });
    fireEvent.click(screen.getByRole("button", { name: "Agregar" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Ya hay un tipo de PDV con ese nombre.");
    expect(field).toHaveValue("kiosco");
    fireEvent.input(field, { target: { value: "Farmacia" } });
    fireEvent.click(screen.getByRole("button", { name: "Agregar" }));
    expect(await screen.findByText("Se agregó «Farmacia» al final.")).toBeInTheDocument();
    expect(names()).toEqual(["Kiosco", "Almacén", "Autoservicio", "Farmacia"]);
    expect(field).toHaveValue("");
    expect(api.admin.called("createPdvType")).toEqual([
      [null, "kiosco"],
      [null, "Farmacia"],
    ]);
  });

  it("renames a type and switches one off (it stays in the list, marked)", async () => {
    const api = open();
    await screen.findByText("Kiosco");
    fireEvent.click(screen.getByRole("button", { name: "Renombrar: Almacén" }));
    const dialog = await screen.findByRole("dialog", { name: "Renombrar «Almacén»" });
    fireEvent.input(within(dialog).getByLabelText("Nombre nuevo"), { target: { value: "Almacén de barrio" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    await waitFor(() => expect(names()).toEqual(["Kiosco", "Almacén de barrio", "Autoservicio"]));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole("button", { name: "Renombrar: Almacén de barrio" })));

    fireEvent.click(screen.getByRole("button", { name: "Desactivar: Kiosco" }));
    fireEvent.click(
      within(await screen.findByRole("alertdialog", { name: "¿Desactivar «Kiosco»?" })).getByRole("button", {
        name: "Desactivar",
      }),
    );
    expect(await screen.findByRole("button", { name: "Activar: Kiosco" })).toBeInTheDocument();
    expect(api.admin.called("updatePdvType")).toEqual([
      [null, 2, { name: "Almacén de barrio" }],
      [null, 1, { active: false }],
    ]);
  });
});
