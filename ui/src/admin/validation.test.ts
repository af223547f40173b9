import { describe, expect, it } from "vitest";
import * as check from "./validation";

describe("administration checks (the server's rules, in Spanish)", () => {
  it("usernames: 3 to 40 letters, digits or . _ - @", () => {
    for (const ok of ["sofia", "ana.paz", "j_perez-2", "ana@sur", "Ñandú"]) expect(check.username(ok), ok).toBeNull();
    expect(check.username("")).toBe("Completá este campo.");
    for (const bad of ["ab", "ana paz", "a".repeat(41), "ana/paz"]) {
      expect(check.username(bad), bad).toBe("Entre 3 y 40 letras, números o . _ - @, sin espacios.");
    }
  });

  it("passwords: at least 8 characters, typed twice the same", () => {
    expect(check.password("1234567")).toBe("La contraseña necesita al menos 8 caracteres.");
    expect(check.password("12345678")).toBeNull();
    expect(check.confirmation("12345678", "12345679")).toBe("Las contraseñas no coinciden.");
    expect(check.confirmation("12345678", "12345678")).toBeNull();
  });

  it("times, points and Telegram numbers", () => {
    expect(check.time("22:00")).toBeNull();
    expect(check.time("24:00")).toBe("Escribí una hora de 00:00 a 23:59, por ejemplo 22:00.");
    expect(check.time("7:00")).not.toBeNull();
    expect(check.points("0")).toBeNull();
    expect(check.points("1000")).toBeNull();
    for (const bad of ["1001", "-1", "1.5", "", "dos"]) expect(check.points(bad), bad).not.toBeNull();
    expect(check.telegramUserId("")).toBeNull();
    expect(check.telegramUserId("123456789")).toBeNull();
    expect(check.telegramUserId("-5")).not.toBeNull();
    expect(check.chatId("-1001234567890")).toBeNull();
    expect(check.chatId("1001234567890")).toBe(
      "El id de un grupo de Telegram es un número negativo, por ejemplo -1001234567890.",
    );
  });

  it("bot tokens look like @BotFather's before they are sent to Telegram", () => {
    expect(check.botToken("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")).toBeNull();
    for (const bad of ["", "nope", "123:short", "abc:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"]) {
      expect(check.botToken(bad), bad).not.toBeNull();
    }
  });

  it("names are required and bounded", () => {
    expect(check.requiredText("  ")).toBe("Completá este campo.");
    expect(check.requiredText("a".repeat(61), check.MAX_PDV_TYPE_NAME)).toBe("Como máximo 60 caracteres.");
    expect(check.firstProblem({ a: null, b: "x", c: "y" }, ["c", "b", "a"])).toBe("c");
  });
});
