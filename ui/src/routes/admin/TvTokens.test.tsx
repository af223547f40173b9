import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { appHarness } from "../../../tests/app";
import { ADMIN, fakeApi } from "../../../tests/fakeApi";

describe("Administración › Pantallas TV", () => {
  const render = appHarness();
  const seed = {
    tvTokens: [
      {
        id: 7,
        distributor_id: 1,
        label: "TV del salón",
        created_at: "2025-01-02T12:00:00Z",
        last_used_at: "2025-01-03T12:00:00Z",
        revoked_at: null,
      },
    ],
  };

  it("creates a token and shows it once, with a copy button and the warning", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/tv");
    await screen.findByRole("rowheader", { name: "TV del salón" });
    fireEvent.click(screen.getByRole("button", { name: "Crear token" }));
    expect(screen.getByText("Completá este campo.")).toBeInTheDocument();
    fireEvent.input(screen.getByLabelText("Dónde está la TV"), { target: { value: "TV de la entrada" } });
    fireEvent.click(screen.getByRole("button", { name: "Crear token" }));

    const dialog = await screen.findByRole("dialog", { name: "Token de «TV de la entrada»" });
    expect(dialog).toHaveAccessibleDescription(
      "Copialo ahora: no se va a volver a mostrar. Si lo perdés, revocalo y creá otro.",
    );
    const token = within(dialog).getByLabelText("Token") as HTMLInputElement;
    expect(token.value).toMatch(/^tv-secret-/);
    expect(token).toHaveAttribute("readonly");
    const copy = within(dialog).getByRole("button", { name: "Copiar" });
    expect(document.activeElement).toBe(copy);
    fireEvent.click(copy);
    expect(await within(dialog).findByText("Copiado.")).toBeInTheDocument();
    expect(writeText).toHaveBeenCalledWith(token.value);

    const secret = token.value;
    fireEvent.click(within(dialog).getByRole("button", { name: "Ya lo guardé" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    // Listed by its label only: the token is gone from the screen.
    expect(screen.getByRole("rowheader", { name: "TV de la entrada" })).toBeInTheDocument();
    expect(document.body.textContent).not.toContain(secret);
    expect(screen.queryByDisplayValue(secret)).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Dónde está la TV")));
  });

  it("without clipboard access, the token is selected for Ctrl+C", async () => {
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    render(fakeApi({ session: ADMIN, admin: seed }), "#/admin/tv");
    await screen.findByRole("rowheader", { name: "TV del salón" });
    fireEvent.input(screen.getByLabelText("Dónde está la TV"), { target: { value: "Depósito" } });
    fireEvent.click(screen.getByRole("button", { name: "Crear token" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Copiar" }));
    expect(await within(dialog).findByText("Seleccionado: copialo con Ctrl+C.")).toBeInTheDocument();
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Token"));
  });

  it("revokes a token after saying the TV stops at once", async () => {
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/tv");
    const row = (await screen.findByRole("rowheader", { name: "TV del salón" })).closest("tr")!;
    fireEvent.click(within(row).getByRole("button", { name: "Revocar: TV del salón" }));
    const question = await screen.findByRole("alertdialog", { name: "¿Revocar el token de «TV del salón»?" });
    fireEvent.click(within(question).getByRole("button", { name: "Revocar" }));
    expect(await screen.findByText("Se revocó el token de «TV del salón».")).toBeInTheDocument();
    expect(row).toHaveTextContent(/Revocado el/);
    expect(within(row).queryByRole("button")).toBeNull();
    expect(api.admin.called("revokeTvToken")).toEqual([[null, 7]]);
  });
});
