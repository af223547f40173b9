import { For } from "solid-js";
import { formatDate, t, type MessageKey } from "../i18n";
import { useDocumentTitle } from "../lib/document";
import { inDesktopShell } from "../lib/runtime";
import { APP_VERSION } from "../lib/version";

const FEATURES = [
  "start.features.visor",
  "start.features.dashboard",
  "start.features.reports",
  "start.features.admin",
] as const satisfies readonly MessageKey[];

export default function Start() {
  useDocumentTitle();
  const desktop = inDesktopShell();
  const today = new Date();

  return (
    <div class="start">
      <section class="hero" aria-labelledby="start-title">
        <h1 id="start-title">{t("start.title")}</h1>
        <p class="tagline">{t("start.tagline")}</p>
        <p class="meta">
          <span class="badge">{t("app.version", { version: APP_VERSION })}</span>
          <span class="badge">
            {desktop ? t("start.runtimeDesktop") : t("start.runtimeBrowser")}
          </span>
        </p>
      </section>

      <div class="cards">
        <section class="card" aria-labelledby="signin-title">
          <h2 id="signin-title">{t("start.signInTitle")}</h2>
          <p>{t("start.signInPending")}</p>
        </section>
        <section class="card" aria-labelledby="features-title">
          <h2 id="features-title">{t("start.featuresTitle")}</h2>
          <ul class="feature-list">
            <For each={FEATURES}>{(key) => <li>{t(key)}</li>}</For>
          </ul>
        </section>
      </div>

      <p class="today">
        {t("start.today", { date: formatDate(today, { dateStyle: "full" }) })}
      </p>
    </div>
  );
}
