/**
 * Compile-time checks, run by `npm run check` (never executed). Each
 * `@ts-expect-error` line must stay an error: if the typing loosens, tsc fails
 * with "Unused '@ts-expect-error' directive".
 */
import { en } from "./en";
import { t, type Messages } from "./index";

export function typeChecks(): string[] {
  const out: string[] = [];

  // Correct uses compile.
  out.push(t("app.name"));
  out.push(t("app.version", { version: "1.2.3" }));
  out.push(t("about.upToDate", { version: "1.2.3" }));

  // @ts-expect-error: unknown key
  out.push(t("app.nope"));
  // @ts-expect-error: a group is not a string leaf
  out.push(t("visor.reasons"));
  // @ts-expect-error: missing the {version} param
  out.push(t("app.version"));
  // @ts-expect-error: wrong param name
  out.push(t("app.version", { release: "1" }));
  // @ts-expect-error: params given to a key without placeholders
  out.push(t("app.name", { name: "x" }));

  // A catalogue missing a key is rejected...
  const { nav, ...withoutNav } = en;
  // @ts-expect-error: property 'nav' is missing
  const missing: Messages = withoutNav;
  // ...and so is one with an extra key.
  const extra: Messages = {
    ...en,
    // @ts-expect-error: object literal may only specify known properties
    extraGroup: { x: "y" },
  };
  const nested: Messages = {
    ...en,
    // @ts-expect-error: property 'home' is missing in nav
    nav: { label: nav.label },
  };

  out.push(missing.app.name, extra.app.name, nested.app.name);
  return out;
}
