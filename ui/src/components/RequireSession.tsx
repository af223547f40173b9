import { A, Navigate } from "@solidjs/router";
import { Match, Switch, type JSX } from "solid-js";
import { t } from "../i18n";
import { describeError, errorDetail } from "../lib/errors";
import { boot, startUp } from "../lib/session";

/** Shows its children only when signed in; otherwise sends to connect or login. */
export function RequireSession(props: { children: JSX.Element }) {
  return (
    <Switch>
      <Match when={boot().kind === "loading"}>
        <p class="status" role="status">
          {t("login.checking")}
        </p>
      </Match>
      <Match when={boot().kind === "startingLocal"}>
        <p class="status" role="status">
          {t("boot.startingLocal")}
        </p>
      </Match>
      <Match when={boot().kind === "connect"}>
        <Navigate href="/connect" />
      </Match>
      <Match when={boot().kind === "login"}>
        <Navigate href="/login" />
      </Match>
      <Match when={boot().kind === "kiosk"}>
        <Navigate href="/kiosk" />
      </Match>
      <Match when={boot().kind === "error"}>
        <div class="banner banner-error" role="alert">
          <p>{describeError((boot() as { error: unknown }).error)}</p>
          <p class="detail">
            {t("errors.detail", { detail: errorDetail((boot() as { error: unknown }).error) })}
          </p>
          <p class="actions">
            <button type="button" class="button" onClick={() => void startUp()}>
              {t("visor.retry")}
            </button>
            <A href="/connect" class="button">
              {t("connect.change")}
            </A>
          </p>
        </div>
      </Match>
      <Match when={boot().kind === "ready"}>{props.children}</Match>
    </Switch>
  );
}
