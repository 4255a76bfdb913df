"use client";

import { useId, useState, type ReactNode } from "react";
import { niceMax } from "./analytics-charts";

export interface ChartDatum {
  label: string;
  value: number;
  /** What the bar's value reads as ("83%", "4 learners"). */
  display: string;
  /** Colour token of the bar; accent by default. */
  tone?: "accent" | "ok" | "warn" | "bad" | "xp" | "idle";
}

const toneFill: Record<NonNullable<ChartDatum["tone"]>, string> = {
  accent: "var(--color-accent)",
  ok: "var(--color-ok)",
  warn: "var(--color-warn)",
  bad: "var(--color-bad)",
  xp: "var(--color-xp)",
  idle: "var(--color-line-strong)",
};

/**
 * A chart figure: the SVG picture for the eye (`role="img"` with a title and a one-line
 * summary), and the same numbers as a table behind a toggle for screen readers, exact reading
 * and copying.
 */
function ChartFigure({
  title,
  summary,
  data,
  valueHeader,
  testId,
  children,
}: {
  title: string;
  summary: string;
  data: readonly ChartDatum[];
  valueHeader: string;
  testId: string;
  children: (ids: { titleId: string; descId: string }) => ReactNode;
}) {
  const id = useId();
  const [tableOpen, setTableOpen] = useState(false);
  return (
    <figure data-testid={testId} className="rounded-xl border border-line bg-surface p-4">
      <figcaption className="flex items-baseline justify-between gap-3">
        <span className="text-sm font-semibold text-white">{title}</span>
        <button
          type="button"
          aria-expanded={tableOpen}
          aria-controls={`${id}-table`}
          onClick={() => setTableOpen((v) => !v)}
          className="text-xs text-accent hover:underline"
        >
          {tableOpen ? "Hide data table" : "Show data table"}
        </button>
      </figcaption>
      <div className="mt-3">{children({ titleId: `${id}-title`, descId: `${id}-desc` })}</div>
      <p id={`${id}-desc`} className="sr-only">
        {summary}
      </p>
      <table id={`${id}-table`} hidden={!tableOpen} className="mt-3 w-full text-left text-xs" data-testid={`${testId}-table`}>
        <caption className="sr-only">{title}</caption>
        <thead className="text-muted">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">Category</th>
            <th scope="col" className="py-1 text-right font-medium">{valueHeader}</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.label} className="border-t border-line">
              <th scope="row" className="py-1 pr-3 font-normal text-fg">{d.label}</th>
              <td className="py-1 text-right tabular-nums text-fg">{d.display}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Horizontal bars, one per category, with the value written at the end of each bar. */
export function BarChart({
  title,
  summary,
  data,
  max,
  valueHeader,
  testId,
}: {
  title: string;
  summary: string;
  data: readonly ChartDatum[];
  /** The value a full-width bar stands for (1 for rates); defaults to a round number over the largest. */
  max?: number;
  valueHeader: string;
  testId: string;
}) {
  const top = max ?? niceMax(Math.max(0, ...data.map((d) => d.value)));
  const rowH = 26;
  const labelW = 250;
  const barW = 300;
  const width = labelW + barW + 70;
  const height = Math.max(rowH, data.length * rowH) + 4;
  return (
    <ChartFigure title={title} summary={summary} data={data} valueHeader={valueHeader} testId={testId}>
      {({ titleId, descId }) => (
        <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${titleId} ${descId}`} className="block h-auto max-w-[640px]">
          <title id={titleId}>{title}</title>
          {data.map((d, i) => {
            const y = i * rowH + 2;
            const w = top > 0 ? Math.max(0, Math.min(1, d.value / top)) * barW : 0;
            return (
              <g key={d.label} data-label={d.label} data-value={d.value}>
                <title>{`${d.label}: ${d.display}`}</title>
                <text x={labelW - 8} y={y + 15} fontSize={11} textAnchor="end" fill="var(--color-fg)">
                  {d.label.length > 42 ? `${d.label.slice(0, 41)}…` : d.label}
                </text>
                <rect x={labelW} y={y + 3} width={barW} height={rowH - 8} rx={3} fill="var(--color-overlay)" />
                <rect x={labelW} y={y + 3} width={w} height={rowH - 8} rx={3} fill={toneFill[d.tone ?? "accent"]} />
                <text x={labelW + barW + 6} y={y + 15} fontSize={11} fill="var(--color-muted)">
                  {d.display}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </ChartFigure>
  );
}

/** Vertical columns along an axis (a histogram): category labels under the columns. */
export function ColumnChart({
  title,
  summary,
  data,
  valueHeader,
  testId,
}: {
  title: string;
  summary: string;
  data: readonly ChartDatum[];
  valueHeader: string;
  testId: string;
}) {
  const top = niceMax(Math.max(0, ...data.map((d) => d.value)));
  // A fixed drawing width: one bucket must not become one giant column.
  const plotW = 520;
  const colW = Math.min(96, plotW / Math.max(1, data.length));
  const plotH = 140;
  const left = 30;
  const width = left + plotW + 10;
  const height = plotH + 50;
  return (
    <ChartFigure title={title} summary={summary} data={data} valueHeader={valueHeader} testId={testId}>
      {({ titleId, descId }) => (
        <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${titleId} ${descId}`} className="block h-auto max-w-[640px]">
          <title id={titleId}>{title}</title>
          <line x1={left} x2={width - 5} y1={plotH + 10} y2={plotH + 10} stroke="var(--color-line-strong)" />
          <text x={left - 6} y={16} fontSize={10} textAnchor="end" fill="var(--color-faint)">
            {top}
          </text>
          <text x={left - 6} y={plotH + 10} fontSize={10} textAnchor="end" fill="var(--color-faint)">
            0
          </text>
          {data.map((d, i) => {
            const h = top > 0 ? (d.value / top) * plotH : 0;
            const x = left + i * colW + 8;
            return (
              <g key={d.label} data-label={d.label} data-value={d.value}>
                <title>{`${d.label}: ${d.display}`}</title>
                <rect x={x} y={plotH + 10 - h} width={colW - 16} height={h} rx={3} fill={toneFill[d.tone ?? "accent"]} />
                {d.value > 0 && (
                  <text x={x + (colW - 16) / 2} y={plotH + 6 - h} fontSize={10.5} textAnchor="middle" fill="var(--color-fg)">
                    {d.value}
                  </text>
                )}
                <text x={x + (colW - 16) / 2} y={plotH + 26} fontSize={9.5} textAnchor="middle" fill="var(--color-muted)">
                  {d.label}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </ChartFigure>
  );
}
