import type { esAR } from "./es-AR";

/** Turns the literal-typed source catalogue into a shape with plain strings. */
export type Widen<T> = {
  readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]>;
};

/** The shape every catalogue must have: same keys as es-AR, string leaves. */
export type Messages = Widen<typeof esAR>;

/** Dot-separated paths to every leaf string, e.g. `"visor.reasons.blurry"`. */
export type PathsOf<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string
    ? `${Prefix}${K}`
    : PathsOf<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = PathsOf<typeof esAR>;

/** The source (es-AR) string literal at a dotted path. */
export type SourceAt<T, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? SourceAt<T[Head], Rest>
    : never
  : P extends keyof T
    ? T[P]
    : never;

/** Placeholder names in a string literal: `"Hola {a} y {b}"` → `"a" | "b"`. */
export type Placeholders<S> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

export type ParamValue = string | number;

/** The params object `t()` requires for a key (none when it has no placeholders). */
export type ParamsFor<K extends MessageKey> = {
  readonly [P in Placeholders<SourceAt<typeof esAR, K>>]: ParamValue;
};

/** `t(key)` for keys without placeholders, `t(key, params)` for keys with them. */
export type TArgs<K extends MessageKey> = [
  Placeholders<SourceAt<typeof esAR, K>>,
] extends [never]
  ? [params?: undefined]
  : [params: ParamsFor<K>];
