import type { Channel } from "@tauri-apps/api/core";
import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { appHarness } from "../../tests/app";
import { fail, fakeApi, ok, SUPERVISOR } from "../../tests/fakeApi";
import type { UpdateProgress } from "../bindings";

describe("este equipo (local mode)", () => {
  const start = appHarness();

  it("the connect screen starts the local server and goes to the login", async () => {
    let started = 0;
    const base = fakeApi({ server: null });
    start({
      ...base,
      startLocalServer: () => {
        started += 1;
        return base.startLocalServer();
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Usar este equipo" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Iniciar sesión" })).toBeInTheDocument();
    expect(screen.getByText(/127\.0\.0\.1:41234/)).toBeInTheDocument();
    expect(started).toBe(1);
  });

  it("a server this computer already runs is offered instead of starting a second one", async () => {
    const connectedTo: string[] = [];
    let started = 0;
    const base = fakeApi({ server: null });
    start({
      ...base,
      findServerOnThisComputer: () =>
        ok({
          url: "http://127.0.0.1:8787/",
          version: "0.1.0",
          status: "ok",
          database: "ok",
          started_at: "2025-01-15T09:00:00Z",
          restored_from: null,
        }),
      connectServer: (url) => {
        connectedTo.push(url);
        return base.connectServer(url);
      },
      startLocalServer: () => {
        started += 1;
        return base.startLocalServer();
      },
    });
    const offer = await screen.findByRole("status", { name: "Ya hay un servidor en este equipo" });
    expect(offer).toHaveTextContent("versión 0.1.0, en http://127.0.0.1:8787/");
    expect(offer).toHaveTextContent("habría dos servidores");
    fireEvent.click(screen.getByRole("button", { name: "Conectar a este servidor" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Iniciar sesión" })).toBeInTheDocument();
    expect(connectedTo).toEqual(["http://127.0.0.1:8787/"]);
    expect(started).toBe(0);
  });

  it("with no server on this computer, nothing is offered", async () => {
    let answered = false;
    const base = fakeApi({ server: null });
    start({
      ...base,
      findServerOnThisComputer: async () => {
        const none = await base.findServerOnThisComputer();
        answered = true;
        return none;
      },
    });
    await screen.findByRole("button", { name: "Usar este equipo" });
    await waitFor(() => expect(answered).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByText("Ya hay un servidor en este equipo")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Conectar a este servidor" })).not.toBeInTheDocument();
  });

  it("a local server that does not start says why", async () => {
    start(
      fakeApi(
        { server: null },
        {
          startLocalServer: () =>
            fail({ code: "local_server", message: "el servidor local no respondió en 30 s (timeout)" }),
        },
      ),
    );
    fireEvent.click(await screen.findByRole("button", { name: "Usar este equipo" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("No se pudo iniciar el servidor en este equipo.");
    expect(alert).toHaveTextContent("no respondió en 30 s");
  });

  it("a local server whose data another server uses says so, with what to do", async () => {
    start(
      fakeApi(
        { server: null },
        { startLocalServer: () => fail({ code: "local_server_in_use", message: "centermind-sidecar: exit status: 3" }) },
      ),
    );
    fireEvent.click(await screen.findByRole("button", { name: "Usar este equipo" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Otro servidor de CenterMind ya usa los datos de este equipo");
    expect(alert).toHaveTextContent("Cerralo y volvé a intentar");
    expect(alert).toHaveTextContent("exit status: 3");
  });

  it("in local mode the app starts its server before restoring the session", async () => {
    const calls: string[] = [];
    const base = fakeApi({ server: "http://127.0.0.1:41234/", local: true, session: SUPERVISOR });
    start(
      {
        ...base,
        startLocalServer: () => {
          calls.push("start");
          return base.startLocalServer();
        },
        currentSession: () => {
          calls.push("session");
          return base.currentSession();
        },
      },
      "#/",
    );
    expect(await screen.findByRole("heading", { level: 1, name: /Hola/ })).toBeInTheDocument();
    expect(calls).toEqual(["start", "session"]);
  });
});

describe("About", () => {
  const start = appHarness();

  it("shows the version and checks for updates", async () => {
    start(
      fakeApi(
        {},
        { checkForUpdates: () => ok({ current_version: "0.1.0", available: { version: "0.2.0", date: null, notes: "Mejoras" } }) },
      ),
      "#/about",
    );
    await waitFor(() => expect(screen.getByTestId("app-version")).toHaveTextContent("0.1.0"));
    fireEvent.click(screen.getByRole("button", { name: "Buscar actualizaciones" }));
    expect(await screen.findByText("Hay una versión nueva: 0.2.0.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Instalar y reiniciar" })).toBeInTheDocument();
  });

  it("an update with a bad signature is refused with its own message", async () => {
    start(
      fakeApi(
        {},
        {
          checkForUpdates: () => ok({ current_version: "0.1.0", available: { version: "0.2.0", date: null, notes: null } }),
          installUpdate: () => fail({ code: "update_signature", message: "signature verification failed" }),
        },
      ),
      "#/about",
    );
    await screen.findByTestId("app-version");
    fireEvent.click(screen.getByRole("button", { name: "Buscar actualizaciones" }));
    fireEvent.click(await screen.findByRole("button", { name: "Instalar y reiniciar" }));
    await waitFor(() =>
      expect(screen.getByRole("alert")).toHaveTextContent(
        "La actualización no tiene una firma válida de CenterMind: no se instaló nada.",
      ),
    );
    expect(screen.getByRole("alert")).toHaveTextContent("signature verification failed");
  });

  it("shows the download's progress, then that the signature checked out and it installs", async () => {
    let progress: Channel<UpdateProgress> | null = null;
    start(
      fakeApi(
        {},
        {
          checkForUpdates: () => ok({ current_version: "0.1.0", available: { version: "0.2.0", date: null, notes: null } }),
          // The shell answers only when the install failed: on success the app restarts.
          installUpdate: (channel) => {
            progress = channel;
            return new Promise(() => {});
          },
        },
      ),
      "#/about",
    );
    await screen.findByTestId("app-version");
    fireEvent.click(screen.getByRole("button", { name: "Buscar actualizaciones" }));
    fireEvent.click(await screen.findByRole("button", { name: "Instalar y reiniciar" }));
    expect(await screen.findByText("Descargando e instalando…")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Instalar y reiniciar" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Buscar actualizaciones" })).toBeDisabled();
    await waitFor(() => expect(progress).not.toBeNull());
    const send = (message: UpdateProgress) => progress?.onmessage(message);

    send({ phase: "downloading", downloaded: 3 * 1024 * 1024, total: 12 * 1024 * 1024 });
    expect(await screen.findByText("Descargando la versión 0.2.0: 3 MB de 12 MB (25 %).")).toBeInTheDocument();
    const bar = screen.getByRole("progressbar", { name: "Descarga de la actualización" });
    expect(bar).toHaveAttribute("value", String(3 * 1024 * 1024));
    expect(bar).toHaveAttribute("max", String(12 * 1024 * 1024));

    send({ phase: "downloading", downloaded: 2_500_000, total: null });
    expect(await screen.findByText("Descargando la versión 0.2.0: 2,4 MB.")).toBeInTheDocument();
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();

    send({ phase: "installing" });
    expect(
      await screen.findByText("Firma verificada. Instalando la versión 0.2.0: CenterMind se va a reiniciar solo."),
    ).toBeInTheDocument();
  });

  it("turns opening at session start on and off, as the system has it", async () => {
    const api = fakeApi({ autostart: true });
    start(api, "#/about");
    const box = await screen.findByRole("checkbox", { name: "Abrir CenterMind al iniciar la sesión en este equipo" });
    await waitFor(() => expect(box).toBeChecked());
    await waitFor(() => expect(box).toBeEnabled());
    fireEvent.click(box);
    await waitFor(() => expect(api.autostart()).toBe(false));
    await waitFor(() => expect(box).not.toBeChecked());
    await waitFor(() => expect(box).toBeEnabled());
    fireEvent.click(box);
    await waitFor(() => expect(api.autostart()).toBe(true));
    await waitFor(() => expect(box).toBeChecked());
  });

  it("a system that refuses the start-up entry says so and shows it off", async () => {
    start(fakeApi({ autostartFails: true }), "#/about");
    const box = await screen.findByRole("checkbox", { name: "Abrir CenterMind al iniciar la sesión en este equipo" });
    await waitFor(() => expect(box).toBeEnabled());
    fireEvent.click(box);
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("permiso denegado"));
    await waitFor(() => expect(box).toBeEnabled());
    expect(box).not.toBeChecked();
  });

  it("up to date, and a refused endpoint is explained", async () => {
    start(
      fakeApi({}, { setUpdateEndpoint: () => fail({ code: "invalid_url", message: "Solo https://." }) }),
      "#/about",
    );
    await screen.findByTestId("app-version");
    fireEvent.click(screen.getByRole("button", { name: "Buscar actualizaciones" }));
    expect(await screen.findByText("Tenés la última versión (0.1.0).")).toBeInTheDocument();
    fireEvent.input(screen.getByLabelText("Dirección de las actualizaciones"), {
      target: { value: "http://x" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Guardar" }));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("Solo https://."));
  });
});
