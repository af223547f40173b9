import { createSignal } from "solid-js";

/**
 * The last thing a screen says it did ("Cambios guardados."), kept as a way to
 * write it rather than as text, so it follows a change of language.
 */
export function createNotice() {
  const [current, setCurrent] = createSignal<{ render: () => string } | null>(null);
  return {
    text: (): string | null => current()?.render() ?? null,
    say: (render: () => string) => setCurrent({ render }),
    clear: () => setCurrent(null),
  };
}
