import { describe, expect, it } from "vitest";
import { setLocale } from "../i18n";
import { buildEvaluation, EMPTY_DRAFT, REASONS, reasonText } from "./reasons";

describe("verdict requests", () => {
  it("approves and highlights without a reason, with a trimmed optional comment", () => {
    expect(buildEvaluation("approved", "pending", EMPTY_DRAFT)).toEqual({
      ok: true,
      input: { verdict: "approved", expected_status: "pending", comment: null, reason: null },
    });
    const r = buildEvaluation("highlighted", "approved", { ...EMPTY_DRAFT, comment: "  muy buena  " });
    expect(r).toEqual({
      ok: true,
      input: { verdict: "highlighted", expected_status: "approved", comment: "muy buena", reason: null },
    });
  });

  it("needs a reason to reject", () => {
    expect(buildEvaluation("rejected", "pending", EMPTY_DRAFT)).toEqual({ ok: false, problem: "reasonRequired" });
  });

  it("sends the Spanish reason whatever the UI language, with the optional detail", () => {
    setLocale("en");
    const r = buildEvaluation("rejected", "pending", { reason: "popMissing", reasonText: " falta cartel ", comment: "" });
    expect(r).toEqual({
      ok: true,
      input: {
        verdict: "rejected",
        expected_status: "pending",
        comment: null,
        reason: "Falta material POP: falta cartel",
      },
    });
    setLocale("es-AR");
  });

  it("has the reasons of the issue, a repeated photo among them, and Otro last", () => {
    expect(REASONS.map(reasonText)).toEqual([
      "Foto borrosa",
      "No se ve la exhibición completa",
      "Producto de la competencia en primer plano",
      "Falta material POP",
      "Foto repetida (ya enviada antes)",
      "Otro",
    ]);
  });
});
