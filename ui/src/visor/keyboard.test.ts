import { describe, expect, it } from "vitest";
import { en } from "../i18n/en";
import { esAR } from "../i18n/es-AR";
import { lookup } from "../i18n/translator";
import { actionForKey, isTypingTarget, KEYMAP } from "./keyboard";

describe("Visor keyboard map", () => {
  it.each([
    ["a", "approve"],
    ["A", "approve"],
    ["r", "reject"],
    ["d", "highlight"],
    ["ArrowRight", "next"],
    ["j", "next"],
    ["ArrowLeft", "previous"],
    ["k", "previous"],
    ["z", "zoom"],
    ["1", "photo"],
    ["9", "photo"],
    ["c", "comment"],
    ["h", "customerHistory"],
    ["u", "undo"],
    ["v", "compare"],
    ["f", "filters"],
    ["Escape", "cancel"],
    ["?", "help"],
  ] as const)("%s → %s", (key, action) => {
    expect(actionForKey({ key }, false)).toBe(action);
  });

  it("ignores other keys and modified shortcuts", () => {
    expect(actionForKey({ key: "x" }, false)).toBeNull();
    expect(actionForKey({ key: "a", ctrlKey: true }, false)).toBeNull();
    expect(actionForKey({ key: "r", metaKey: true }, false)).toBeNull();
    expect(actionForKey({ key: "d", altKey: true }, false)).toBeNull();
  });

  it("lets the person type in a field: only Escape counts there", () => {
    expect(actionForKey({ key: "a" }, true)).toBeNull();
    expect(actionForKey({ key: "ArrowRight" }, true)).toBeNull();
    expect(actionForKey({ key: "Escape" }, true)).toBe("cancel");
  });

  it("no key is bound twice and every action has a described binding in both languages", () => {
    const keys = KEYMAP.flatMap((b) => b.keys);
    expect(new Set(keys).size).toBe(keys.length);
    for (const b of KEYMAP) {
      expect(lookup(esAR, b.description), b.description).toBeTypeOf("string");
      expect(lookup(en, b.description), b.description).toBeTypeOf("string");
    }
  });

  it("knows which targets are text fields", () => {
    const text = document.createElement("input");
    const box = document.createElement("input");
    box.type = "checkbox";
    const area = document.createElement("textarea");
    const button = document.createElement("button");
    expect(isTypingTarget(text)).toBe(true);
    expect(isTypingTarget(area)).toBe(true);
    expect(isTypingTarget(box)).toBe(false);
    expect(isTypingTarget(button)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
