import { fireEvent, render, screen } from "@solidjs/testing-library";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "./App";
import { DEFAULT_LOCALE, setLocale } from "./i18n";
import { APP_VERSION } from "./lib/version";

describe("App shell", () => {
  beforeEach(() => {
    localStorage.clear();
    setLocale(DEFAULT_LOCALE);
    window.location.hash = "";
  });

  afterEach(() => {
    window.location.hash = "";
  });

  it("renders the Spanish start screen at /", async () => {
    render(() => <App />);

    const heading = await screen.findByRole("heading", { level: 1, name: "CenterMind" });
    expect(heading).toBeInTheDocument();
    expect(screen.getByText(/Revisá las exhibiciones que tus vendedores envían/)).toBeVisible();
    expect(screen.getByRole("heading", { level: 2, name: "Iniciar sesión" })).toBeInTheDocument();
    expect(screen.getByText(/El inicio de sesión llega junto con el servidor/)).toBeInTheDocument();
    expect(screen.getAllByText(`Versión ${APP_VERSION}`, { exact: false }).length).toBeGreaterThan(
      0,
    );
    expect(screen.getByText("Vista en navegador")).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("es-AR");
    expect(document.title).toBe("CenterMind");
  });

  it("has the landmarks and a labelled language picker", async () => {
    render(() => <App />);
    await screen.findByRole("heading", { level: 1 });

    expect(screen.getByRole("banner")).toBeInTheDocument();
    expect(screen.getByRole("main")).toBeInTheDocument();
    expect(screen.getByRole("contentinfo")).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Navegación principal" })).toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Idioma" })).toHaveValue("es-AR");
  });

  it("switches to English and updates <html lang>", async () => {
    render(() => <App />);
    await screen.findByRole("heading", { level: 1 });

    fireEvent.change(screen.getByRole("combobox", { name: "Idioma" }), {
      target: { value: "en" },
    });

    expect(await screen.findByRole("heading", { level: 2, name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Language" })).toHaveValue("en");
    expect(document.documentElement.lang).toBe("en");
  });

  it("shows the not-found screen for an unknown route", async () => {
    window.location.hash = "#/no-existe";
    render(() => <App />);

    expect(
      await screen.findByRole("heading", { level: 1, name: "Página no encontrada" }),
    ).toBeInTheDocument();
    expect(screen.getByText("No existe ninguna pantalla en «/no-existe».")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Volver al inicio" })).toHaveAttribute("href", "#/");
    expect(document.title).toBe("Página no encontrada · CenterMind");
  });
});
