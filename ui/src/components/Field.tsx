import { Show, type JSX } from "solid-js";

/** What a field's input needs to be tied to its label, hint and error. */
export interface FieldAttrs {
  readonly id: string;
  readonly "aria-invalid": boolean;
  readonly "aria-describedby": string | undefined;
}

/**
 * A labelled form field: the label, the input (drawn by `children` with the
 * attributes that tie it to the rest), a hint and the field's error, both read by
 * screen readers with the input.
 */
export function Field(props: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | null | undefined;
  class?: string;
  children: (attrs: FieldAttrs) => JSX.Element;
}) {
  const attrs: FieldAttrs = {
    get id() {
      return props.id;
    },
    get "aria-invalid"() {
      return Boolean(props.error);
    },
    get "aria-describedby"() {
      const ids = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(
        (x): x is string => x !== null,
      );
      return ids.length > 0 ? ids.join(" ") : undefined;
    },
  };
  return (
    <div class={`field ${props.class ?? ""}`}>
      <label for={props.id}>{props.label}</label>
      {props.children(attrs)}
      <Show when={props.hint}>
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      </Show>
      <Show when={props.error}>
        <p id={`${props.id}-error`} class="field-error">
          {props.error}
        </p>
      </Show>
    </div>
  );
}
