import { describe, expect, it } from "vitest";
import { catalogues, DEFAULT_LOCALE, LOCALES } from "./index";
import { placeholdersOf } from "./translator";

/** Flattens a nested catalogue into `dotted.key → value` (values unchecked). */
function flatten(node: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (node === null || typeof node !== "object") return out;
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object") {
      for (const [k, v] of flatten(value, path)) out.set(k, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

const source = flatten(catalogues[DEFAULT_LOCALE]);
const others = LOCALES.filter((l) => l !== DEFAULT_LOCALE);

/**
 * The UI's code as one text: every module under src/ but the catalogues, the
 * tests and the type checks (Vite reads them as text).
 */
const uiSource = Object.entries(
  import.meta.glob<string>(["../**/*.{ts,tsx}", "!../**/*.test.{ts,tsx}", "!../**/*.check.ts", "!./es-AR.ts", "!./en.ts"], {
    query: "?raw",
    import: "default",
    eager: true,
  }),
)
  .map(([, text]) => text)
  .join("\n");

describe("i18n catalogues", () => {
  it("every es-AR string is used by the UI, by its key or a key built from its group", () => {
    const code = uiSource;
    expect(code).toContain("export default function About");
    const unused = [...source.keys()].filter((key) => {
      if (code.includes(`"${key}"`)) return false;
      // t(`status.${s}`): any group above the leaf may be completed at run time.
      const groups = key.split(".").slice(0, -1);
      return !groups.some((_, i) => code.includes(`\`${groups.slice(0, i + 1).join(".")}.\${`));
    });
    expect(unused).toEqual([]);
  });

  it("the es-AR source catalogue has strings", () => {
    expect(source.size).toBeGreaterThan(10);
  });

  it.each(LOCALES)("%s: every leaf is a non-empty, trimmed string", (locale) => {
    for (const [key, value] of flatten(catalogues[locale])) {
      expect(typeof value, `${locale}:${key}`).toBe("string");
      const text = value as string;
      expect(text.trim().length, `${locale}:${key} is empty`).toBeGreaterThan(0);
      expect(text, `${locale}:${key} has outer whitespace`).toBe(text.trim());
    }
  });

  it.each(LOCALES)("%s: braces are only well-formed {placeholders}", (locale) => {
    for (const [key, value] of flatten(catalogues[locale])) {
      const leftover = String(value).replace(/\{[A-Za-z0-9_]+\}/g, "");
      expect(leftover, `${locale}:${key}`).not.toMatch(/[{}]/);
    }
  });

  it.each(others)("%s has every es-AR key", (locale) => {
    const keys = new Set(flatten(catalogues[locale]).keys());
    const missing = [...source.keys()].filter((k) => !keys.has(k));
    expect(missing).toEqual([]);
  });

  it.each(others)("%s has no key that es-AR lacks", (locale) => {
    const extra = [...flatten(catalogues[locale]).keys()].filter((k) => !source.has(k));
    expect(extra).toEqual([]);
  });

  it.each(others)("%s uses the same {placeholders} as es-AR in every string", (locale) => {
    const target = flatten(catalogues[locale]);
    const mismatches: string[] = [];
    for (const [key, value] of source) {
      const other = target.get(key);
      if (typeof other !== "string") continue; // reported by the key tests
      const want = placeholdersOf(String(value)).sort();
      const got = placeholdersOf(other).sort();
      if (want.join(",") !== got.join(",")) {
        mismatches.push(`${key}: es-AR {${want.join("}{")}} vs ${locale} {${got.join("}{")}}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
