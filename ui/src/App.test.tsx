import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "./App";
import { DEFAULT_LOCALE, setLocale } from "./i18n";
import { setApi, type Api } from "./lib/api";
import { resetSessionForTests } from "./lib/session";
import { APP_VERSION } from "./lib/version";
import { fakeApi, fail, SUPERVISOR } from "../tests/fakeApi";

let previous: Api;

function start(api: Api, hash = "") {
  previous = setApi(api);
  window.location.hash = hash;
  render(() => <App />);
}

describe("App shell", () => {
  beforeEach(() => {
    localStorage.clear();
    setLocale(DEFAULT_LOCALE);
    resetSessionForTests();
    window.location.hash = "";
  });

  afterEach(() => {
    setApi(previous);
    window.location.hash = "";
  });

  it("first run: asks for the server, tests it, then shows the Spanish login", async () => {
    start(fakeApi({ server: null }));
    expect(await screen.findByRole("heading", { level: 1, name: "Conectar con el servidor" })).toBeInTheDocument();
    fireEvent.input(screen.getByLabelText("Dirección del servidor"), { target: { value: "127.0.0.1:8787" } });
    fireEvent.click(screen.getByRole("button", { name: "Probar y conectar" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Iniciar sesión" })).toBeInTheDocument();
    expect(screen.getByLabelText("Usuario")).toBeInTheDocument();
    expect(screen.getByLabelText("Contraseña")).toHaveAttribute("type", "password");
    expect(screen.getByRole("checkbox", { name: "Recordarme en esta computadora" })).not.toBeChecked();
    expect(document.documentElement.lang).toBe("es-AR");
    expect(screen.getAllByText(`Versión ${APP_VERSION}`, { exact: false }).length).toBeGreaterThan(0);
  });

  it("explains a server that is not CenterMind", async () => {
    start(
      fakeApi({ server: null }, { connectServer: () => fail({ code: "not_center_mind", message: "HTTP 404" }) }),
    );
    fireEvent.input(await screen.findByLabelText("Dirección del servidor"), { target: { value: "example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Probar y conectar" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Esa dirección responde, pero no es un servidor de CenterMind.",
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Detalle: HTTP 404");
  });

  it("logs in and shows the user, role and distributor", async () => {
    start(fakeApi());
    fireEvent.input(await screen.findByLabelText("Usuario"), { target: { value: "supervisor.sur" } });
    fireEvent.input(screen.getByLabelText("Contraseña"), { target: { value: "demo-centermind" } });
    fireEvent.click(screen.getByRole("button", { name: "Ingresar" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Hola, Supervisor Sur" })).toBeInTheDocument();
    expect(screen.getByText("Supervisor")).toBeInTheDocument();
    expect(screen.getByText("Distribuidora Sur")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Cerrar sesión" })).toBeInTheDocument();
  });

  it("shows wrong credentials as an alert", async () => {
    start(fakeApi());
    fireEvent.input(await screen.findByLabelText("Usuario"), { target: { value: "x" } });
    fireEvent.input(screen.getByLabelText("Contraseña"), { target: { value: "mal" } });
    fireEvent.click(screen.getByRole("button", { name: "Ingresar" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Usuario o contraseña incorrectos.");
  });

  it("restores a remembered session and logs out", async () => {
    start(fakeApi({ session: { ...SUPERVISOR, remembered: true } }));
    expect(await screen.findByRole("heading", { level: 1, name: "Hola, Supervisor Sur" })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Cerrar sesión" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Iniciar sesión" })).toBeInTheDocument();
  });

  it("has the landmarks and switches to English", async () => {
    const api = fakeApi();
    start(api);
    await screen.findByRole("heading", { level: 1 });
    // The web view draws its date fields in the UI's language, not the system's.
    await waitFor(() => expect(api.pageLanguages).toEqual(["es-AR"]));
    expect(screen.getByRole("banner")).toBeInTheDocument();
    expect(screen.getByRole("main")).toBeInTheDocument();
    expect(screen.getByRole("contentinfo")).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Navegación principal" })).toBeInTheDocument();

    fireEvent.change(screen.getByRole("combobox", { name: "Idioma" }), { target: { value: "en" } });
    expect(await screen.findByRole("heading", { level: 1, name: "Sign in" })).toBeInTheDocument();
    await waitFor(() => expect(document.documentElement.lang).toBe("en"));
    expect(api.pageLanguages).toEqual(["es-AR", "en"]);
  });

  it("shows the not-found screen for an unknown route", async () => {
    start(fakeApi(), "#/no-existe");
    expect(await screen.findByRole("heading", { level: 1, name: "Página no encontrada" })).toBeInTheDocument();
    expect(screen.getByText("No existe ninguna pantalla en «/no-existe».")).toBeInTheDocument();
    expect(document.title).toBe("Página no encontrada · CenterMind");
  });
});
