import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import type { FilterChoice } from "../bindings";
import { t } from "../i18n";
import { activeCount, customerProblem, NO_FILTERS, rangeProblem, type ChoiceLists, type Filters } from "../visor/filters";

type Field = "group" | "vendor" | "pdvType";

/** What a screen can do with its filter bar (`F`: open it and focus the first field). */
export interface FilterBarHandle {
  focus(): void;
}

/**
 * Group, vendor, PDV type, customer number, date range and possible duplicates only, behind a "Filtros"
 * disclosure (open while some filter is set). Choices apply at once; the
 * customer number when it is committed (Enter or leaving the field), not at
 * every key.
 */
export function FilterBar(props: {
  id: string;
  value: Filters;
  choices: ChoiceLists;
  onChange: (next: Filters) => void;
  ref?: (handle: FilterBarHandle) => void;
}) {
  const problem = createMemo(() => rangeProblem(props.value));
  const badCustomer = createMemo(() => customerProblem(props.value));
  const problems = createMemo(() => [problem(), badCustomer()].filter((p) => p !== null));
  const count = createMemo(() => activeCount(props.value));
  const [open, setOpen] = createSignal(activeCount(props.value) > 0);
  // A filter set from elsewhere (the "historial del cliente" key) shows itself.
  createEffect(on(count, (now, before) => now > (before ?? 0) && setOpen(true), { defer: true }));
  const set = (patch: Partial<Filters>) => props.onChange({ ...props.value, ...patch });
  const commitCustomer = (typed: string) => {
    if (typed.trim() !== props.value.customer.trim()) set({ customer: typed.trim() });
  };
  let first: HTMLSelectElement | undefined;
  props.ref?.({
    focus: () => {
      setOpen(true);
      first?.focus();
    },
  });

  const select = (field: Field, label: `filters.${Field}`, options: readonly FilterChoice[], isFirst = false) => (
    <div class="filter-field">
      <label for={`${props.id}-${field}`}>{t(label)}</label>
      <select
        id={`${props.id}-${field}`}
        ref={(el) => {
          if (isFirst) first = el;
        }}
        value={props.value[field] === null ? "" : String(props.value[field])}
        onChange={(e) => set({ [field]: e.currentTarget.value === "" ? null : Number(e.currentTarget.value) })}
      >
        <option value="">{t("filters.all")}</option>
        <For each={options}>{(c) => <option value={String(c.id)}>{c.name}</option>}</For>
      </select>
    </div>
  );

  return (
    <form class="filter-bar" classList={{ open: open() }} role="search" aria-label={t("filters.label")} onSubmit={(e) => e.preventDefault()}>
      <button
        type="button"
        class="button filter-toggle"
        aria-expanded={open()}
        aria-controls={`${props.id}-fields`}
        aria-keyshortcuts="F"
        onClick={() => setOpen(!open())}
      >
        {count() > 0 ? t("filters.toggleCount", { count: count() }) : t("filters.toggle")} <kbd>F</kbd>
      </button>
      <Show when={open()}>
        <div class="filter-fields" id={`${props.id}-fields`}>
          {select("group", "filters.group", props.choices.groups, true)}
          {select("vendor", "filters.vendor", props.choices.vendors)}
          {select("pdvType", "filters.pdvType", props.choices.pdvTypes)}
          <div class="filter-field">
            <label for={`${props.id}-customer`}>{t("filters.customer")}</label>
            <input
              id={`${props.id}-customer`}
              type="text"
              inputMode="numeric"
              autocomplete="off"
              size="12"
              placeholder={t("filters.anyCustomer")}
              value={props.value.customer}
              aria-invalid={badCustomer() !== null}
              onChange={(e) => commitCustomer(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") commitCustomer(e.currentTarget.value);
              }}
            />
          </div>
          <div class="filter-field">
            <label for={`${props.id}-from`}>{t("filters.from")}</label>
            <input
              id={`${props.id}-from`}
              type="date"
              value={props.value.from}
              max={props.value.to || undefined}
              aria-invalid={problem() !== null}
              onChange={(e) => set({ from: e.currentTarget.value })}
            />
          </div>
          <div class="filter-field">
            <label for={`${props.id}-to`}>{t("filters.to")}</label>
            <input
              id={`${props.id}-to`}
              type="date"
              value={props.value.to}
              min={props.value.from || undefined}
              aria-invalid={problem() !== null}
              onChange={(e) => set({ to: e.currentTarget.value })}
            />
          </div>
          <label class="filter-check">
            <input
              type="checkbox"
              checked={props.value.duplicates}
              onChange={(e) => set({ duplicates: e.currentTarget.checked })}
            />
            {t("filters.duplicates")}
          </label>
          <Show when={count() > 0}>
            <button type="button" class="button filter-clear" onClick={() => props.onChange(NO_FILTERS)}>
              {t("filters.clear", { count: count() })}
            </button>
          </Show>
        </div>
      </Show>
      <For each={problems()}>
        {(p) => (
          <p class="banner banner-warning filter-problem" role="alert">
            {t(`filters.${p}`)}
          </p>
        )}
      </For>
    </form>
  );
}
