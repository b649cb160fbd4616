import {
  type HookTemplateContext,
  HookTemplateError,
  type HookTemplateValues,
  hookTemplateValues,
  orderHookRecords,
  renderHookTemplate,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const context: HookTemplateContext = {
  executionId: "shop-drill-7",
  planId: "shop",
  planVersion: 3,
  planName: "Three-tier web shop",
  mode: "DRILL",
  phase: "afterWave",
  now: "2026-11-21T10:15:00.000Z",
  waveCount: 3,
  servers: 3,
  wave: { wave: 2, groupIds: ["app", "cache"] },
  outcome: { healthy: 2, failed: 1 },
};
const values = hookTemplateValues(context);

function templateError(run: () => unknown): HookTemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof HookTemplateError) return error;
    throw error;
  }
  throw new Error("expected a HookTemplateError");
}

/** JSON without any `{` so no string in it can hold a placeholder. */
const plainJson = fc
  .jsonValue()
  .map((value) => JSON.parse(JSON.stringify(value).replaceAll("{{", "( (")) as unknown);

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);

describe("hookTemplateValues", () => {
  it("gives wave phases the wave and its groups, and after phases the outcome", () => {
    expect(values).toEqual({
      executionId: "shop-drill-7",
      planId: "shop",
      planVersion: 3,
      planName: "Three-tier web shop",
      mode: "DRILL",
      phase: "afterWave",
      now: "2026-11-21T10:15:00.000Z",
      waveCount: 3,
      servers: 3,
      wave: 2,
      groups: ["app", "cache"],
      healthy: 2,
      failed: 1,
    });
  });

  it("knows no wave, groups or outcome before the recovery", () => {
    const { wave: _wave, outcome: _outcome, ...recovery } = context;
    const before = hookTemplateValues({ ...recovery, phase: "beforeRecovery", servers: 9 });
    expect(Object.keys(before).sort()).toEqual(
      [
        "executionId",
        "mode",
        "now",
        "phase",
        "planId",
        "planName",
        "planVersion",
        "servers",
        "waveCount",
      ].sort(),
    );
    const error = templateError(() => renderHookTemplate({ text: "wave {{wave}} of {{groups}}" }, before));
    expect(error.unknown).toEqual([
      { name: "wave", path: "arguments.text" },
      { name: "groups", path: "arguments.text" },
    ]);
    expect(error.message).toContain("{{executionId}}");
    expect(error.message).not.toContain("{{wave}},");
  });
});

