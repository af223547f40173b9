import type { MessageKey, Messages, ParamValue, TArgs } from "./types";

/** `{name}` placeholders: letters, digits and underscores. */
export const PLACEHOLDER_RE = /\{([A-Za-z0-9_]+)\}/g;

export type MissingReport =
  | { readonly kind: "key"; readonly locale: string; readonly key: string }
  | {
      readonly kind: "param";
      readonly locale: string;
      readonly key: string;
      readonly param: string;
    };

export type MissingHandler = (report: MissingReport) => void;

export type Translate = <K extends MessageKey>(key: K, ...args: TArgs<K>) => string;

export interface TranslatorOptions<L extends string> {
  /** Catalogues by locale; lookups are done at call time. */
  readonly catalogues: Readonly<Record<L, Messages>>;
  /** Locale used when a key is missing in the current one. */
  readonly fallbackLocale: L;
  /** Current locale; called on every translation (a Solid signal fits). */
  readonly locale: () => L;
  /** Told about missing keys and params. */
  readonly onMissing: MissingHandler;
  /** Formats numeric params for a locale (e.g. `1234` → `1.234` in es-AR). */
  readonly formatNumber: (value: number, locale: L) => string;
}

const hasOwn = (obj: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(obj, key);

/** Reads a dotted path from a nested catalogue; `undefined` unless it ends on a string. */
export function lookup(catalogue: unknown, key: string): string | undefined {
  let node: unknown = catalogue;
  for (const part of key.split(".")) {
    if (node === null || typeof node !== "object" || !hasOwn(node, part)) {
      return undefined;
    }
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string" ? node : undefined;
}

/** Placeholder names used in a template, in order of first appearance. */
export function placeholdersOf(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER_RE)) {
    if (match[1] !== undefined) names.add(match[1]);
  }
  return [...names];
}

/**
 * Builds a `t(key, params)` function.
 *
 * - A key missing in the current locale falls back to `fallbackLocale`; if it
 *   is missing there too, the key itself is returned. Both cases are reported.
 * - A placeholder without a param is left as `{name}` and reported.
 */
export function createTranslator<L extends string>(options: TranslatorOptions<L>): Translate {
  const { catalogues, fallbackLocale, locale, onMissing, formatNumber } = options;

  return ((key: string, params?: Readonly<Record<string, ParamValue>>): string => {
    const current = locale();
    let resolvedLocale = current;
    let template = lookup(catalogues[current], key);
    if (template === undefined) {
      onMissing({ kind: "key", locale: current, key });
      if (current !== fallbackLocale) {
        template = lookup(catalogues[fallbackLocale], key);
        resolvedLocale = fallbackLocale;
      }
    }
    if (template === undefined) {
      if (current !== fallbackLocale) {
        onMissing({ kind: "key", locale: fallbackLocale, key });
      }
      return key;
    }
    return template.replace(PLACEHOLDER_RE, (whole, name: string) => {
      const value = params !== undefined && hasOwn(params, name) ? params[name] : undefined;
      if (value === undefined) {
        onMissing({ kind: "param", locale: resolvedLocale, key, param: name });
        return whole;
      }
      return typeof value === "number" ? formatNumber(value, resolvedLocale) : value;
    });
  }) as Translate;
}
