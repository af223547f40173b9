import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { followTiming } from "../../admin/runFollower";
import { appHarness } from "../../../tests/app";
import { ADMIN, fakeApi, SUPERADMIN } from "../../../tests/fakeApi";
import { BUILT_IN_JOBS, job, REFUSED_MESSAGE, run } from "../../../tests/fakeJobs";

const BACKUP = "Copia de seguridad de la base de datos";
const sections = () => screen.getByRole("navigation", { name: "Secciones de administración" });
/** A job's card, by its name. */
const card = (name: string) => screen.getByRole("article", { name });
const findCard = (name: string) => screen.findByRole("article", { name });
const fact = (article: HTMLElement, term: string) => within(article).getByText(term, { selector: "dt" }).nextElementSibling as HTMLElement;

describe("Administración › Tareas programadas", () => {
  const render = appHarness();
  const { intervalMs, startLimitMs } = followTiming;
  beforeEach(() => {
    followTiming.intervalMs = 15;
  });
  afterEach(() => {
    Object.assign(followTiming, { intervalMs, startLimitMs });
  });

  describe("who gets in", () => {
    it("only the superadmin is offered the section; the distributor picker is not on it", async () => {
      const api = fakeApi({ session: SUPERADMIN });
      render(api, "#/admin/distributor");
      await screen.findByRole("heading", { name: "Datos generales" });
      expect(within(sections()).getAllByRole("link").map((l) => l.textContent)).toEqual([
        "Distribuidora",
        "Usuarios",
        "Grupos y miembros",
        "Tipos de PDV",
        "Pantallas TV",
        "Estado",
        "Actividad",
        "Tareas programadas",
        "Copias de seguridad",
        "Sistema anterior",
      ]);
      expect(screen.getByLabelText("Distribuidora")).toBeInTheDocument();
      fireEvent.click(within(sections()).getByRole("link", { name: "Tareas programadas" }));
      expect(await screen.findByRole("heading", { name: "Tareas programadas", level: 2 })).toBeInTheDocument();
      expect(await findCard(BACKUP)).toBeInTheDocument();
      expect(screen.queryByLabelText("Distribuidora")).toBeNull();
      expect(document.title).toBe("Tareas programadas · CenterMind");
    });

    it("an admin is not offered it, and reaching the route asks the server nothing", async () => {
      const api = fakeApi({ session: ADMIN });
      render(api, "#/admin/jobs");
      expect(
        await screen.findByText("Las tareas programadas son del servidor y solo las maneja la superadministración."),
      ).toBeInTheDocument();
      expect(within(sections()).queryByRole("link", { name: "Tareas programadas" })).toBeNull();
      expect(within(sections()).getAllByRole("link")).toHaveLength(7);
      expect(api.admin.called("listJobs")).toEqual([]);
    });

    it("the jobs show even before there is a distributor", async () => {
      render(fakeApi({ session: SUPERADMIN, admin: { distributors: [] } }), "#/admin/jobs");
      expect(await findCard(BACKUP)).toBeInTheDocument();
      expect(screen.queryByText("Todavía no hay distribuidoras.")).toBeNull();
    });
  });

  it("each job says what it does, when it runs, how it last went and when it runs next", async () => {
    const api = fakeApi({
      session: SUPERADMIN,
      admin: {
        jobs: {
          jobs: [
            job("backup", BACKUP, { description: "Copia completa y verificada.", next_run_at: "2099-01-01T06:00:00Z" }),
            job("daily_summary", "Resumen diario a los administradores", {
              schedule: "daily 01:15",
              time_zone: "America/Montevideo",
              active: false,
              next_run_at: null,
            }),
            job("housekeeping", "Limpieza", { schedule: "every 15m", next_run_at: "2020-01-01T12:00:00Z" }),
          ],
          runs: [
            run(7, "backup", "succeeded", {
              started_at: "2026-11-22T06:00:00Z",
              detail: "Copia backups/centermind-20261122T060000.000Z.db (1,2 MB) verificada en 80 ms.",
            }),
            run(8, "housekeeping", "failed", { detail: "Error de la base de datos: disk I/O error" }),
          ],
        },
      },
    });
    render(api, "#/admin/jobs");
    const backup = await findCard(BACKUP);
    expect(within(backup).getByText("Copia completa y verificada.")).toBeInTheDocument();
    expect(within(backup).getByText("Activa")).toBeInTheDocument();
    expect(fact(backup, "Programación")).toHaveTextContent("todos los días a las 03:00 (hora de Buenos Aires)");
    // 06:00 UTC is 03:00 in Buenos Aires: the job's zone, not the computer's.
    const last = fact(backup, "Última ejecución");
    expect(last).toHaveTextContent(/22.*nov.*2026, 03:00 /);
    expect(last).toHaveTextContent("Terminó bien");
    expect(last).toHaveTextContent("Copia backups/centermind-20261122T060000.000Z.db (1,2 MB) verificada en 80 ms.");
    expect(fact(backup, "Próxima")).toHaveTextContent(/2099.*03:00/);

    const summary = card("Resumen diario a los administradores");
    expect(within(summary).getByText("Pausada")).toBeInTheDocument();
    expect(fact(summary, "Programación")).toHaveTextContent("todos los días a la 01:15 (hora de Montevideo)");
    expect(fact(summary, "Última ejecución")).toHaveTextContent("Nunca corrió");
    expect(fact(summary, "Próxima")).toHaveTextContent("Pausada: no corre sola hasta que la reanudes («Ejecutar ahora» sí la corre).");
    expect(within(summary).getByRole("button", { name: "Reanudar: Resumen diario a los administradores" })).toBeInTheDocument();

    const housekeeping = card("Limpieza");
    expect(fact(housekeeping, "Programación")).toHaveTextContent("cada 15 minutos");
    expect(fact(housekeeping, "Última ejecución")).toHaveTextContent("Falló");
    expect(fact(housekeeping, "Próxima")).toHaveTextContent(/^Atrasada: le tocaba el 1.*ene.*2020, 09:00; corre apenas el servicio pueda\.$/);
  });

  it("pauses and resumes a job, the focus staying on its button", async () => {
    const api = fakeApi({ session: SUPERADMIN });
    render(api, "#/admin/jobs");
    const backup = await findCard(BACKUP);
    const toggle = within(backup).getByRole("button", { name: `Pausar: ${BACKUP}` });
    toggle.focus();
    fireEvent.click(toggle);
    expect(await screen.findByText(`«${BACKUP}» quedó pausada: no corre sola hasta que la reanudes.`)).toBeInTheDocument();
    expect(within(backup).getByText("Pausada")).toBeInTheDocument();
    expect(fact(backup, "Próxima")).toHaveTextContent(/^Pausada: no corre sola/);
    expect(toggle).toHaveAccessibleName(`Reanudar: ${BACKUP}`);
    await waitFor(() => expect(document.activeElement).toBe(toggle));

    fireEvent.click(toggle);
    expect(await screen.findByText(`«${BACKUP}» está activa otra vez.`)).toBeInTheDocument();
    expect(within(backup).getByText("Activa")).toBeInTheDocument();
    expect(fact(backup, "Próxima")).toHaveTextContent(/2099/);
    expect(api.admin.called("updateJob")).toEqual([
      ["backup", { active: false }],
      ["backup", { active: true }],
    ]);
  });

  it("changes the schedule: checked first, the server's refusal shown without losing what was typed", async () => {
    const api = fakeApi({ session: SUPERADMIN });
    render(api, "#/admin/jobs");
    const backup = await findCard(BACKUP);
    const opener = within(backup).getByRole("button", { name: `Cambiar programación: ${BACKUP}` });
    opener.focus();
    fireEvent.click(opener);
    const dialog = await screen.findByRole("dialog", { name: `Programación de «${BACKUP}»` });
    expect(dialog).toHaveAccessibleDescription("Una vez por día a una hora, o cada cierto tiempo: de 1 minuto a 7 días.");
    const daily = within(dialog).getByRole("radio", { name: "Todos los días a una hora" });
    expect(daily).toBeChecked();
    expect(document.activeElement).toBe(daily);
    expect(within(dialog).getByLabelText("Hora")).toHaveValue("03:00");
    expect(within(dialog).getByText("Va a correr todos los días a las 03:00 (hora de Buenos Aires).")).toBeInTheDocument();

    // A time that is not one.
    fireEvent.input(within(dialog).getByLabelText("Hora"), { target: { value: "" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    expect(within(dialog).getByText("Escribí una hora de 00:00 a 23:59, por ejemplo 22:00.")).toBeInTheDocument();
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Hora"));

    // Every so often: 0 minutes is too short, 8 days too long; nothing is sent.
    fireEvent.click(within(dialog).getByRole("radio", { name: "Cada cierto tiempo" }));
    const amount = within(dialog).getByLabelText("Cada");
    fireEvent.input(amount, { target: { value: "0" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    expect(within(dialog).getByText("El intervalo mínimo es de 1 minuto.")).toBeInTheDocument();
    expect(document.activeElement).toBe(amount);
    fireEvent.input(amount, { target: { value: "192" } });
    fireEvent.change(within(dialog).getByLabelText("Unidad"), { target: { value: "hours" } });
    expect(within(dialog).getByText(/^El intervalo máximo es de 7 días/)).toBeInTheDocument();
    expect(api.admin.called("updateJob")).toEqual([]);

    // The client takes it; this server does not, and says why.
    fireEvent.change(within(dialog).getByLabelText("Unidad"), { target: { value: "minutes" } });
    fireEvent.input(amount, { target: { value: "45" } });
    expect(within(dialog).getByText("Va a correr cada 45 minutos.")).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    const refusal = await within(dialog).findByRole("alert");
    expect(refusal).toHaveTextContent(REFUSED_MESSAGE);
    expect(amount).toHaveValue("45");
    expect(within(dialog).getByLabelText("Unidad")).toHaveValue("minutes");

    fireEvent.input(amount, { target: { value: "2" } });
    fireEvent.change(within(dialog).getByLabelText("Unidad"), { target: { value: "hours" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByText(`«${BACKUP}» ahora corre cada 2 horas.`)).toBeInTheDocument();
    expect(fact(backup, "Programación")).toHaveTextContent("cada 2 horas");
    await waitFor(() => expect(document.activeElement).toBe(opener));
    expect(api.admin.called("updateJob")).toEqual([
      ["backup", { schedule: "every 45m" }],
      ["backup", { schedule: "every 2h" }],
    ]);
  });

  it("a daily time in another zone sends the zone too; an unchanged form sends nothing", async () => {
    const api = fakeApi({ session: SUPERADMIN });
    render(api, "#/admin/jobs");
    const backup = await findCard(BACKUP);
    fireEvent.click(within(backup).getByRole("button", { name: `Cambiar programación: ${BACKUP}` }));
    let dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByText("No hay cambios para guardar.")).toBeInTheDocument();
    expect(api.admin.called("updateJob")).toEqual([]);

    fireEvent.click(within(backup).getByRole("button", { name: `Cambiar programación: ${BACKUP}` }));
    dialog = await screen.findByRole("dialog");
    fireEvent.input(within(dialog).getByLabelText("Hora"), { target: { value: "04:30" } });
    fireEvent.change(within(dialog).getByLabelText("Zona horaria"), { target: { value: "America/Montevideo" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(fact(backup, "Programación")).toHaveTextContent("todos los días a las 04:30 (hora de Montevideo)");
    expect(api.admin.called("updateJob")).toEqual([["backup", { schedule: "daily 04:30", time_zone: "America/Montevideo" }]]);
  });

  it("runs a job now and follows it until it ends, with its outcome and what it did", async () => {
    const api = fakeApi({ session: SUPERADMIN, admin: { jobs: { runs: [run(7, "backup", "succeeded")] } } });
    api.admin.jobs.hold(true);
    render(api, "#/admin/jobs");
    const backup = await findCard(BACKUP);
    const runNow = within(backup).getByRole("button", { name: `Ejecutar ahora: ${BACKUP}` });
    fireEvent.click(runNow);
    const status = within(backup).getByRole("status");
    expect(await within(status).findByText("Pedida: el servidor la empieza en unos segundos…")).toBeInTheDocument();
    expect(await within(status).findByText(/^En curso desde las /)).toBeInTheDocument();
    // How long it has been going is shown next to it, outside the live region.
    const going = within(backup).getByText(/^Lleva .+\.$/);
    expect(status).not.toContainElement(going);
    // Asked once: a second press while it runs does nothing.
    expect(runNow).toHaveAttribute("aria-disabled", "true");
    fireEvent.click(runNow);
    expect(api.admin.called("runJob")).toEqual([["backup"]]);
    await waitFor(() => expect(fact(backup, "Última ejecución")).toHaveTextContent("En curso"));

    api.admin.jobs.hold(false);
    expect(await within(status).findByText(/^Terminó bien \(\d+,?\d* s\)\.$/)).toBeInTheDocument();
    expect(status).toHaveTextContent(`Listo: ${BACKUP}.`);
    await waitFor(() => expect(fact(backup, "Última ejecución")).toHaveTextContent(`Terminó bien Listo: ${BACKUP}.`));
    expect(runNow).toHaveAttribute("aria-disabled", "false");
    expect(within(backup).queryByText(/^Lleva /)).toBeNull();
    // Done: no more reading.
    const reads = api.admin.called("jobRuns").length;
    await new Promise((resolve) => setTimeout(resolve, 10 * followTiming.intervalMs));
    expect(api.admin.called("jobRuns")).toHaveLength(reads);
    expect(api.admin.called("jobRuns")[0]).toEqual(["backup", 20]);
  });

  it("when no service takes the request, it stops waiting, says so, and the request stays until one does", async () => {
    followTiming.startLimitMs = 150;
    const api = fakeApi({ session: SUPERADMIN });
    api.admin.jobs.service(false);
    render(api, "#/admin/jobs");
    const backup = await findCard(BACKUP);
    const runNow = within(backup).getByRole("button", { name: `Ejecutar ahora: ${BACKUP}` });
    fireEvent.click(runNow);
    const status = within(backup).getByRole("status");
    expect(await within(status).findByText("Pedida: el servidor la empieza en unos segundos…")).toBeInTheDocument();
    expect(
      await within(status).findByText(
        "El servicio no la empezó en 1 s: ¿está funcionando el servidor? (También puede estar ocupado con otra tarea.) El pedido queda registrado y la tarea corre apenas el servicio lo tome.",
      ),
    ).toBeInTheDocument();
    expect(fact(backup, "Próxima")).toHaveTextContent(/^Pedida el 23.*nov.*2026, 10:00: corre apenas el servicio tome el pedido\.$/);
    expect(runNow).toHaveAttribute("aria-disabled", "false");
    // No more reading.
    const reads = api.admin.called("jobRuns").length;
    await new Promise((resolve) => setTimeout(resolve, 20 * followTiming.intervalMs));
    expect(api.admin.called("jobRuns")).toHaveLength(reads);
    expect(api.admin.jobs.jobs.find((j) => j.id === "backup")?.run_requested_at).not.toBeNull();

    // A service comes up: asking again follows the same request to its end; it runs once.
    api.admin.jobs.service(true);
    fireEvent.click(runNow);
    expect(await within(status).findByText(/^Terminó bien/)).toBeInTheDocument();
    await waitFor(() => expect(fact(backup, "Próxima")).toHaveTextContent(/2099/));
    expect(api.admin.jobs.runs.filter((r) => r.job_id === "backup")).toHaveLength(1);
    expect(api.admin.called("runJob")).toEqual([["backup"], ["backup"]]);
  });

  it("a run that fails says so, with the reason", async () => {
    const api = fakeApi({ session: SUPERADMIN });
    api.admin.jobs.willEnd("housekeeping", "failed", "Error de la base de datos: database is locked");
    render(api, "#/admin/jobs");
    const housekeeping = await findCard("Limpieza");
    fireEvent.click(within(housekeeping).getByRole("button", { name: "Ejecutar ahora: Limpieza" }));
    const status = within(housekeeping).getByRole("status");
    expect(await within(status).findByText(/^Falló \(/)).toBeInTheDocument();
    expect(status).toHaveTextContent("Error de la base de datos: database is locked");
    // A paused job runs now too.
    const summary = card("Resumen diario a los administradores");
    fireEvent.click(within(summary).getByRole("button", { name: "Pausar: Resumen diario a los administradores" }));
    await within(summary).findByText("Pausada");
    fireEvent.click(within(summary).getByRole("button", { name: "Ejecutar ahora: Resumen diario a los administradores" }));
    expect(await within(within(summary).getByRole("status")).findByText(/^Terminó bien/)).toBeInTheDocument();
  });

  it("leaving the screen stops following the run", async () => {
    const api = fakeApi({ session: SUPERADMIN });
    api.admin.jobs.hold(true);
    render(api, "#/admin/jobs");
    const backup = await findCard(BACKUP);
    fireEvent.click(within(backup).getByRole("button", { name: `Ejecutar ahora: ${BACKUP}` }));
    await within(within(backup).getByRole("status")).findByText(/^En curso desde las /);
    fireEvent.click(within(sections()).getByRole("link", { name: "Usuarios" }));
    await screen.findByRole("button", { name: "Nuevo usuario" });
    const reads = api.admin.called("jobRuns").length;
    await new Promise((resolve) => setTimeout(resolve, 10 * followTiming.intervalMs));
    expect(api.admin.called("jobRuns")).toHaveLength(reads);
  });

  it("shows a job's last 20 runs on demand", async () => {
    const runs = [
      run(3, "backup", "succeeded", { started_at: "2026-11-21T06:00:00Z", finished_at: "2026-11-21T06:00:00.400Z", detail: "Copia A." }),
      run(5, "backup", "failed", { started_at: "2026-11-22T06:00:00Z", finished_at: "2026-11-22T06:03:05Z", detail: "Error de disco: sin espacio" }),
      run(9, "backup", "running", { started_at: "2026-11-23T06:00:00Z" }),
    ];
    const api = fakeApi({ session: SUPERADMIN, admin: { jobs: { jobs: BUILT_IN_JOBS, runs } } });
    api.admin.jobs.hold(true);
    render(api, "#/admin/jobs");
    const backup = await findCard(BACKUP);
    const toggle = within(backup).getByRole("button", { name: `Ver historial: ${BACKUP}` });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    fireEvent.click(toggle);
    const table = await within(backup).findByRole("table", { name: `Últimas 20 ejecuciones de «${BACKUP}»` });
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(toggle).toHaveAccessibleName(`Ocultar historial: ${BACKUP}`);
    expect(document.getElementById(toggle.getAttribute("aria-controls")!)).toContainElement(table);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getAllByRole("cell").map((c) => c.textContent))).toEqual([
      ["—", "En curso", ""],
      ["3 min 5 s", "Falló", "Error de disco: sin espacio"],
      ["0,4 s", "Terminó bien", "Copia A."],
    ]);
    expect(within(rows[0]!).getByRole("rowheader")).toHaveTextContent(/^23.*nov.*2026, 03:00:00$/);
    expect(api.admin.called("jobRuns")).toEqual([["backup", 20]]);

    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(within(backup).queryByRole("table")).toBeNull();

    const housekeeping = card("Limpieza");
    fireEvent.click(within(housekeeping).getByRole("button", { name: "Ver historial: Limpieza" }));
    expect(await within(housekeeping).findByText("Todavía no corrió nunca.")).toBeInTheDocument();
  });
});