describe("renderHookTemplate", () => {
  it("fills placeholders inside text, joining lists", () => {
    const rendered = renderHookTemplate(
      {
        text: "wave {{wave}}/{{waveCount}} ({{ groups }}) of {{planName}}: {{healthy}} of {{servers}} healthy",
        incident: "{{executionId}}",
      },
      values,
    );
    expect(rendered).toEqual({
      text: "wave 2/3 (app, cache) of Three-tier web shop: 2 of 3 healthy",
      incident: "shop-drill-7",
    });
  });

  it("gives a string that is one placeholder the value itself: counts stay numbers, groups a list", () => {
    const rendered = renderHookTemplate(
      { wave: "{{wave}}", groups: "{{groups}}", list: ["{{failed}}", "x"] },
      values,
    ) as {
      wave: unknown;
      groups: unknown;
      list: unknown[];
    };
    expect(rendered).toEqual({ wave: 2, groups: ["app", "cache"], list: [1, "x"] });
    expect(rendered.groups).not.toBe(values.groups);
  });

  it("leaves keys, numbers, booleans and null alone", () => {
    expect(renderHookTemplate({ "{{wave}}": true, n: 5, none: null, nested: [[false]] }, values)).toEqual({
      "{{wave}}": true,
      n: 5,
      none: null,
      nested: [[false]],
    });
  });

  it("returns JSON without placeholders unchanged", () => {
    fc.assert(
      fc.property(plainJson, (json) => {
        expect(renderHookTemplate(json, values)).toEqual(json);
      }),
    );
  });

  it("inserts a value literally even when it looks like a placeholder (no second expansion)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (prefix, suffix, injected) => {
        const hostile: HookTemplateValues = {
          ...values,
          planName: `${injected}{{executionId}}{{unknownName}}`,
        };
        const safePrefix = prefix.replaceAll("{", "(");
        const safeSuffix = suffix.replaceAll("{", "(");
        const text = `${safePrefix}{{planName}}${safeSuffix}`;
        expect(renderHookTemplate(text, hostile)).toBe(`${safePrefix}${hostile.planName}${safeSuffix}`);
      }),
    );
  });

  it("refuses every name that is not an own value, prototype names included, saying where and what to use", () => {
    const names = fc.oneof(
      identifier.filter((name) => !Object.hasOwn(values, name)),
      fc.constantFrom("constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", ""),
    );
    fc.assert(
      fc.property(names, fc.array(identifier, { minLength: 1, maxLength: 3 }), (name, path) => {
        const document = path.reduceRight<unknown>(
          (inner, key) => ({ [key]: inner }),
          [`ok {{wave}} {{${name}}}`],
        );
        const error = templateError(() => renderHookTemplate(document, values, "mcp.arguments"));
        expect(error.name).toBe("HookTemplateError");
        expect(error.unknown).toEqual([{ name, path: `mcp.arguments.${path.join(".")}[0]` }]);
        expect(error.known).toEqual(Object.keys(values));
        expect(error.message).toContain(`{{${name}}}`);
      }),
    );
  });

  it("reports every unknown placeholder at once, with bracketed paths for keys that are not identifiers", () => {
    const error = templateError(() =>
      renderHookTemplate({ "note text": "{{wav}} and {{server}}", items: ["{{ok}}", "{{wave}}"] }, values),
    );
    expect(error.unknown).toEqual([
      { name: "wav", path: 'arguments["note text"]' },
      { name: "server", path: 'arguments["note text"]' },
      { name: "ok", path: "arguments.items[0]" },
    ]);
  });

  it("keeps the structure of any document: same keys, same array lengths", () => {
    const withPlaceholders = fc
      .jsonValue()
      .map((json) =>
        JSON.parse(
          JSON.stringify(json, (_key, value) =>
            typeof value === "string" ? `:${value.replaceAll("{", "(")}{{wave}}` : value,
          ),
        ),
      );
    fc.assert(
      fc.property(withPlaceholders, (json) => {
        const rendered = renderHookTemplate(json, values);
        const shape = (value: unknown): unknown =>
          Array.isArray(value)
            ? value.map(shape)
            : typeof value === "object" && value !== null
              ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
              : typeof value;
        expect(shape(rendered)).toEqual(shape(json));
        expect(JSON.stringify(rendered)).not.toContain("{{wave}}");
      }),
    );
  });
});

describe("orderHookRecords", () => {
  it("puts hooks in the order they run: before the recovery, each wave before then after, after the recovery", () => {
    const hooks = [
      { phase: "afterRecovery", index: 0 },
      { phase: "afterWave", wave: 2, index: 1 },
      { phase: "beforeWave", wave: 2, index: 0 },
      { phase: "afterWave", wave: 1, index: 0 },
      { phase: "afterWave", wave: 2, index: 0 },
      { phase: "beforeRecovery", index: 1 },
      { phase: "beforeRecovery", index: 0 },
    ] as const;
    expect(orderHookRecords(hooks).map((h) => `${h.phase}${"wave" in h ? h.wave : ""}#${h.index}`)).toEqual([
      "beforeRecovery#0",
      "beforeRecovery#1",
      "afterWave1#0",
      "beforeWave2#0",
      "afterWave2#0",
      "afterWave2#1",
      "afterRecovery#0",
    ]);
  });
});
