/** The page's only stylesheet, inlined. System fonts; light and dark follow prefers-color-scheme. */
export const PAGE_STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --panel: #ffffff; --panel-2: #f0f2f5; --text: #1b1f24; --muted: #5d6673; --line: #dfe3e8;
  --accent: #2563eb; --accent-soft: #e6eefc; --on-accent: #ffffff;
  --ok: #15803d; --ok-soft: #e3f4e8; --warn: #b45309; --warn-soft: #fdf1dc; --bad: #c0262d; --bad-soft: #fde7e8;
  --mark: #fff2a8; --shadow: 0 1px 2px rgba(16,24,40,.06), 0 1px 3px rgba(16,24,40,.08);
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216; --panel: #171b21; --panel-2: #1e232b; --text: #e6e9ee; --muted: #98a2b0; --line: #2a3039;
    --accent: #6ea0ff; --accent-soft: #1c2a44; --on-accent: #0b1220;
    --ok: #4ade80; --ok-soft: #15291d; --warn: #fbbf24; --warn-soft: #2e2412; --bad: #f87171; --bad-soft: #341a1c;
    --mark: #5a4a00; --shadow: none;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
a { color: var(--accent); }
.wrap { max-width: 1280px; margin: 0 auto; padding: 0 20px; }
header.top { position: sticky; top: 0; z-index: 5; background: color-mix(in srgb, var(--bg) 88%, transparent); backdrop-filter: blur(8px); border-bottom: 1px solid var(--line); }
header.top .wrap { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; padding-top: 10px; padding-bottom: 10px; }
.brand { font-weight: 700; font-size: 17px; letter-spacing: -.01em; display: flex; align-items: center; gap: 8px; }
.brand .logo { width: 22px; height: 22px; border-radius: 6px; background: linear-gradient(135deg, var(--accent), #22c1c3); display: inline-block; }
.pill { display: inline-flex; align-items: center; gap: 6px; border-radius: 999px; padding: 2px 10px; font-size: 12.5px; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
.pill::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: currentColor; }
.pill.ok { color: var(--ok); background: var(--ok-soft); }
.pill.warn { color: var(--warn); background: var(--warn-soft); }
.pill.bad { color: var(--bad); background: var(--bad-soft); }
.pill.muted { color: var(--muted); background: var(--panel-2); }
.meta { color: var(--muted); font-size: 12.5px; display: flex; gap: 14px; flex-wrap: wrap; }
.meta b { color: var(--text); font-weight: 600; }
.spacer { flex: 1; }
input[type=search], input[type=text] { font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 7px 10px; min-width: 0; }
input:focus { outline: 2px solid var(--accent); outline-offset: -1px; }
button { font: inherit; font-weight: 600; color: var(--on-accent); background: var(--accent); border: 0; border-radius: 8px; padding: 7px 14px; cursor: pointer; }
#filter { width: 260px; }
main { padding: 18px 0 40px; display: grid; gap: 18px; }
.tiles { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 10px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; box-shadow: var(--shadow); }
.tile .n { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile .l { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tile.bad .n { color: var(--bad); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; box-shadow: var(--shadow); overflow: hidden; }
.panel > h2 { margin: 0; font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); padding: 12px 16px; border-bottom: 1px solid var(--line); display: flex; align-items: center; gap: 8px; }
.panel > .body { padding: 12px 16px; }
.reasons { margin: 6px 0 0; padding-left: 18px; color: var(--warn); }
.problem-group { border-left: 3px solid var(--bad); background: var(--bad-soft); border-radius: 8px; padding: 8px 12px; margin: 0 0 10px; }
.problem-group:last-child { margin-bottom: 0; }
.problem-group h3 { margin: 0 0 4px; font-size: 13.5px; }
.problem { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; padding: 4px 0; align-items: baseline; }
.problem .code { font-weight: 600; color: var(--bad); font-size: 12px; }
.problem .field { background: var(--mark); color: var(--text); border-radius: 4px; padding: 0 5px; overflow-wrap: anywhere; justify-self: start; }
.problem .msg { grid-column: 2; overflow-wrap: anywhere; }
.audit-ingress { margin: 0 0 10px; } .audit-ingress h3 { margin: 0 0 4px; font-size: 13.5px; }
.audit-row { display: grid; grid-template-columns: minmax(0, 22em) auto 1fr; gap: 2px 10px; padding: 3px 0; align-items: baseline; }
.audit-row .field { overflow-wrap: anywhere; } .audit-row .msg { overflow-wrap: anywhere; }
.none { color: var(--muted); }
.explain form { display: flex; gap: 8px; }
.explain input { flex: 1; }
#explain-result { margin-top: 12px; }
.verdict { font-weight: 600; padding: 8px 12px; border-radius: 8px; margin-bottom: 10px; overflow-wrap: anywhere; }
.verdict.ok { background: var(--ok-soft); color: var(--ok); }
.verdict.bad { background: var(--bad-soft); color: var(--bad); }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0 0 10px; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
ul.passed { margin: 4px 0 0; padding-left: 18px; color: var(--muted); }
ul.passed li { overflow-wrap: anywhere; }
.hosts { display: grid; gap: 14px; }
.host > header { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; padding: 12px 16px; border-bottom: 1px solid var(--line); }
.host-name { font-size: 15.5px; font-weight: 700; font-family: var(--mono); overflow-wrap: anywhere; }
.badge { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; padding: 1px 7px; border-radius: 5px; background: var(--panel-2); color: var(--muted); border: 1px solid var(--line); }
.tls { font-size: 12.5px; display: inline-flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.tls.ok { color: var(--ok); } .tls.warn { color: var(--warn); } .tls.bad { color: var(--bad); }
.tls .who { color: var(--muted); }
table.routes { width: 100%; border-collapse: collapse; }
table.routes th { text-align: left; font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; padding: 8px 16px; background: var(--panel-2); }
table.routes td { padding: 9px 16px; border-top: 1px solid var(--line); vertical-align: top; }
table.routes td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.routes th.num { text-align: right; }
tr.has-problem td:first-child { box-shadow: inset 3px 0 0 var(--bad); }
.path { font-weight: 600; overflow-wrap: anywhere; }
.sub { color: var(--muted); font-size: 12px; }
.listener-head { padding: 10px 16px 4px; }
.state-bad { color: var(--bad); font-weight: 600; font-size: 12px; }
.eps { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
.ep { font-size: 12px; font-weight: 600; padding: 1px 7px; border-radius: 999px; font-variant-numeric: tabular-nums; }
.ep.ready { background: var(--ok-soft); color: var(--ok); }
.ep.terminating { background: var(--warn-soft); color: var(--warn); }
.ep.ejected, .ep.zero { background: var(--bad-soft); color: var(--bad); }
.ep.not-ready { background: var(--panel-2); color: var(--muted); }
details.ep-list summary { cursor: pointer; color: var(--muted); font-size: 12px; }
details.ep-list ul { margin: 4px 0 0; padding-left: 16px; font-family: var(--mono); font-size: 12px; }
.err-high { color: var(--bad); font-weight: 600; }
.live { font-size: 12px; color: var(--muted); display: inline-flex; align-items: center; gap: 6px; }
.live::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
.live.on::before { background: var(--ok); box-shadow: 0 0 0 3px var(--ok-soft); }
footer { color: var(--muted); font-size: 12px; padding: 0 0 30px; }
footer a { margin-right: 12px; }
.charts { display: inline-flex; gap: 10px; flex-wrap: wrap; align-items: center; }
.chart { display: inline-flex; flex-direction: column; gap: 1px; }
.chart .v { color: var(--muted); font-size: 11px; white-space: nowrap; font-variant-numeric: tabular-nums; }
svg.spark { width: 90px; height: 22px; display: block; background: var(--panel-2); border-radius: 4px; }
svg.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
svg.spark.errors polyline { stroke: var(--bad); }
svg.spark.p99 polyline { stroke: var(--warn); }
svg.spark.build polyline { stroke: var(--ok); }
td.trend { width: 1%; }
td.trend .charts { flex-wrap: nowrap; gap: 6px; }
td.trend svg.spark { width: 64px; }
.hidden { display: none !important; }
#not-ready:empty, #explain-result:empty { display: none; }
#not-ready { background: var(--warn-soft); border-radius: 10px; padding: 8px 12px; }
@media (max-width: 900px) {
  .tiles { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  #filter { width: 100%; order: 10; }
}
@media (max-width: 640px) {
  .wrap { padding: 0 12px; }
  .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  table.routes thead { display: none; }
  table.routes, table.routes tbody, table.routes tr, table.routes td { display: block; width: 100%; }
  table.routes tr { border-top: 1px solid var(--line); padding: 6px 0; }
  table.routes td { border: 0; padding: 3px 14px; text-align: left !important; }
  table.routes td[data-label]::before { content: attr(data-label); display: inline-block; min-width: 92px; color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; }
  .explain form { flex-direction: column; }
  .problem { grid-template-columns: 1fr; }
  .problem .msg { grid-column: 1; }
  .audit-row { grid-template-columns: auto 1fr; } .audit-row .field { grid-column: 1 / -1; }
  .panel > h2 { flex-wrap: wrap; } #audit-summary { white-space: normal; }
  td.trend .charts { flex-wrap: wrap; }
}
`;
