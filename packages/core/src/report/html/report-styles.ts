/**
 * The report's one stylesheet. Light by default because reports get printed and pasted into
 * postmortems; the dark scheme only on screens that ask for it. Colours that carry meaning
 * (status, timeline segments) are variables shared by the chips, the chart and its legend.
 */
export const REPORT_STYLES = `
:root {
  --bg: #ffffff; --fg: #1c2430; --muted: #5b6675; --faint: #8a94a3; --line: #dde2e8; --band: #f3f5f8; --card: #f8f9fb;
  --ok: #166534; --ok-bg: #dcfce7; --ok-strong: #16a34a;
  --bad: #991b1b; --bad-bg: #fee2e2; --bad-strong: #dc2626;
  --warn: #92400e; --warn-bg: #fef3c7; --warn-strong: #d97706;
  --info: #1e40af; --info-bg: #dbeafe; --info-strong: #2563eb;
  --idle: #475569; --idle-bg: #e9edf2;
  --drill: #6b21a8; --drill-bg: #f3e8ff; --recovery: #9a3412; --recovery-bg: #ffedd5;
  --launch: #3b82f6; --checks: #14b8a6; --approval: #f59e0b; --approval-bg: #fef3c7; --earlier: #a3afbf;
  --hook: #7c3aed; --range: #bfd5f7; --run: #9aa5b1;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media screen and (prefers-color-scheme: dark) {
  :root {
    --bg: #11161d; --fg: #e3e8ee; --muted: #9aa6b4; --faint: #737f8e; --line: #2b3440; --band: #18202a; --card: #161d26;
    --ok: #86efac; --ok-bg: #14361f; --bad: #fca5a5; --bad-bg: #3d1717; --warn: #fcd34d; --warn-bg: #3a2a0c;
    --info: #93c5fd; --info-bg: #172a4a; --idle: #cbd5e1; --idle-bg: #263140;
    --drill: #d8b4fe; --drill-bg: #2e1a47; --recovery: #fdba74; --recovery-bg: #3d2410;
    --approval-bg: #3a2a0c; --range: #28456e; --run: #6b7785;
  }
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1300px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 26px; line-height: 1.2; margin: 4px 0 10px; font-weight: 650; }
h2 { font-size: 17px; margin: 0 0 12px; font-weight: 650; display: flex; align-items: baseline; gap: 10px; }
h2 .aside { font-size: 13px; font-weight: 400; color: var(--muted); }
h3 { font-size: 14px; margin: 18px 0 8px; font-weight: 650; }
section { margin-top: 26px; padding-top: 18px; border-top: 1px solid var(--line); }
p { margin: 6px 0; }
.eyebrow { color: var(--muted); font-size: 12px; letter-spacing: .06em; text-transform: uppercase; }
.plan-id { font-weight: 400; color: var(--muted); font-size: 18px; margin-left: 6px; }
.mono, code { font-family: var(--mono); font-size: .9em; }
.muted { color: var(--muted); }
.none { color: var(--faint); }
.badges { display: flex; gap: 8px; margin-bottom: 14px; flex-wrap: wrap; }
.badge { display: inline-block; font-weight: 700; font-size: 13px; letter-spacing: .04em; padding: 3px 10px; border-radius: 4px; }
.chip { display: inline-block; font-weight: 600; font-size: 11.5px; letter-spacing: .02em; padding: 1px 7px; border-radius: 10px; white-space: nowrap; }
.tone-ok { color: var(--ok); background: var(--ok-bg); }
.tone-bad { color: var(--bad); background: var(--bad-bg); }
.tone-warn { color: var(--warn); background: var(--warn-bg); }
.tone-info { color: var(--info); background: var(--info-bg); }
.tone-idle { color: var(--idle); background: var(--idle-bg); }
.tone-drill { color: var(--drill); background: var(--drill-bg); }
.tone-recovery { color: var(--recovery); background: var(--recovery-bg); }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px 28px; margin: 0; }
.facts div { min-width: 0; }
.facts dt { font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.facts dd { margin: 1px 0 0; overflow-wrap: anywhere; }
.facts .wide { grid-column: 1 / -1; }
.callout { margin-top: 18px; padding: 10px 14px; border-left: 4px solid; border-radius: 4px; }
.callout.tone-bad { border-color: var(--bad-strong); }
.callout.tone-warn { border-color: var(--warn-strong); }
.callout.tone-info { border-color: var(--info-strong); }
.callout strong { display: block; margin-bottom: 2px; }
.callout .detail { color: var(--fg); overflow-wrap: anywhere; white-space: pre-wrap; }
.rto-figures { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
.rto-value { font-size: 30px; font-weight: 700; font-variant-numeric: tabular-nums; }
.rto-of { font-size: 16px; color: var(--muted); }
.rto-verdict { font-size: 14px; padding: 3px 10px; border-radius: 4px; font-weight: 650; }
.meter { position: relative; margin: 30px 0 6px; height: 16px; background: var(--idle-bg); border-radius: 3px; }
.meter-fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 3px 0 0 3px; }
.meter-fill.tone-ok { background: var(--ok-strong); }
.meter-fill.tone-bad { background: var(--bad-strong); }
.meter-fill.tone-info { background: repeating-linear-gradient(135deg, var(--info-strong) 0 8px, #5b8ff0 8px 16px); }
.meter-fill.tone-idle { background: var(--run); }
.meter-target { position: absolute; top: -8px; bottom: -4px; border-left: 2px dashed var(--fg); }
.meter-target span { position: absolute; bottom: 100%; left: 0; transform: translateX(-50%); font-size: 12px; white-space: nowrap; font-weight: 600; }
.meter-target.at-end span { transform: translateX(-100%); }
.meter-scale { display: flex; justify-content: space-between; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.counts { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 10px; }
.count { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; border-top-width: 3px; }
.count .n { font-size: 26px; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.15; }
.count .what { font-size: 12px; color: var(--muted); }
.count.tone-ok { border-top-color: var(--ok-strong); background: var(--card); }
.count.tone-bad { border-top-color: var(--bad-strong); background: var(--card); }
.count.tone-bad .n { color: var(--bad-strong); }
.count.tone-warn { border-top-color: var(--warn-strong); background: var(--card); }
.count.tone-zero .n { color: var(--faint); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 6px 0 10px; font-size: 12.5px; color: var(--muted); }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.legend svg { flex: none; }
.gantt-note { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
.table-wrap { overflow-x: auto; }
table.data { width: 100%; border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; }
table.data th { text-align: left; font-size: 11px; font-weight: 650; color: var(--muted); text-transform: uppercase; letter-spacing: .04em;
  padding: 6px 7px; border-bottom: 2px solid var(--line); white-space: nowrap; vertical-align: bottom; }
table.data td { padding: 5px 7px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.data td.num, table.data th.num { text-align: right; }
table.data td.nowrap { white-space: nowrap; }
table.data td.label { overflow-wrap: break-word; }
table.data td.text { overflow-wrap: anywhere; min-width: 90px; }
table.data tbody tr:nth-child(even) td { background: var(--card); }
table.data tbody tr.problem td { background: var(--bad-bg); }
table.data tr.wave-head td { background: var(--band); font-weight: 650; border-bottom: 1px solid var(--line); }
.ids { display: flex; flex-wrap: wrap; gap: 4px 12px; font-family: var(--mono); font-size: 12px; }
.two-col { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
footer { margin-top: 34px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
svg.gantt { display: block; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.g-tick { font-size: 11px; fill: var(--muted); font-variant-numeric: tabular-nums; }
.g-axis { stroke: var(--line); stroke-width: 1; }
.g-grid { stroke: var(--line); stroke-width: 1; stroke-dasharray: 2 3; }
.g-band { fill: var(--band); }
.g-label { font-size: 12px; fill: var(--fg); }
.g-label-wave, .g-label-execution { font-weight: 650; }
.g-label-more { fill: var(--muted); font-style: italic; }
.g-note { font-size: 11px; fill: var(--muted); paint-order: stroke; stroke: var(--bg); stroke-width: 3px; stroke-linejoin: round; }
.g-note-wave { font-weight: 600; fill: var(--fg); }
.g-run { fill: var(--run); }
.g-launch { fill: var(--launch); }
.g-checks { fill: var(--checks); }
.g-earlier { fill: var(--earlier); }
.g-range { fill: var(--range); }
.g-approval { fill: url(#g-hatch); stroke: var(--approval); stroke-width: 1; }
.g-approval-bg { fill: var(--approval-bg); }
.g-approval-line { stroke: var(--approval); stroke-width: 2.5; }
.g-unfinished { fill-opacity: .5; }
.g-arrow { fill-opacity: .9; stroke: none; }
.g-healthy { fill: var(--ok-strong); stroke: var(--bg); stroke-width: 1.5; }
.g-failed { stroke: var(--bad-strong); stroke-width: 2.4; stroke-linecap: round; fill: none; }
.g-hook { fill: var(--hook); stroke: var(--bg); stroke-width: 1; }
.g-hook-failed { fill: var(--bad-strong); stroke: var(--bg); stroke-width: 1; }
.g-rto { stroke: var(--bad-strong); stroke-width: 1.5; stroke-dasharray: 6 4; }
.g-rto-label { font-size: 11px; font-weight: 650; fill: var(--bad-strong); }
.g-now { stroke: var(--info-strong); stroke-width: 1.5; }
.g-now-label { font-size: 11px; font-weight: 650; fill: var(--info-strong); }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { font-size: 12.5px; }
  main { max-width: none; padding: 0; }
  table.data { font-size: 10.5px; }
  table.data th { font-size: 9.5px; }
  table.data td, table.data th { padding: 3px 5px; }
  section { break-inside: auto; }
  h2, h3 { break-after: avoid; }
  .rto, .counts, .gantt, .legend { break-inside: avoid; }
  table.data thead { display: table-header-group; }
  table.data tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
}
@media (max-width: 900px) { .counts { grid-template-columns: repeat(4, minmax(0, 1fr)); } .two-col { grid-template-columns: 1fr; } }
`;
