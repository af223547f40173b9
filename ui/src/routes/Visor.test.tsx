import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "../App";
import { DEFAULT_LOCALE, setLocale } from "../i18n";
import { setApi, type Api } from "../lib/api";
import { resetSessionForTests } from "../lib/session";
import { resetOutboxForTests } from "../visor/store";
import { detail, summary } from "../../tests/fixtures";
import { fail, fakeApi, ok, SUPERVISOR } from "../../tests/fakeApi";

let previous: Api;

function open(api: Api) {
  previous = setApi(api);
  window.location.hash = "#/visor";
  render(() => <App />);
}

const key = (k: string) => fireEvent.keyDown(window, { key: k });

describe("Visor", () => {
  beforeEach(() => {
    setLocale(DEFAULT_LOCALE);
    resetSessionForTests();
    resetOutboxForTests();
    URL.createObjectURL = () => "blob:test";
    URL.revokeObjectURL = () => {};
  });

  afterEach(() => {
    setApi(previous);
    window.location.hash = "";
  });

  it("shows the oldest pending exhibition with its facts and a duplicate warning", async () => {
    open(fakeApi({ session: SUPERVISOR, pending: [summary(1, { possible_duplicate: true }), summary(2)] }));
    expect(await screen.findByText("Vendedor 1")).toBeInTheDocument();
    expect(screen.getByText("Ventas Zona Sur")).toBeInTheDocument();
    expect(screen.getByText("1001")).toBeInTheDocument();
    expect(screen.getByText("Kiosco")).toBeInTheDocument();
    expect(screen.getByText("2 de ene de 2025, 09:00")).toBeInTheDocument();
    expect(screen.getByRole("note")).toHaveTextContent("Posible duplicado");
    expect(await screen.findByRole("button", { name: "Ver foto 2 de 2" })).toBeInTheDocument();
  });

  it("keys 1–9 show the exhibition's photos; a number it has no photo for changes nothing", async () => {
    open(fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2)] }));
    const first = await screen.findByRole("button", { name: "Ver foto 1 de 2" });
    const second = screen.getByRole("button", { name: "Ver foto 2 de 2" });
    expect(first).toHaveAttribute("aria-pressed", "true");
    expect(second).toHaveTextContent("2");
    key("2");
    await waitFor(() => expect(second).toHaveAttribute("aria-pressed", "true"));
    expect(first).toHaveAttribute("aria-pressed", "false");
    expect(await screen.findByRole("img", { name: /^Foto 2 de 2/ })).toBeInTheDocument();
    key("3");
    expect(second).toHaveAttribute("aria-pressed", "true");
    key("1");
    await waitFor(() => expect(first).toHaveAttribute("aria-pressed", "true"));
    // The next exhibition starts at its first photo.
    key("2");
    key("ArrowRight");
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("button", { name: "Ver foto 1 de 2" })).toHaveAttribute("aria-pressed", "true"));
  });

  it("the duplicate warning names the earlier submission from the detail", async () => {
    const item = summary(1, { possible_duplicate: true });
    const earlier = summary(7);
    open(
      fakeApi(
        { session: SUPERVISOR, pending: [item] },
        {
          getExhibition: () =>
            Promise.resolve({
              status: "ok",
              data: detail(item, {
                duplicate_of: { id: earlier.id, submitted_at: "2024-12-30T13:15:00Z" },
                duplicate_of_submitted_at_local: "2024-12-30 10:15",
              }),
            }),
        },
      ),
    );
    const note = await screen.findByRole("note");
    await waitFor(() =>
      expect(note).toHaveTextContent(
        `Posible duplicado: esta foto ya se había recibido antes. Se parece a la exhibición enviada el 30 de dic de 2024, 10:15.`,
      ),
    );
  });

  /** A possible duplicate (customer 1001) of an approved exhibition of customer 1007, and a plain one after it. */
  function duplicateQueue(earlierAnswer?: () => ReturnType<Api["getExhibition"]>) {
    const item = summary(1, { possible_duplicate: true });
    const earlier = summary(7, { status: "approved", evaluator_name: "Ana Supervisora", evaluated_at_local: "2024-12-30 11:00" });
    const photos: Array<[string, number]> = [];
    const api = fakeApi(
      { session: SUPERVISOR, pending: [item, summary(2)], evaluated: [earlier] },
      {
        getExhibition: (id) => {
          if (id === earlier.id && earlierAnswer) return earlierAnswer();
          const found = [item, summary(2), earlier].find((e) => e.id === id)!;
          return Promise.resolve({
            status: "ok",
            data:
              found === item
                ? detail(item, {
                    // The server paired this exhibition's second photo with the earlier one's first.
                    duplicate_of: {
                      id: earlier.id,
                      submitted_at: "2024-12-30T13:15:00Z",
                      photo_position: 1,
                      earlier_photo_position: 0,
                    },
                    duplicate_of_submitted_at_local: "2024-12-30 10:15",
                  })
                : detail(found),
          });
        },
        exhibitionPhoto: (id, position) => {
          photos.push([id, position]);
          return Promise.resolve({ status: "ok", data: new Uint8Array([0xff, 0xd8, 0xff]).buffer as never });
        },
      },
    );
    return { api, item, earlier, photos };
  }

  it("V puts a possible duplicate beside the earlier exhibition, on the photos that look alike; V, Esc or the next one end it", async () => {
    const { api, earlier, photos } = duplicateQueue();
    open(api);
    const compare = await screen.findByRole("button", { name: /Comparar con la anterior/ });
    expect(compare).toHaveAttribute("aria-pressed", "false");
    key("v");
    const side = await screen.findByRole("group", { name: "Esta exhibición y la anterior, lado a lado" });
    expect(compare).toHaveAttribute("aria-pressed", "true");
    // This exhibition on its second photo (the one the server paired), the earlier one on its first.
    expect(await screen.findByRole("img", { name: "Foto 2 de 2 de la exhibición del cliente 1001" })).toBeInTheDocument();
    expect(
      await screen.findByRole("img", { name: "Foto 1 de 2 de la exhibición anterior, del cliente 1007" }),
    ).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Ver foto 2 de 2" })).toHaveAttribute("aria-pressed", "true");
    expect(photos).toContainEqual([earlier.id, 0]);
    // Who sent the earlier one, for which shop, and what became of it.
    expect(side).toHaveTextContent("La anterior enviada el 30 de dic de 2024, 10:15");
    expect(side).toHaveTextContent("Vendedor 7");
    expect(side).toHaveTextContent("Aprobada, por Ana Supervisora");
    // The earlier one's other photo, from its own strip.
    fireEvent.click(screen.getByRole("button", { name: "Ver foto 2 de 2 de la anterior" }));
    expect(
      await screen.findByRole("img", { name: "Foto 2 de 2 de la exhibición anterior, del cliente 1007" }),
    ).toBeInTheDocument();
    expect(photos).toContainEqual([earlier.id, 1]);
    // Esc goes back to the photo with its zoom buttons; the earlier one's photos are freed.
    let revoked = 0;
    URL.revokeObjectURL = () => {
      revoked += 1;
    };
    key("Escape");
    await waitFor(() => expect(screen.queryByRole("group", { name: /lado a lado/ })).toBeNull());
    // Its two photos and its strip's two thumbnails.
    await waitFor(() => expect(revoked).toBe(4));
    expect(screen.getByRole("button", { name: "Acercar" })).toBeInTheDocument();
    key("v");
    await screen.findByRole("group", { name: /lado a lado/ });
    key("v");
    await waitFor(() => expect(screen.queryByRole("group", { name: /lado a lado/ })).toBeNull());
    key("v");
    await screen.findByRole("group", { name: /lado a lado/ });
    // The next exhibition is shown alone; it is no duplicate, so V does nothing there.
    key("ArrowRight");
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    expect(screen.queryByRole("group", { name: /lado a lado/ })).toBeNull();
    key("v");
    expect(screen.queryByRole("group", { name: /lado a lado/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /Comparar con la anterior/ })).toBeNull();
  });

  it("a verdict given while comparing is for the exhibition on screen, and the next one comes alone", async () => {
    const { api, item } = duplicateQueue();
    open(api);
    await screen.findByRole("button", { name: /Comparar con la anterior/ });
    key("v");
    await screen.findByRole("group", { name: /lado a lado/ });
    key("r");
    fireEvent.click(await screen.findByRole("radio", { name: /Foto repetida \(ya enviada antes\)/ }));
    fireEvent.click(screen.getByRole("button", { name: "Rechazar" }));
    await waitFor(() =>
      expect(api.evaluations).toEqual([{ id: item.id, verdict: "rejected", reason: "Foto repetida (ya enviada antes)" }]),
    );
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    expect(screen.queryByRole("group", { name: /lado a lado/ })).toBeNull();
  });

  it("a duplicate found after the queue was listed (its photo was still being stored) is shown as one", async () => {
    const item = summary(1, { possible_duplicate: false });
    open(
      fakeApi(
        { session: SUPERVISOR, pending: [item], evaluated: [summary(7, { status: "approved" })] },
        {
          getExhibition: (id) =>
            ok(
              id === item.id
                ? detail(item, { duplicate_of: { id: summary(7).id, submitted_at: "2024-12-30T13:15:00Z" } })
                : detail(summary(7, { status: "approved" })),
            ),
        },
      ),
    );
    expect(await screen.findByRole("note")).toHaveTextContent("Posible duplicado");
    key("v");
    expect(await screen.findByRole("group", { name: /lado a lado/ })).toBeInTheDocument();
  });

  it("compared, a photo of this exhibition the server gave up on says so, as it does alone", async () => {
    const item = summary(1, { possible_duplicate: true });
    const earlier = summary(7, { status: "approved" });
    open(
      fakeApi(
        { session: SUPERVISOR, pending: [item], evaluated: [earlier] },
        {
          getExhibition: (id) => {
            if (id !== item.id) return ok(detail(earlier));
            const stored = detail(item, { duplicate_of: { id: earlier.id, submitted_at: "2024-12-30T13:15:00Z" } });
            const photos = stored.photos.map((p) => ({ ...p, storage_key: null, upload_state: "failed" as const }));
            return ok({ ...stored, photos });
          },
        },
      ),
    );
    await screen.findByRole("button", { name: /Comparar con la anterior/ });
    key("v");
    const side = await screen.findByRole("group", { name: /lado a lado/ });
    await waitFor(() => expect(side).toHaveTextContent("Esta foto no se pudo guardar"));
    expect(side).not.toHaveTextContent("La foto todavía no está disponible.");
  });

  it("an earlier exhibition that cannot be fetched says why, beside this one's photo", async () => {
    const { api } = duplicateQueue(() => fail({ code: "not_found", message: "No encontrado." }));
    open(api);
    await screen.findByRole("button", { name: /Comparar con la anterior/ });
    key("v");
    const side = await screen.findByRole("group", { name: /lado a lado/ });
    await waitFor(() => expect(side).toHaveTextContent("No se puede mostrar la exhibición anterior:"));
    expect(await screen.findByRole("img", { name: "Foto 2 de 2 de la exhibición del cliente 1001" })).toBeInTheDocument();
  });

  it("from a server that does not write the earlier time, it is put in the distributor's zone here", async () => {
    const item = summary(1, { possible_duplicate: true });
    open(
      fakeApi(
        { session: SUPERVISOR, pending: [item] },
        {
          getExhibition: () =>
            Promise.resolve({
              status: "ok",
              data: detail(item, {
                time_zone: "America/Argentina/Buenos_Aires",
                duplicate_of: { id: summary(7).id, submitted_at: "2024-12-31T02:15:00Z" },
                duplicate_of_submitted_at_local: null,
              }),
            }),
        },
      ),
    );
    const note = await screen.findByRole("note");
    // 02:15 UTC on the 31st is still the 30th, 23:15, in Buenos Aires.
    await waitFor(() => expect(note).toHaveTextContent("Se parece a la exhibición enviada el 30 de dic de 2024, 23:15."));
  });

  it("a photo still being stored shows up by itself once the server has it", async () => {
    const item = summary(1);
    let asked = 0;
    open(
      fakeApi(
        { session: SUPERVISOR, pending: [item] },
        {
          getExhibition: () => {
            asked += 1;
            const stored = detail(item);
            // The first answer: the bot acknowledged the photos, the store has not finished.
            const photos = asked === 1 ? stored.photos.map((p) => ({ ...p, storage_key: null, upload_state: "pending" as const })) : stored.photos;
            return Promise.resolve({ status: "ok", data: { ...stored, photos } });
          },
        },
      ),
    );
    expect(await screen.findByText("La foto todavía no está disponible.")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText("La foto todavía no está disponible.")).toBeNull(), {
      timeout: 5000,
    });
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(await screen.findByRole("img", { name: /Foto 1 de 2/ })).toBeInTheDocument();
  });

  it("a photo the server gave up on says so, and is not asked for again", { timeout: 10000 }, async () => {
    const item = summary(1);
    let asked = 0;
    open(
      fakeApi(
        { session: SUPERVISOR, pending: [item] },
        {
          getExhibition: () => {
            asked += 1;
            const stored = detail(item);
            const photos = stored.photos.map((p) => ({ ...p, storage_key: null, upload_state: "failed" as const }));
            return Promise.resolve({ status: "ok", data: { ...stored, photos } });
          },
        },
      ),
    );
    expect(
      await screen.findByText("Esta foto no se pudo guardar (pesaba más de 20 MB, o ya no estaba en Google Drive)."),
    ).toBeInTheDocument();
    expect(screen.queryByText("La foto todavía no está disponible.")).toBeNull();
    // Past the 2 s after which a photo still on its way is asked for again.
    await new Promise((resolve) => setTimeout(resolve, 2600));
    expect(asked).toBe(1);
  });

  it("A approves and the next exhibition shows at once; arrows move", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2), summary(3)] });
    open(api);
    await screen.findByText("Vendedor 1");
    key("a");
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    await waitFor(() => expect(api.evaluations).toEqual([{ id: summary(1).id, verdict: "approved", reason: null }]));
    key("ArrowRight");
    expect(await screen.findByText("Vendedor 3")).toBeInTheDocument();
    key("k");
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
  });

  it("U brings the last verdict back to change it; the server is told the verdict it has", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2)] });
    open(api);
    await screen.findByText("Vendedor 1");
    key("a");
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    expect(await screen.findByText("Aprobada: cliente 1001.")).toBeInTheDocument();
    await waitFor(() => expect(api.inputs).toHaveLength(1));
    key("u");
    expect(await screen.findByText("Vendedor 1")).toBeInTheDocument();
    expect(screen.getByText("Ya evaluada: Aprobada. Elegí otro veredicto o seguí con →.")).toBeInTheDocument();
    expect(screen.queryByText("Aprobada: cliente 1001.")).toBeNull();
    // Approving it again would change nothing.
    expect(screen.getByRole("button", { name: /^Aprobar/ })).toBeDisabled();
    key("a");
    key("d");
    await waitFor(() => expect(api.inputs).toHaveLength(2));
    expect(api.inputs[1]).toEqual({
      id: summary(1).id,
      input: { verdict: "highlighted", expected_status: "approved", comment: null, reason: null },
    });
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    expect(await screen.findByText("Destacada: cliente 1001.")).toBeInTheDocument();
  });

  it("U again takes back the verdict before, newest first, each with what the server recorded", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2), summary(3), summary(4)] });
    open(api);
    await screen.findByText("Vendedor 1");
    key("a");
    await screen.findByText("Vendedor 2");
    key("d");
    await screen.findByText("Vendedor 3");
    key("a");
    await screen.findByText("Vendedor 4");
    await waitFor(() => expect(api.inputs).toHaveLength(3));
    expect(await screen.findByText("Aprobada: cliente 1003.")).toBeInTheDocument();

    key("u");
    expect(await screen.findByText("Vendedor 3")).toBeInTheDocument();
    expect(screen.getByText("Ya evaluada: Aprobada. Elegí otro veredicto o seguí con →.")).toBeInTheDocument();
    // The bar now offers the one before.
    expect(await screen.findByText("Destacada: cliente 1002.")).toBeInTheDocument();
    key("u");
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    expect(screen.getByText("Ya evaluada: Destacada. Elegí otro veredicto o seguí con →.")).toBeInTheDocument();
    expect(await screen.findByText("Aprobada: cliente 1001.")).toBeInTheDocument();
    key("u");
    expect(await screen.findByText("Vendedor 1")).toBeInTheDocument();
    expect(screen.getByText("Ya evaluada: Aprobada. Elegí otro veredicto o seguí con →.")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("button", { name: /^Deshacer/ })).toBeNull());
    // Nothing more to take back: U changes nothing.
    key("u");
    expect(screen.getByText("Vendedor 1")).toBeInTheDocument();

    // The first one changed: the server is told the verdict it recorded.
    key("r");
    const dialog = await screen.findByRole("dialog", { name: "Motivo del rechazo" });
    fireEvent.keyDown(dialog, { key: "1" });
    fireEvent.click(screen.getByRole("button", { name: /^Rechazar$/ }));
    await waitFor(() => expect(api.inputs).toHaveLength(4));
    expect(api.inputs[3]).toMatchObject({
      id: summary(1).id,
      input: { verdict: "rejected", expected_status: "approved" },
    });
    expect(api.inputs).toHaveLength(4);
  });

  it("an undone exhibition left as it was leaves the queue with →", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2)] });
    open(api);
    await screen.findByText("Vendedor 1");
    key("a");
    await screen.findByText("Vendedor 2");
    await waitFor(() => expect(api.inputs).toHaveLength(1));
    key("u");
    await screen.findByText("Ya evaluada: Aprobada. Elegí otro veredicto o seguí con →.");
    key("ArrowRight");
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    key("ArrowLeft");
    expect(screen.queryByText("Vendedor 1")).toBeNull();
    expect(api.inputs).toHaveLength(1);
  });

  it("U on a verdict that never reached the server drops it: the exhibition is pending again", async () => {
    resetOutboxForTests({ retryDelaysMs: [60_000] });
    const api = fakeApi(
      { session: SUPERVISOR, pending: [summary(1), summary(2)] },
      { evaluateExhibition: () => fail({ code: "unreachable", message: "connection refused" }) },
    );
    open(api);
    await screen.findByText("Vendedor 1");
    key("r");
    const dialog = await screen.findByRole("dialog", { name: "Motivo del rechazo" });
    fireEvent.keyDown(dialog, { key: "1" });
    fireEvent.click(screen.getByRole("button", { name: /^Rechazar$/ }));
    await screen.findByText("Vendedor 2");
    await screen.findByText(/se reintentarán solos/);
    key("u");
    expect(await screen.findByText("Vendedor 1")).toBeInTheDocument();
    expect(screen.queryByText(/Ya evaluada/)).toBeNull();
    expect(screen.getByRole("button", { name: /^Aprobar/ })).toBeEnabled();
    await waitFor(() => expect(screen.queryByText(/se reintentarán solos/)).toBeNull());
  });

  it("R asks for a reason; a number picks it; the Spanish reason is sent", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2)] });
    open(api);
    await screen.findByText("Vendedor 1");
    key("r");
    const dialog = await screen.findByRole("dialog", { name: "Motivo del rechazo" });
    // The dialog takes the focus: a keyboard user is on the first reason at once.
    expect(document.activeElement).toBe(screen.getByRole("radio", { name: /Foto borrosa/ }));
    fireEvent.keyDown(dialog, { key: "1" });
    expect(screen.getByRole("radio", { name: /Foto borrosa/ })).toBeChecked();
    fireEvent.click(screen.getByRole("button", { name: "Rechazar" }));
    await waitFor(() => expect(api.evaluations).toEqual([{ id: summary(1).id, verdict: "rejected", reason: "Foto borrosa" }]));
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
  });

  it("Esc closes the reject dialog without a verdict; ? shows the shortcuts", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1)] });
    open(api);
    await screen.findByText("Vendedor 1");
    key("r");
    await screen.findByRole("dialog");
    key("Escape");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    key("?");
    const help = await screen.findByRole("dialog", { name: "Atajos de teclado del visor" });
    expect(help).toHaveTextContent("Aprobar");
    expect(help).toHaveTextContent("Siguiente exhibición");
    key("Escape");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.evaluations).toEqual([]);
  });

  it("a 409 says who evaluated it and what they decided", async () => {
    const item = summary(1);
    const current = detail({ ...item, status: "highlighted", evaluator_name: "Sofía" });
    open(
      fakeApi(
        { session: SUPERVISOR, pending: [item, summary(2)] },
        { evaluateExhibition: () => fail({ code: "conflict", message: "ya evaluada", current }) },
      ),
    );
    await screen.findByText("Vendedor 1");
    key("a");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "La exhibición del cliente 1001 ya fue evaluada por Sofía: Destacada. Tu veredicto no se guardó.",
    );
  });

  it("a network error shows a banner and keeps the verdict for retrying", async () => {
    resetOutboxForTests({ retryDelaysMs: [] });
    let down = true;
    const base = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2)] });
    const api = fakeApi(
      { session: SUPERVISOR, pending: [summary(1), summary(2)] },
      {
        evaluateExhibition: (id, input) =>
          down ? fail({ code: "unreachable", message: "connection refused" }) : base.evaluateExhibition(id, input),
      },
    );
    open(api);
    await screen.findByText("Vendedor 1");
    key("a");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("No se pudo enviar el veredicto de la exhibición del cliente 1001");
    expect(alert).toHaveTextContent("No se pudo conectar con el servidor");
    down = false;
    fireEvent.click(screen.getByRole("button", { name: "Reintentar" }));
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect(base.evaluations.map((e) => e.verdict)).toEqual(["approved"]);
  });

  it("follows live events while open: a new exhibition appears by itself in an empty queue", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [] });
    open(api);
    expect(await screen.findByText("No hay exhibiciones pendientes. ¡Todo al día!")).toBeInTheDocument();
    await waitFor(() => expect(api.following()).toBe(true));
    api.live({ kind: "connected", reconnected: false });
    expect(await screen.findByText("Las exhibiciones nuevas aparecen acá solas, en cuanto llegan.")).toBeInTheDocument();
    api.arrive(summary(5));
    api.live({ kind: "exhibition_created", exhibition_id: summary(5).id });
    expect(await screen.findByText("Vendedor 5")).toBeInTheDocument();
    // And it can be decided at once, like any other.
    key("a");
    await waitFor(() => expect(api.evaluations).toEqual([{ id: summary(5).id, verdict: "approved", reason: null }]));
  });

  it("arrivals join the end of the queue; verdicts already given do not come back", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2)] });
    open(api);
    await screen.findByText("Vendedor 1");
    await waitFor(() => expect(api.following()).toBe(true));
    key("a"); // still "pending" on this fake server, which keeps what it listed
    expect(await screen.findByText("Vendedor 2")).toBeInTheDocument();
    api.arrive(summary(3));
    api.live({ kind: "exhibition_created", exhibition_id: summary(3).id });
    await waitFor(() => expect(screen.getByText("1 de 2")).toBeInTheDocument());
    key("ArrowRight");
    expect(await screen.findByText("Vendedor 3")).toBeInTheDocument();
    key("ArrowRight");
    expect(screen.getByText("2 de 2")).toBeInTheDocument();
  });

  it("a verdict given elsewhere takes the item out of the queue, or says so when it is on screen", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1), summary(2), summary(3)] });
    open(api);
    await screen.findByText("Vendedor 1");
    await waitFor(() => expect(api.following()).toBe(true));
    api.evaluateElsewhere(summary(2).id);
    api.live({ kind: "exhibition_evaluated", exhibition_id: summary(2).id, status: "approved" });
    await waitFor(() => expect(screen.getByText("1 de 2")).toBeInTheDocument());
    api.live({ kind: "exhibition_evaluated", exhibition_id: summary(1).id, status: "rejected" });
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Otra persona acaba de evaluar esta exhibición: Rechazada. Pasá a la siguiente con →.",
    );
    key("ArrowRight");
    expect(await screen.findByText("Vendedor 3")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("a dropped live connection shows a banner until it is back, and then looks for what it missed", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [] });
    open(api);
    await screen.findByText("No hay exhibiciones pendientes. ¡Todo al día!");
    await waitFor(() => expect(api.following()).toBe(true));
    api.live({ kind: "connected", reconnected: false });
    api.live({ kind: "disconnected", retry_in_ms: 1000, reason: "connection refused" });
    expect(await screen.findByText(/Se cortó la conexión en vivo con el servidor/)).toBeInTheDocument();
    api.arrive(summary(8)); // sent while the stream was down: no event for it
    api.live({ kind: "connected", reconnected: true });
    expect(await screen.findByText("Vendedor 8")).toBeInTheDocument();
    expect(screen.queryByText(/Se cortó la conexión en vivo/)).toBeNull();
  });

  it("follows live events while signed in (the queue, the pending badge) and stops at sign-out", async () => {
    const api = fakeApi({ session: SUPERVISOR, pending: [summary(1)] });
    open(api);
    await screen.findByText("Vendedor 1");
    await waitFor(() => expect(api.following()).toBe(true));
    window.location.hash = "#/about";
    await screen.findByRole("heading", { name: "Acerca de CenterMind" });
    expect(api.following()).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Cerrar sesión" }));
    await waitFor(() => expect(api.following()).toBe(false));
  });

  it("the position counts what the server has pending beyond the page loaded, and follows verdicts", async () => {
    let waiting = 137;
    const api = fakeApi(
      // What the fake finds by id (details, verdicts): the first pages.
      { session: SUPERVISOR, pending: Array.from({ length: 30 }, (_, i) => summary(i + 1)) },
      {
        // Pages of three, and always more on the server.
        listExhibitions: (filter) => {
          const from = filter.cursor === null ? 0 : Number(filter.cursor);
          return Promise.resolve({
            status: "ok",
            data: { items: Array.from({ length: 3 }, (_, i) => summary(from + i + 1)), next_cursor: String(from + 3) },
          });
        },
        countExhibitions: (filter) =>
          Promise.resolve({
            status: "ok",
            data: {
              count: filter.status === "pending" ? waiting : 0,
              oldest_submitted_at: null,
              oldest_submitted_at_local: null,
            },
          }),
      },
    );
    open(api);
    expect(await screen.findByText("1 de 137")).toBeInTheDocument();
    waiting = 136;
    key("a");
    expect(await screen.findByText("1 de 136")).toBeInTheDocument();
  });

  it("says so when the queue is empty", async () => {
    open(fakeApi({ session: SUPERVISOR, pending: [] }));
    expect(await screen.findByText("No hay exhibiciones pendientes. ¡Todo al día!")).toBeInTheDocument();
  });
  it("a queue of 100 is cleared with the keyboard alone, mixing all three verdicts", async () => {
    const pending = Array.from({ length: 100 }, (_, i) => summary(i + 1));
    const api = fakeApi({ session: SUPERVISOR, pending });
    open(api);
    const expected: Array<{ id: string; verdict: string; reason: string | null }> = [];
    for (const [i, item] of pending.entries()) {
      // The exhibition on screen is always the oldest one not yet decided.
      expect(await screen.findByText(item.vendor_name)).toBeInTheDocument();
      if (i % 10 === 3) {
        key("r");
        const dialog = await screen.findByRole("dialog");
        fireEvent.keyDown(dialog, { key: "1" });
        // Enter in a form submits it in a browser; jsdom does not, so submit stands for it.
        fireEvent.submit(dialog.querySelector("form")!);
        expected.push({ id: item.id, verdict: "rejected", reason: "Foto borrosa" });
      } else if (i % 10 === 7) {
        key("d");
        expected.push({ id: item.id, verdict: "highlighted", reason: null });
      } else {
        key("a");
        expected.push({ id: item.id, verdict: "approved", reason: null });
      }
    }
    expect(await screen.findByText("No hay exhibiciones pendientes. ¡Todo al día!")).toBeInTheDocument();
    await waitFor(() => expect(api.evaluations).toHaveLength(100));
    expect(api.evaluations).toEqual(expected);
  });
});
