import { createEffect } from "solid-js";
import { locale, t } from "../i18n";

/** Keeps `<html lang>` in step with the UI locale (screen readers, hyphenation). */
export function useDocumentLang(): void {
  createEffect(() => {
    document.documentElement.lang = locale();
  });
}

/** Sets `document.title` to "<page> · CenterMind", or the product name alone. */
export function useDocumentTitle(page?: () => string): void {
  createEffect(() => {
    document.title = page ? t("app.documentTitle", { page: page() }) : t("app.name");
  });
}
