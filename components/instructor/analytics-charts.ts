/**
 * Pure logic behind the analytics charts: time-to-solve histogram buckets with round widths,
 * hint-use bars, and the percentages the check pass-rate chart shows.
 */

export interface DurationBucket {
  /** Inclusive lower bound, milliseconds. */
  fromMs: number;
  /** Exclusive upper bound, milliseconds. */
  toMs: number;
  /** "0–5 min", "1 h–1 h 30 min". */
  label: string;
  count: number;
}

const MINUTE = 60_000;
/** Bucket widths a person reads without arithmetic. */
const NICE_WIDTHS_MIN = [1, 2, 5, 10, 15, 20, 30, 60, 120, 240, 480, 1440];

function minutesLabel(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "5–10 min" while both ends are in minutes, else "30 min–1 h", "1 h–2 h". */
function rangeLabel(fromMs: number, toMs: number): string {
  if (toMs < 60 * MINUTE) return `${Math.round(fromMs / MINUTE)}–${minutesLabel(toMs)}`;
  return `${fromMs === 0 ? "0" : minutesLabel(fromMs)}–${minutesLabel(toMs)}`;
}

/**
 * Buckets times to solve into at most `maxBuckets` bars of a round width (1, 2, 5, 10, 15 …
 * minutes), starting at 0 and ending at the bucket that holds the slowest learner. Values are
 * milliseconds; negative or non-finite values are ignored (they are data errors, not learners).
 */
export function bucketDurations(valuesMs: readonly number[], maxBuckets = 8): DurationBucket[] {
  const values = valuesMs.filter((v) => Number.isFinite(v) && v >= 0);
  if (values.length === 0) return [];
  const max = Math.max(...values);
  const widthMin = NICE_WIDTHS_MIN.find((w) => Math.floor(max / (w * MINUTE)) + 1 <= maxBuckets) ?? NICE_WIDTHS_MIN.at(-1)!;
  const width = widthMin * MINUTE;
  const count = Math.floor(max / width) + 1;
  const buckets: DurationBucket[] = Array.from({ length: count }, (_, i) => ({
    fromMs: i * width,
    toMs: (i + 1) * width,
    label: rangeLabel(i * width, (i + 1) * width),
    count: 0,
  }));
  for (const value of values) buckets[Math.min(count - 1, Math.floor(value / width))]!.count += 1;
  return buckets;
}

/** 0.8333 → "83%"; null (never ran) → "no runs". */
export function formatRate(rate: number | null): string {
  return rate === null ? "no runs" : `${Math.round(rate * 100)}%`;
}

export interface HintBar {
  label: string;
  learners: number;
}

/**
 * `learnersByHintsOpened[i]` counts learners who opened at least i+1 hints; the chart shows
 * those bars after "no hints" (learners who started minus those with at least one).
 */
export function hintBars(learnersStarted: number, learnersByHintsOpened: readonly number[]): HintBar[] {
  const atLeastOne = learnersByHintsOpened[0] ?? 0;
  return [
    { label: "No hints", learners: Math.max(0, learnersStarted - atLeastOne) },
    ...learnersByHintsOpened.map((learners, i) => ({ label: `≥ ${i + 1} ${i === 0 ? "hint" : "hints"}`, learners })),
  ];
}

/** The top of a chart's axis: the largest value rounded up to a "nice" number (1, 2, 5 × 10ⁿ), at least 1. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((s) => s * power >= value)!;
  return step * power;
}
