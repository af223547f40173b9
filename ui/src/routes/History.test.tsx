import { fireEvent, render, screen, waitFor, within } from "@solidjs/testing-library";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "../App";
import { DEFAULT_LOCALE, setLocale } from "../i18n";
import { setApi, type Api } from "../lib/api";
import { resetSessionForTests } from "../lib/session";
import { resetFilterStore } from "../visor/filterStore";
import { resetOutboxForTests } from "../visor/store";
import { detail, summary } from "../../tests/fixtures";
import { fail, fakeApi, ok, SUPERVISOR } from "../../tests/fakeApi";

let previous: Api;

function open(api: Api, hash = "#/history") {
  previous = setApi(api);
  window.location.hash = hash;
  render(() => <App />);
}

const key = (k: string) => fireEvent.keyDown(window, { key: k });

const evaluated = () => [
  summary(1, { status: "approved", evaluator_name: "Supervisor Sur", evaluated_at_local: "2025-01-02 10:00" }),
  summary(2, { status: "rejected", rejection_reason: "Foto borrosa", vendor_id: 50, vendor_name: "Otra Vendedora" }),
  summary(3, { status: "highlighted" }),
];

describe("History", () => {
  beforeEach(() => {
    setLocale(DEFAULT_LOCALE);
    resetSessionForTests();
    resetOutboxForTests();
    resetFilterStore();
    URL.createObjectURL = () => "blob:test";
    URL.revokeObjectURL = () => {};
  });

  afterEach(() => {
    setApi(previous);
    window.location.hash = "";
  });

  it("lists evaluated exhibitions; the status filter asks the server", async () => {
    const asked: Array<string | null> = [];
    const base = fakeApi({ session: SUPERVISOR, evaluated: evaluated() });
    open({
      ...base,
      listExhibitions: (f) => {
        asked.push(f.status);
        return base.listExhibitions(f);
      },
    });
    const list = await screen.findByRole("list", { name: /Exhibiciones evaluadas/ });
    expect(within(list).getAllByRole("button")).toHaveLength(3);
    expect(screen.getByText("por Supervisor Sur, 2 de ene de 2025, 10:00")).toBeInTheDocument();
    expect(asked).toEqual([null]);

    fireEvent.click(screen.getByRole("radio", { name: "Rechazadas" }));
    await waitFor(() =>
      expect(within(screen.getByRole("list", { name: /Exhibiciones evaluadas/ })).queryAllByRole("button")).toHaveLength(1),
    );
    expect(asked).toEqual([null, "rejected"]);
    expect(screen.getAllByText("Foto borrosa").length).toBeGreaterThan(0);
  });

  it("an evaluated possible duplicate is compared with the earlier one there too (V, Esc)", async () => {
    const [first, second, third] = evaluated();
    const duplicate = { ...first!, possible_duplicate: true };
    const base = fakeApi({ session: SUPERVISOR, evaluated: [duplicate, second!, third!] });
    open({
      ...base,
      getExhibition: (id) =>
        id === duplicate.id
          ? ok(
              detail(duplicate, {
                duplicate_of: { id: third!.id, submitted_at: "2024-12-30T13:15:00Z", photo_position: 0, earlier_photo_position: 1 },
                duplicate_of_submitted_at_local: "2024-12-30 10:15",
              }),
            )
          : base.getExhibition(id),
    });
    await screen.findByRole("button", { name: /Comparar con la anterior/ });
    key("v");
    const side = await screen.findByRole("group", { name: "Esta exhibición y la anterior, lado a lado" });
    expect(
      await screen.findByRole("img", { name: "Foto 2 de 2 de la exhibición anterior, del cliente 1003" }),
    ).toBeInTheDocument();
    expect(side).toHaveTextContent("Destacada");
    key("Escape");
    await waitFor(() => expect(screen.queryByRole("group", { name: /lado a lado/ })).toBeNull());
  });

  it("D changes an approved one to highlighted with expected_status = approved", async () => {
    const api = fakeApi({ session: SUPERVISOR, evaluated: evaluated() });
    open(api);
    await screen.findByText("por Supervisor Sur, 2 de ene de 2025, 10:00");
    // Approving an approved one again is not offered.
    expect(screen.getByRole("button", { name: /Aprobar/ })).toBeDisabled();
    key("a");
    key("d");
    await waitFor(() => expect(api.inputs).toHaveLength(1));
    expect(api.inputs[0]).toEqual({
      id: summary(1).id,
      input: { verdict: "highlighted", expected_status: "approved", comment: null, reason: null },
    });
    // The row shows the new verdict.
    const list = screen.getByRole("list", { name: /Exhibiciones evaluadas/ });
    await waitFor(() => expect(within(list).getAllByText("Destacada")).toHaveLength(2));
  });

  it("J/K move through the list; R asks for a reason", async () => {
    const api = fakeApi({ session: SUPERVISOR, evaluated: evaluated() });
    open(api);
    await screen.findByText("por Supervisor Sur, 2 de ene de 2025, 10:00");
    key("j");
    await waitFor(() => expect(screen.getAllByText("Otra Vendedora").length).toBe(2));
    key("r");
    const dialog = await screen.findByRole("dialog", { name: "Motivo del rechazo" });
    fireEvent.keyDown(dialog, { key: "2" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Rechazar" }));
    await waitFor(() => expect(api.inputs).toHaveLength(1));
    expect(api.inputs[0]?.input).toMatchObject({ verdict: "rejected", expected_status: "rejected" });
  });

  it("2 shows the second photo, as in the visor; in the reject dialog digits pick a reason instead", async () => {
    open(fakeApi({ session: SUPERVISOR, evaluated: evaluated() }));
    const second = await screen.findByRole("button", { name: "Ver foto 2 de 2" });
    key("2");
    await waitFor(() => expect(second).toHaveAttribute("aria-pressed", "true"));
    key("1");
    await waitFor(() => expect(screen.getByRole("button", { name: "Ver foto 1 de 2" })).toHaveAttribute("aria-pressed", "true"));
    key("r");
    const dialog = await screen.findByRole("dialog", { name: "Motivo del rechazo" });
    fireEvent.keyDown(dialog, { key: "2" });
    expect(screen.getByRole("button", { name: "Ver foto 1 de 2" })).toHaveAttribute("aria-pressed", "true");
  });

  it("a conflict shows who changed it and the row takes the current verdict", async () => {
    const item = evaluated()[0]!;
    const now = detail({ ...item, status: "rejected", evaluator_name: "Admin Sur" });
    open(
      fakeApi(
        { session: SUPERVISOR, evaluated: evaluated() },
        { evaluateExhibition: () => fail({ code: "conflict", message: "ya evaluada", current: now }) },
      ),
    );
    await screen.findByText("por Supervisor Sur, 2 de ene de 2025, 10:00");
    key("d");
    expect(await screen.findByText(/ya fue evaluada por Admin Sur: Rechazada/)).toBeInTheDocument();
    expect(await screen.findByText("por Admin Sur, 2 de ene de 2025, 10:00")).toBeInTheDocument();
  });

  it("the verdict history shows its times in the distributor's zone and marks the old system's verdicts", async () => {
    const item = evaluated()[0]!;
    const event = { comment: null, reason: null };
    const withHistory = detail(item, {
      history: [
        {
          ...event,
          id: 1,
          actor_name: "María José Pérez",
          from_status: "pending",
          to_status: "approved",
          created_at: "2025-03-02T12:00:00Z",
          imported: true,
        },
        {
          ...event,
          id: 2,
          actor_name: "Supervisor Sur",
          from_status: "approved",
          to_status: "highlighted",
          created_at: "2025-03-10T23:30:00Z",
          imported: false,
        },
      ],
    });
    open(fakeApi({ session: SUPERVISOR, evaluated: evaluated() }, { getExhibition: () => ok(withHistory) }));
    expect(await screen.findByText("Cambios de veredicto (2)")).toBeInTheDocument();
    // 12:00 UTC is 09:00 in Buenos Aires; 23:30 UTC on the 10th is 20:30 there.
    const imported = /^Pendiente → Aprobada, por María José Pérez en el sistema anterior \(2 (de )?mar\.? (de )?2025, 09:00\)/;
    expect(screen.getByText(imported)).toBeInTheDocument();
    const here = /^Aprobada → Destacada, por Supervisor Sur \(10 (de )?mar\.? (de )?2025, 20:30\)/;
    expect(screen.getByText(here)).toBeInTheDocument();
  });

  it("filters by vendor (choices from the listings)", async () => {
    const asked: Array<number | null> = [];
    const base = fakeApi({ session: SUPERVISOR, evaluated: evaluated() });
    open({
      ...base,
      listExhibitions: (f) => {
        asked.push(f.vendor);
        return base.listExhibitions(f);
      },
    });
    await screen.findByText("por Supervisor Sur, 2 de ene de 2025, 10:00");
    fireEvent.click(screen.getByRole("button", { name: /^Filtros/ }));
    const vendor = screen.getByLabelText("Vendedor") as HTMLSelectElement;
    fireEvent.change(vendor, { target: { value: "50" } });
    await waitFor(() => expect(asked).toEqual([null, 50]));
    const list = await screen.findByRole("list", { name: /Exhibiciones evaluadas/ });
    await waitFor(() => expect(within(list).getAllByRole("button")).toHaveLength(1));
    expect(screen.getByRole("button", { name: "Quitar filtros (1)" })).toBeInTheDocument();
  });

  it("'Posibles duplicados' asks the server for the possible duplicates alone", async () => {
    const asked: Array<boolean | null> = [];
    const [first, second, third] = evaluated();
    const base = fakeApi({ session: SUPERVISOR, evaluated: [first!, { ...second!, possible_duplicate: true }, third!] });
    open({
      ...base,
      listExhibitions: (f) => {
        asked.push(f.possible_duplicate);
        return base.listExhibitions(f);
      },
    });
    await screen.findByText("por Supervisor Sur, 2 de ene de 2025, 10:00");
    fireEvent.click(screen.getByRole("button", { name: /^Filtros/ }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Posibles duplicados" }));
    await waitFor(() => expect(asked).toEqual([null, true]));
    const list = await screen.findByRole("list", { name: /Exhibiciones evaluadas/ });
    await waitFor(() => expect(within(list).getAllByRole("button")).toHaveLength(1));
    expect(within(list).getByRole("button")).toHaveTextContent("Otra Vendedora");
    expect(screen.getByRole("button", { name: "Quitar filtros (1)" })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Quitar filtros (1)" }));
    await waitFor(() => expect(asked).toEqual([null, true, null]));
  });

  it("filters by customer number once typed and committed; letters are reported and not sent", async () => {
    const asked: Array<string | null> = [];
    const items = [summary(1, { status: "approved" }), summary(2, { status: "rejected", customer_number: "4242" })];
    const base = fakeApi({ session: SUPERVISOR, evaluated: items });
    open({
      ...base,
      listExhibitions: (f) => {
        asked.push(f.customer);
        return base.listExhibitions(f);
      },
    });
    const list = await screen.findByRole("list", { name: /Exhibiciones evaluadas/ });
    await waitFor(() => expect(within(list).getAllByRole("button")).toHaveLength(2));
    fireEvent.click(screen.getByRole("button", { name: /^Filtros/ }));
    const customer = screen.getByLabelText("N.º de cliente") as HTMLInputElement;
    fireEvent.input(customer, { target: { value: "4a" } });
    fireEvent.change(customer, { target: { value: "4a" } });
    expect(await screen.findByText(/El número de cliente solo puede tener dígitos/)).toBeInTheDocument();
    expect(customer).toHaveAttribute("aria-invalid", "true");
    expect(asked.filter((c) => c !== null)).toEqual([]);

    fireEvent.input(customer, { target: { value: "4.242" } });
    fireEvent.keyDown(customer, { key: "Enter" });
    await waitFor(() => expect(asked[asked.length - 1]).toBe("4242"));
    await waitFor(() =>
      expect(within(screen.getByRole("list", { name: /Exhibiciones evaluadas/ })).getAllByRole("button")).toHaveLength(1),
    );
    expect(screen.queryByText(/El número de cliente solo puede tener dígitos/)).not.toBeInTheDocument();
    // Typing in the field is not a shortcut.
    fireEvent.keyDown(customer, { key: "h" });
    expect(asked[asked.length - 1]).toBe("4242");
  });

  it("H shows every evaluated exhibition of the shop on screen, whatever the other filters were", async () => {
    const items = [
      summary(1, { status: "approved", customer_number: "777" }),
      summary(2, { status: "rejected", customer_number: "555", vendor_id: 50 }),
      summary(3, { status: "highlighted", customer_number: "777", vendor_id: 51, vendor_name: "Otro" }),
    ];
    open(fakeApi({ session: SUPERVISOR, evaluated: items }));
    const list = await screen.findByRole("list", { name: /Exhibiciones evaluadas/ });
    await waitFor(() => expect(within(list).getAllByRole("button")).toHaveLength(3));
    fireEvent.click(screen.getByRole("radio", { name: "Aprobadas" }));
    await waitFor(() =>
      expect(within(screen.getByRole("list", { name: /Exhibiciones evaluadas/ })).getAllByRole("button")).toHaveLength(1),
    );
    key("h");
    await waitFor(() =>
      expect(within(screen.getByRole("list", { name: /Exhibiciones evaluadas/ })).getAllByRole("button")).toHaveLength(2),
    );
    expect(screen.getByRole("radio", { name: "Todas las evaluadas" })).toBeChecked();
    expect((screen.getByLabelText("N.º de cliente") as HTMLInputElement).value).toBe("777");
    expect(screen.getByRole("button", { name: "Quitar filtros (1)" })).toBeInTheDocument();
  });

  it("F focuses the filters; Esc leaves them", async () => {
    open(fakeApi({ session: SUPERVISOR, evaluated: evaluated() }));
    await screen.findByText("por Supervisor Sur, 2 de ene de 2025, 10:00");
    key("f");
    expect(document.activeElement).toBe(screen.getByLabelText("Grupo"));
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(document.activeElement).not.toBe(screen.getByLabelText("Grupo"));
  });

  it("from the visor, H (or the link by the customer number) opens that shop's history", async () => {
    const asked: Array<{ status: string | null; customer: string | null }> = [];
    const base = fakeApi({
      session: SUPERVISOR,
      pending: [summary(1, { customer_number: "777" })],
      evaluated: [summary(2, { status: "approved", customer_number: "777" }), summary(3, { status: "rejected" })],
    });
    open(
      {
        ...base,
        listExhibitions: (f) => {
          asked.push({ status: f.status, customer: f.customer });
          return base.listExhibitions(f);
        },
      },
      "#/visor",
    );
    await screen.findByText("Vendedor 1");
    expect(screen.getByRole("button", { name: "Historial del cliente H" })).toBeInTheDocument();
    key("h");
    await waitFor(() => expect(window.location.hash).toBe("#/history"));
    const list = await screen.findByRole("list", { name: /Exhibiciones evaluadas/ });
    await waitFor(() => expect(within(list).getAllByRole("button")).toHaveLength(1));
    expect(asked[asked.length - 1]).toEqual({ status: null, customer: "777" });
    expect(screen.getAllByText("Vendedor 2").length).toBeGreaterThan(0);
  });

  it("the visor's queue has the same filters and tabs", async () => {
    const asked: Array<number | null> = [];
    const base = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2, { group_id: 4, group_title: "Norte" })] });
    open(
      {
        ...base,
        listExhibitions: (f) => {
          asked.push(f.group);
          return base.listExhibitions(f);
        },
      },
      "#/visor",
    );
    await screen.findByText("Vendedor 1");
    expect(screen.getByRole("navigation", { name: "Revisión" })).toBeInTheDocument();
    key("f");
    fireEvent.change(screen.getByLabelText("Grupo"), { target: { value: "4" } });
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    expect(asked).toEqual([null, 4]);
  });
});
