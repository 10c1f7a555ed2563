// The run report a person opens: metrics.json (machine-readable) and report.html with the training curves
// (loss, learning rate, dev metrics) drawn as SVG by Vega-Lite at write time, so the page needs no network.
import { join } from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../io/index.js";
import type { History } from "./loop.js";

export interface RunSummary {
  task: string;
  model: string;
  mode: string;
  adapter: string | null;
  parameters: { total: number; trainable: number; adapter: number; head: number };
  config: Record<string, unknown>;
  final: Record<string, number>; // dev metrics of the kept (best) adapter
  adapterBytes: number | null;
  modelBytes: number | null;
  seconds: number;
  backend: string;
}

/** A line chart as SVG, rendered now so the page needs no script or network. */
export async function lineChart(title: string, values: Record<string, number | string>[], x: string, y: string, color?: string): Promise<string> {
  const spec: TopLevelSpec = {
    title, width: 520, height: 200, data: { values },
    mark: { type: "line", point: values.length < 40 },
    encoding: {
      x: { field: x, type: "quantitative", title: x },
      y: { field: y, type: "quantitative", title: y, scale: { zero: false } },
      ...(color ? { color: { field: color, type: "nominal" as const } } : {}),
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}

/** Writes metrics.json and report.html into dir. */
export async function writeReport(dir: string, summary: RunSummary, history: History): Promise<void> {
  // at most ~500 points per curve: the page stays small for long runs
  const stride = Math.max(1, Math.ceil(history.steps.length / 500));
  const steps = history.steps.filter((_, i) => i % stride === 0 || i === history.steps.length - 1);
  const evalRows = history.evals.flatMap((e) => Object.entries(e.metrics).map(([metric, value]) => ({ step: e.step, metric, value })));
  const charts = [
    await lineChart("Training loss", steps.map((s) => ({ step: s.step, loss: s.loss })), "step", "loss"),
    await lineChart("Learning rate", steps.map((s) => ({ step: s.step, lr: s.lr })), "step", "lr"),
  ];
  if (evalRows.length) charts.push(await lineChart("Dev metrics", evalRows, "step", "value", "metric"));
  const pct = (n: number): string => `${((100 * n) / summary.parameters.total).toFixed(2)}%`;
  const rows = Object.entries(summary.final).map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${v.toFixed(4)}</td></tr>`).join("");
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>AdapterKit run: ${escapeHtml(summary.task)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;color:#222}td,th{padding:2px 12px;text-align:left}
table{border-collapse:collapse}tr:nth-child(even){background:#f4f4f4}svg{display:block;margin:1em 0}</style></head>
<body><h1>${escapeHtml(summary.task)} — ${escapeHtml(summary.mode)}${summary.adapter ? ` (${escapeHtml(summary.adapter)})` : ""}</h1>
<p>Model ${escapeHtml(summary.model)}; backend ${escapeHtml(summary.backend)}; ${summary.seconds.toFixed(0)} s.</p>
<table><tr><th>parameters</th><th></th></tr>
<tr><td>total</td><td>${summary.parameters.total.toLocaleString("en")}</td></tr>
<tr><td>trainable</td><td>${summary.parameters.trainable.toLocaleString("en")} (${pct(summary.parameters.trainable)})</td></tr>
<tr><td>adapter</td><td>${summary.parameters.adapter.toLocaleString("en")} (${pct(summary.parameters.adapter)})</td></tr></table>
<h2>Dev metrics (best checkpoint)</h2><table>${rows || "<tr><td>no dev set</td></tr>"}</table>
${charts.join("\n")}
<h2>Configuration</h2><pre>${escapeHtml(JSON.stringify(summary.config, null, 2))}</pre>
</body></html>
`;
  await writeFileAtomic(join(dir, "metrics.json"), JSON.stringify({ ...summary, history: { evals: history.evals, best: history.best } }, null, 2) + "\n");
  await writeFileAtomic(join(dir, "report.html"), html);
}
