import { fireEvent, screen } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { FirstSetupInput } from "../bindings";
import { appHarness } from "../../tests/app";
import { fail, fakeApi } from "../../tests/fakeApi";
import { zoneLabel } from "./Setup";

async function fillForm(password = "una-clave-larga", confirm = password) {
  fireEvent.input(await screen.findByLabelText("Nombre de la distribuidora"), {
    target: { value: "  Distribuidora Nueva " },
  });
  fireEvent.change(screen.getByLabelText("Zona horaria"), { target: { value: "America/Argentina/Cordoba" } });
  fireEvent.input(screen.getByLabelText("Nombre y apellido"), { target: { value: "Ana Admin" } });
  fireEvent.input(screen.getByLabelText("Usuario"), { target: { value: "ana" } });
  fireEvent.input(screen.getByLabelText("Contraseña"), { target: { value: password } });
  fireEvent.input(screen.getByLabelText("Repetí la contraseña"), { target: { value: confirm } });
}

describe("first run of a fresh install", () => {
  const start = appHarness();

  it("a server without users shows the setup instead of the login, and it signs in", async () => {
    const sent: Array<{ input: FirstSetupInput; remember: boolean }> = [];
    const base = fakeApi({ needsSetup: true });
    start({
      ...base,
      firstSetup: (input, remember) => {
        sent.push({ input, remember });
        return base.firstSetup(input, remember);
      },
    });
    expect(await screen.findByRole("heading", { level: 1, name: "Configuración inicial" })).toBeInTheDocument();
    await fillForm();
    fireEvent.click(screen.getByRole("button", { name: "Crear y entrar" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Hola, Ana Admin" })).toBeInTheDocument();
    expect(sent).toEqual([
      {
        input: {
          distributor_name: "Distribuidora Nueva",
          time_zone: "America/Argentina/Cordoba",
          username: "ana",
          display_name: "Ana Admin",
          password: "una-clave-larga",
        },
        remember: true,
      },
    ]);
  });

  it("a server with users keeps the login and sends /setup back to it", async () => {
    start(fakeApi({ needsSetup: false }), "#/setup");
    expect(await screen.findByRole("heading", { level: 1, name: "Iniciar sesión" })).toBeInTheDocument();
  });

  it("a short or mismatched password is explained and cannot be sent", async () => {
    start(fakeApi({ needsSetup: true }), "#/setup");
    await fillForm("corta", "corta");
    expect(screen.getByText("La contraseña necesita al menos 8 caracteres.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Crear y entrar" })).toBeDisabled();
    fireEvent.input(screen.getByLabelText("Contraseña"), { target: { value: "una-clave-larga" } });
    fireEvent.input(screen.getByLabelText("Repetí la contraseña"), { target: { value: "otra-clave-larga" } });
    expect(screen.getByText("Las contraseñas no coinciden.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Crear y entrar" })).toBeDisabled();
  });

  it("a refusal from the server is shown and the form stays", async () => {
    start(
      fakeApi(
        { needsSetup: true },
        {
          firstSetup: () =>
            fail({ code: "forbidden", message: "La configuración inicial se hace en el equipo donde corre el servidor." }),
        },
      ),
      "#/setup",
    );
    await fillForm();
    fireEvent.click(screen.getByRole("button", { name: "Crear y entrar" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("en el equipo donde corre el servidor");
    expect(screen.getByLabelText("Nombre de la distribuidora")).toBeInTheDocument();
  });

  it("zones read as cities", () => {
    expect(zoneLabel("America/Argentina/Rio_Gallegos")).toBe("Rio Gallegos");
    expect(zoneLabel("America/Montevideo")).toBe("Montevideo");
  });
});
