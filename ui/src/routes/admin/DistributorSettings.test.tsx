import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { appHarness } from "../../../tests/app";
import { ADMIN, fail, fakeApi, SUPERADMIN } from "../../../tests/fakeApi";
import { distributor, REFUSED_BOT_TOKEN } from "../../../tests/fakeAdmin";

const GOOD_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

describe("Administración › Distribuidora", () => {
  const render = appHarness();
  const open = (api: ReturnType<typeof fakeApi>) => render(api, "#/admin/distributor");

  it("shows the settings, never the bot token, and the bot's status", async () => {
    open(fakeApi({ session: ADMIN }));
    expect(await screen.findByLabelText("Puntos por exhibición aprobada")).toHaveValue("1");
    expect(screen.getByLabelText("Desde")).toHaveValue("22:00");
    expect(screen.getByLabelText("Hasta")).toHaveValue("06:00");
    expect(screen.getByLabelText("ID de Telegram de quien recibe los avisos")).toHaveValue("123456789");
    // An admin does not rename their distributor.
    expect(screen.queryByLabelText("Nombre")).toBeNull();
    const bot = screen.getByRole("region", { name: "Bot de Telegram" });
    expect(within(bot).getByText("Configurado")).toBeInTheDocument();
    expect(within(bot).queryByDisplayValue(/AAH/)).toBeNull();
    expect(await within(bot).findByText("Funcionando")).toBeInTheDocument();
    expect(within(bot).getByText(/^1\.?234$/)).toBeInTheDocument();
  });

  it("checks every field before sending, and sends only what changed", async () => {
    const api = fakeApi({ session: ADMIN });
    open(api);
    const approved = await screen.findByLabelText("Puntos por exhibición aprobada");
    fireEvent.input(approved, { target: { value: "mil" } });
    fireEvent.input(screen.getByLabelText("Hasta"), { target: { value: "22:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    expect(screen.getByText("Un número entero de 0 a 1000.")).toBeInTheDocument();
    expect(screen.getByText("El horario no puede empezar y terminar a la misma hora.")).toBeInTheDocument();
    expect(screen.getByText("Revisá los campos marcados.")).toBeInTheDocument();
    expect(approved).toHaveAttribute("aria-invalid", "true");
    expect(document.activeElement).toBe(screen.getByLabelText("Hasta"));
    expect(api.admin.called("updateDistributor")).toEqual([]);

    fireEvent.input(approved, { target: { value: "3" } });
    fireEvent.input(screen.getByLabelText("Hasta"), { target: { value: "07:30" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    expect(await screen.findByText("Cambios guardados.")).toBeInTheDocument();
    expect(api.admin.called("updateDistributor")).toEqual([[1, { hibernation_end: "07:30", points_approved: 3 }]]);

    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    expect(await screen.findByText("No hay cambios para guardar.")).toBeInTheDocument();
    expect(api.admin.called("updateDistributor")).toHaveLength(1);
  });

  it("emptying the alerts recipient removes it, and a new one can be set again", async () => {
    const api = fakeApi({ session: ADMIN });
    open(api);
    const field = await screen.findByLabelText("ID de Telegram de quien recibe los avisos");
    fireEvent.input(field, { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    expect(await screen.findByText("Cambios guardados.")).toBeInTheDocument();
    expect(field).toHaveValue("");
    expect(field).not.toHaveAttribute("aria-invalid", "true");
    expect(api.admin.called("updateDistributor")).toEqual([[1, { admin_telegram_id: null }]]);

    // What the server now holds is "nobody": saving again sends nothing.
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    expect(await screen.findByText("No hay cambios para guardar.")).toBeInTheDocument();
    expect(api.admin.called("updateDistributor")).toHaveLength(1);

    fireEvent.input(field, { target: { value: "555000111" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    await waitFor(() => expect(api.admin.called("updateDistributor")).toHaveLength(2));
    expect(api.admin.called("updateDistributor")[1]).toEqual([1, { admin_telegram_id: 555000111 }]);
    await waitFor(() => expect(field).toHaveValue("555000111"));
  });

  it("a refusal of the server is shown and what was typed stays", async () => {
    const api = fakeApi(
      { session: ADMIN },
      { updateDistributor: () => fail({ code: "forbidden", message: "Tu rol no permite esta acción." }) },
    );
    open(api);
    const approved = await screen.findByLabelText("Puntos por exhibición destacada");
    fireEvent.input(approved, { target: { value: "5" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Tu rol no permite esta acción.");
    expect(approved).toHaveValue("5");
    expect(screen.getByRole("button", { name: "Guardar cambios" })).toBeEnabled();
  });

  it("Google Drive needs its folder", async () => {
    const api = fakeApi({ session: ADMIN });
    open(api);
    fireEvent.change(await screen.findByLabelText("Dónde se guardan"), { target: { value: "google_drive" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    expect(screen.getByText("Para copiar a Google Drive, escribí el id de la carpeta.")).toBeInTheDocument();
    fireEvent.input(screen.getByLabelText("Id de la carpeta de Google Drive"), { target: { value: "1AbCdEf" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    await screen.findByText("Cambios guardados.");
    expect(api.admin.called("updateDistributor")).toEqual([
      [1, { photo_storage: "google_drive", drive_folder_id: "1AbCdEf" }],
    ]);
  });

  it("the bot token is write-only: replaced after Telegram's check, refused with its reason, removed after a question", async () => {
    const api = fakeApi({ session: ADMIN });
    open(api);
    const bot = await screen.findByRole("region", { name: "Bot de Telegram" });
    fireEvent.click(within(bot).getByRole("button", { name: "Reemplazar el token" }));
    const field = within(bot).getByLabelText("Token nuevo");
    expect(field).toHaveAttribute("type", "password");

    fireEvent.input(field, { target: { value: "hola" } });
    fireEvent.click(within(bot).getByRole("button", { name: "Guardar el token" }));
    expect(within(bot).getByText("No parece un token de @BotFather (se ve así: 123456789:AAH…).")).toBeInTheDocument();

    fireEvent.input(field, { target: { value: REFUSED_BOT_TOKEN } });
    fireEvent.click(within(bot).getByRole("button", { name: "Guardar el token" }));
    const alert = await within(bot).findByRole("alert");
    expect(alert).toHaveTextContent("El servidor rechazó los datos.");
    expect(alert).toHaveTextContent("Telegram rechazó el token del bot (revisalo en @BotFather)");
    expect(within(bot).getByLabelText("Token nuevo")).toHaveValue(REFUSED_BOT_TOKEN);

    fireEvent.input(within(bot).getByLabelText("Token nuevo"), { target: { value: GOOD_TOKEN } });
    fireEvent.click(within(bot).getByRole("button", { name: "Guardar el token" }));
    expect(await within(bot).findByText("Token guardado: el bot se reinicia en unos segundos.")).toBeInTheDocument();
    expect(within(bot).queryByLabelText("Token nuevo")).toBeNull();
    expect(bot.textContent).not.toContain(GOOD_TOKEN);

    fireEvent.click(within(bot).getByRole("button", { name: "Quitar el token" }));
    const question = await screen.findByRole("alertdialog", { name: "¿Quitar el token del bot?" });
    expect(document.activeElement).toBe(within(question).getByRole("button", { name: "Cancelar" }));
    fireEvent.click(within(question).getByRole("button", { name: "Quitar el token" }));
    expect(await within(bot).findByText("No configurado")).toBeInTheDocument();
    expect(api.admin.called("updateDistributor").map(([, s]) => s)).toEqual([
      { bot_token: REFUSED_BOT_TOKEN },
      { bot_token: GOOD_TOKEN },
      { bot_token: "" },
    ]);
    expect(within(bot).getByRole("button", { name: "Cargar el token" })).toBeInTheDocument();
  });

  it("the bot's failure is explained, and the status can be read again", async () => {
    const api = fakeApi({
      session: ADMIN,
      admin: {
        bot: {
          distributor_id: 1,
          state: "invalid_token",
          started_at: null,
          last_error: "Unauthorized",
          restarts: 4,
          updates_handled: 0,
          updated_at: "2025-01-02T09:05:00Z",
        },
      },
    });
    open(api);
    const bot = await screen.findByRole("region", { name: "Bot de Telegram" });
    expect(await within(bot).findByText("Token rechazado por Telegram")).toBeInTheDocument();
    expect(within(bot).getByText("Unauthorized")).toBeInTheDocument();
    fireEvent.click(within(bot).getByRole("button", { name: "Actualizar" }));
    await waitFor(() => expect(api.admin.called("distributorBotStatus")).toHaveLength(2));
  });

  it("the superadmin renames a distributor and switches it off after a question", async () => {
    const api = fakeApi({ session: SUPERADMIN, admin: { distributors: [distributor(1, "Distribuidora Sur")] } });
    open(api);
    const name = await screen.findByLabelText("Nombre");
    fireEvent.input(name, { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    expect(screen.getByText("Completá este campo.")).toBeInTheDocument();
    fireEvent.input(name, { target: { value: "Sur Mayorista" } });
    fireEvent.click(screen.getByRole("button", { name: "Guardar cambios" }));
    await screen.findByText("Cambios guardados.");
    const picker = screen.getByLabelText("Distribuidora") as HTMLSelectElement;
    expect(picker.selectedOptions[0]?.textContent).toBe("Sur Mayorista");

    fireEvent.click(screen.getByRole("button", { name: "Desactivar la distribuidora" }));
    const question = await screen.findByRole("alertdialog", { name: "¿Desactivar Sur Mayorista?" });
    fireEvent.click(within(question).getByRole("button", { name: "Desactivar" }));
    expect(await screen.findByText("Inactiva: su bot está detenido.")).toBeInTheDocument();
    expect(picker.selectedOptions[0]?.textContent).toBe("Sur Mayorista (inactiva)");
    expect(api.admin.called("updateDistributor").map(([, s]) => s)).toEqual([{ name: "Sur Mayorista" }, { active: false }]);
  });
});
