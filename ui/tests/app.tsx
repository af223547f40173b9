import { render } from "@solidjs/testing-library";
import { afterEach, beforeEach } from "vitest";
import App from "../src/App";
import { DEFAULT_LOCALE, setLocale } from "../src/i18n";
import { setApi, type Api } from "../src/lib/api";
import { resetSessionForTests } from "../src/lib/session";
import { resetAdminForTests } from "../src/admin/context";

/**
 * For a test file that renders the whole app: each test starts in es-AR with no
 * session, and gets its transport and location back afterwards. Returns the
 * function that renders the app at `hash` over `api`.
 */
export function appHarness(): (api: Api, hash?: string) => void {
  let previous: Api | undefined;
  beforeEach(() => {
    setLocale(DEFAULT_LOCALE);
    resetSessionForTests();
    resetAdminForTests();
  });
  afterEach(() => {
    if (previous) setApi(previous);
    previous = undefined;
    window.location.hash = "";
  });
  return (api, hash = "") => {
    previous = setApi(api);
    window.location.hash = hash;
    render(() => <App />);
  };
}
