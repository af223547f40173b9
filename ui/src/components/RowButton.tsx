import { t } from "../i18n";

/**
 * A small button in a list row, named with what it acts on for screen readers
 * ("Renombrar: Kiosco"), since every row has one with the same text.
 */
export function RowButton(props: {
  id: string;
  label: string;
  subject: string;
  disabled?: boolean | undefined;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      class="button button-small"
      id={props.id}
      aria-label={`${props.label}: ${props.subject}`}
      disabled={props.disabled}
      onClick={() => props.onClick()}
    >
      {props.label}
    </button>
  );
}

/** The text of a row's activate/deactivate button. */
export function toggleLabel(active: boolean): string {
  return active ? t("admin.deactivate") : t("admin.activate");
}
