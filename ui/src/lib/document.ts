import { createEffect } from "solid-js";
import { locale, t } from "../i18n";
import { api, call } from "./api";

/**
 * Keeps `<html lang>` in step with the UI locale (screen readers, hyphenation),
 * and the web view's own language (a date field's day/month order, its calendar).
 */
export function useDocumentLang(): void {
  createEffect(() => {
    const now = locale();
    document.documentElement.lang = now;
    // Nothing to show if it fails: the fields keep the system's order.
    call(api().setPageLanguage(now)).catch(() => {});
  });
}

/** Sets `document.title` to "<page> · CenterMind", or the product name alone. */
export function useDocumentTitle(page?: () => string): void {
  createEffect(() => {
    document.title = page ? t("app.documentTitle", { page: page() }) : t("app.name");
  });
}
