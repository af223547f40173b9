import { onCleanup, onMount, type JSX } from "solid-js";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: it takes the focus (its `[data-autofocus]` element, else the first
 * field or button), keeps Tab inside, closes with Esc (unless `busy`), and gives the
 * focus back when it closes — to `returnFocus()` if given (the element that opened
 * it may have been redrawn meanwhile), else to whatever had it before.
 */
export function Dialog(props: {
  title: string;
  /** Text under the title, read with it by screen readers. */
  description?: string | undefined;
  /** Extra classes for the description (e.g. a warning). */
  descriptionClass?: string | undefined;
  onClose: () => void;
  busy?: boolean | undefined;
  returnFocus?: (() => HTMLElement | null | undefined) | undefined;
  children: JSX.Element;
  /** `alertdialog` for confirmations. */
  role?: "dialog" | "alertdialog" | undefined;
}) {
  let box: HTMLDivElement | undefined;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const id = `dialog-${Math.random().toString(36).slice(2, 9)}`;

  const focusables = () => (box ? [...box.querySelectorAll<HTMLElement>(FOCUSABLE)] : []);

  onMount(() => {
    const first = box?.querySelector<HTMLElement>("[data-autofocus]") ?? focusables()[0] ?? box;
    first?.focus();
  });
  onCleanup(() => {
    const back = props.returnFocus;
    // After the DOM has settled: the element to return to may be redrawn by the change.
    setTimeout(() => {
      const target = back?.() ?? (opener?.isConnected ? opener : null);
      target?.focus();
    }, 0);
  });

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      if (!props.busy) props.onClose();
      return;
    }
    if (e.key !== "Tab") return;
    const all = focusables();
    const first = all[0];
    const last = all[all.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div class="overlay" onKeyDown={onKeyDown}>
      <div
        ref={box}
        class="dialog card"
        role={props.role ?? "dialog"}
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={props.description ? `${id}-description` : undefined}
        tabindex="-1"
      >
        <h2 id={`${id}-title`}>{props.title}</h2>
        {props.description ? (
          <p id={`${id}-description`} class={`dialog-description ${props.descriptionClass ?? ""}`}>
            {props.description}
          </p>
        ) : null}
        {props.children}
      </div>
    </div>
  );
}
