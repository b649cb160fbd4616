import { durationSchema, formatDuration, parseDuration } from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("parseDuration", () => {
  it.each([
    ["30s", 30],
    ["45m", 2700],
    ["2h", 7200],
    ["1d", 86400],
    ["2h30m", 9000],
    ["1d2h3m4s", 93784],
    ["0s", 0],
    ["PT45M", 2700],
    ["P1DT2H", 93600],
    ["PT2S", 2],
    ["PT2.5S", 2.5],
    ["P2D", 172800],
    ["PT1H30M", 5400],
  ])("reads %s as %d seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    "",
    "45",
    "45 m",
    "45min",
    "-5m",
    "1w",
    "1.5h",
    "30m2h",
    "P",
    "PT",
    "P1DT",
    "pt45m",
    "PT1H30",
    "2 hours",
  ])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it("reads back every duration formatDuration writes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 86400 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds))).toBe(seconds);
      }),
    );
  });

  it("reads ISO-8601 seconds and minutes exactly", () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (n) => {
        expect(parseDuration(`PT${n}S`)).toBe(n);
        expect(parseDuration(`PT${n}M`)).toBe(n * 60);
      }),
    );
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [30, "30s"],
    [90, "1m30s"],
    [2700, "45m"],
    [9000, "2h30m"],
    [86400, "1d"],
    [93784, "1d2h3m4s"],
    [2.6, "3s"],
  ])("writes %d seconds as %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("durationSchema", () => {
  it("parses into seconds", () => {
    expect(durationSchema.parse("45m")).toBe(2700);
    expect(durationSchema.parse("PT5M")).toBe(300);
  });

  it.each([
    [45, "duration 45 has no unit", "write it with a unit, e.g. 45s, 45m or 45h"],
    ["0s", 'invalid duration "0s"', "write a positive duration such as 30s, 45m, 2h, 1d or ISO-8601 PT45M"],
    [
      "soon",
      'invalid duration "soon"',
      "write a positive duration such as 30s, 45m, 2h, 1d or ISO-8601 PT45M",
    ],
  ])("rejects %j with a message and a fix", (value, message, fix) => {
    const result = durationSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ message, params: { fix } })]);
  });

  it("rejects values that are neither text nor numbers", () => {
    const result = durationSchema.safeParse(true);
    expect(result.error?.issues[0]?.message).toBe("expected a duration such as 45m, 2h or PT45M");
  });
});
