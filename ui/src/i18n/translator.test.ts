import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_LOCALE,
  formatDate,
  formatDateTime,
  formatNumber,
  formatWallTime,
  isLocale,
  locale,
  LOCALE_STORAGE_KEY,
  setLocale,
  setMissingHandler,
  t,
  type MessageKey,
  type Messages,
  type MissingReport,
} from "./index";
import { createTranslator, lookup, placeholdersOf } from "./translator";

describe("lookup / placeholdersOf", () => {
  const cat = { a: { b: "x {one} y {two} {one}" }, c: "plain" };

  it("reads dotted paths and only returns strings", () => {
    expect(lookup(cat, "a.b")).toBe("x {one} y {two} {one}");
    expect(lookup(cat, "c")).toBe("plain");
    expect(lookup(cat, "a")).toBeUndefined();
    expect(lookup(cat, "a.b.c")).toBeUndefined();
    expect(lookup(cat, "nope")).toBeUndefined();
    expect(lookup(cat, "toString")).toBeUndefined(); // no prototype lookups
  });

  it("lists placeholders once, in order", () => {
    expect(placeholdersOf("x {one} y {two} {one}")).toEqual(["one", "two"]);
    expect(placeholdersOf("none")).toEqual([]);
  });
});

describe("t()", () => {
  let reports: MissingReport[];

  beforeEach(() => {
    localStorage.clear();
    setLocale(DEFAULT_LOCALE);
    reports = [];
    setMissingHandler((r) => reports.push(r));
  });

  afterEach(() => {
    setMissingHandler(null);
  });

  it("defaults to es-AR", () => {
    expect(locale()).toBe("es-AR");
    expect(t("nav.home")).toBe("Inicio");
  });

  it("substitutes string params", () => {
    expect(t("app.version", { version: "1.2.3" })).toBe("Versión 1.2.3");
    expect(t("notFound.body", { path: "/visor" })).toBe("No existe ninguna pantalla en «/visor».");
    expect(reports).toEqual([]);
  });

  it("formats numeric params for the locale", () => {
    expect(t("app.version", { version: 1234.5 })).toBe("Versión 1.234,5");
    setLocale("en");
    expect(t("app.version", { version: 1234.5 })).toBe("Version 1,234.5");
  });

  it("does not interpret $ patterns in param values", () => {
    expect(t("app.version", { version: "$& $1 $$" })).toBe("Versión $& $1 $$");
  });

  it("switches language and remembers the choice", () => {
    setLocale("en");
    expect(locale()).toBe("en");
    expect(t("nav.home")).toBe("Home");
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe("en");
  });

  it("returns the key and reports a key missing everywhere", () => {
    const key = "does.not.exist" as MessageKey;
    expect(t(key as "nav.home")).toBe("does.not.exist");
    expect(reports).toEqual([{ kind: "key", locale: "es-AR", key: "does.not.exist" }]);
  });

  it("reports a missing key in both the current and the fallback locale", () => {
    setLocale("en");
    expect(t("nope" as "nav.home")).toBe("nope");
    expect(reports.map((r) => r.locale)).toEqual(["en", "es-AR"]);
  });

  it("leaves a placeholder whose param is missing and reports it", () => {
    const params = {} as { version: string };
    expect(t("app.version", params)).toBe("Versión {version}");
    expect(reports).toEqual([
      { kind: "param", locale: "es-AR", key: "app.version", param: "version" },
    ]);
  });

  it("warns on the console by default in dev", () => {
    setMissingHandler(null);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    t("missing.key" as "nav.home");
    expect(warn).toHaveBeenCalledWith('[i18n] missing key "missing.key" in es-AR');
  });
});

describe("createTranslator fallback", () => {
  it("falls back to the fallback locale for a key missing in the current one", () => {
    const reports: MissingReport[] = [];
    let current: "a" | "b" = "b";
    const a = { nav: { home: "Inicio", label: "Nav {n}" } } as unknown as Messages;
    const b = { nav: { label: "Nav EN {n}" } } as unknown as Messages;
    const tr = createTranslator<"a" | "b">({
      catalogues: { a, b },
      fallbackLocale: "a",
      locale: () => current,
      onMissing: (r) => reports.push(r),
      formatNumber: (n) => `#${n}`,
    });

    expect(tr("nav.home")).toBe("Inicio");
    expect(reports).toEqual([{ kind: "key", locale: "b", key: "nav.home" }]);
    expect(tr("nav.label" as "app.version", { version: "x", n: 3 } as never)).toBe("Nav EN #3");
    current = "a";
    expect(tr("nav.label" as "app.version", { n: "z" } as never)).toBe("Nav z");
  });
});

describe("Intl formatting", () => {
  beforeEach(() => setLocale(DEFAULT_LOCALE));

  it("formats numbers and dates for es-AR", () => {
    expect(formatNumber(1234567.891)).toBe("1.234.567,891");
    expect(formatNumber(0.25, { style: "percent" })).toMatch(/^25\s?%$/);
    const date = new Date(2025, 0, 5, 14, 30);
    expect(formatDate(date, { dateStyle: "full" })).toBe("domingo, 5 de enero de 2025");
    expect(formatDate(date, { day: "2-digit", month: "2-digit", year: "numeric" })).toBe(
      "05/01/2025",
    );
  });

  it("writes times on a 24-hour clock in es-AR unless a caller chooses", () => {
    const evening = new Date(Date.UTC(2025, 2, 10, 23, 30));
    const zone = "America/Argentina/Buenos_Aires";
    expect(formatDateTime(evening, { timeStyle: "short", timeZone: zone })).toBe("20:30");
    expect(formatDateTime(evening, { dateStyle: "medium", timeStyle: "short", timeZone: zone })).toMatch(
      /^10 (de )?mar\.? (de )?2025, 20:30$/,
    );
    expect(formatDateTime(evening, { timeStyle: "short", timeZone: zone, hour12: true })).toMatch(/8:30\s?p/);
    expect(formatDateTime(evening, { timeStyle: "short", timeZone: zone }, "en")).toMatch(/^8:30\sPM$/);
  });

  it("writes the server's wall times in the language, never moved by the computer's zone", () => {
    // A computer three hours behind UTC: read as a local Date, 23:30 would turn into the next day.
    vi.stubEnv("TZ", "America/Argentina/Buenos_Aires");
    try {
      expect(formatWallTime("2025-01-02 23:30")).toMatch(/^2 (de )?ene\.? (de )?2025, 23:30$/);
      expect(formatWallTime("2025-01-02 09:05", undefined, "en")).toBe("Jan 2, 2025, 9:05 AM");
      expect(formatWallTime("2026-11-24 00:00", { dateStyle: "short" })).toBe("24/11/26");
    } finally {
      vi.unstubAllEnvs();
    }
    // Something else is shown as it came rather than as a wrong date.
    expect(formatWallTime("ayer")).toBe("ayer");
    expect(formatWallTime("")).toBe("");
  });

  it("follows the current locale", () => {
    setLocale("en");
    expect(formatNumber(1234.5)).toBe("1,234.5");
    expect(formatDate(new Date(2025, 0, 5), { dateStyle: "long" })).toBe("January 5, 2025");
  });

  it("validates locale codes", () => {
    expect(isLocale("es-AR")).toBe(true);
    expect(isLocale("en")).toBe(true);
    expect(isLocale("fr")).toBe(false);
    expect(isLocale(null)).toBe(false);
  });
});
