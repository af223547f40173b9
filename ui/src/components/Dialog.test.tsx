import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { createSignal, Show } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { Dialog } from "./Dialog";

describe("Dialog", () => {
  it("takes the focus, keeps Tab inside, closes with Esc and gives the focus back", async () => {
    const closed = vi.fn();
    render(() => {
      const [open, setOpen] = createSignal(false);
      return (
        <>
          <button type="button" onClick={() => setOpen(true)}>
            Abrir
          </button>
          <Show when={open()}>
            <Dialog
              title="Título"
              onClose={() => {
                closed();
                setOpen(false);
              }}
            >
              <input aria-label="Primero" />
              <button type="button">Último</button>
            </Dialog>
          </Show>
        </>
      );
    });
    const opener = screen.getByRole("button", { name: "Abrir" });
    opener.focus();
    fireEvent.click(opener);
    const dialog = await screen.findByRole("dialog", { name: "Título" });
    const first = screen.getByLabelText("Primero");
    const last = screen.getByRole("button", { name: "Último" });
    expect(document.activeElement).toBe(first);
    last.focus();
    fireEvent.keyDown(last, { key: "Tab" });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(last);
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(closed).toHaveBeenCalledOnce();
    await waitFor(() => expect(document.activeElement).toBe(opener));
  });

  it("does not close with Esc while busy", () => {
    const closed = vi.fn();
    render(() => (
      <Dialog title="Guardando" busy onClose={closed}>
        <button type="button">Nada</button>
      </Dialog>
    ));
    fireEvent.keyDown(screen.getByRole("dialog"), { key: "Escape" });
    expect(closed).not.toHaveBeenCalled();
  });
});
