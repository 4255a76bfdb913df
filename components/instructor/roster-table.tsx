"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useMemo, useRef, useState } from "react";
import type { LevelState, RosterView } from "@/lib/protocol/instructor-api";
import { useNow } from "@/components/level-page/use-ticker";
import { CheckDots } from "./check-dots";
import { formatAgo, formatElapsed, msSince } from "./format-time";
import {
  emptyFilters,
  filterRows,
  isStuck,
  nextSort,
  sortRows,
  stateLabels,
  timeInLevelMs,
  type RosterFilters,
  type RosterSort,
  type RosterSortKey,
} from "./roster-view";
import { StateBadge } from "./state-badge";

const inputClass =
  "h-9 rounded-md border border-line-strong bg-canvas px-2.5 text-sm text-fg placeholder:text-faint focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/40";

const columns: { key: RosterSortKey; label: string; numeric?: boolean }[] = [
  { key: "name", label: "Learner" },
  { key: "level", label: "Level" },
  { key: "state", label: "State" },
  { key: "checks", label: "Latest grade" },
  { key: "time", label: "Time in level", numeric: true },
  { key: "attempts", label: "Attempts", numeric: true },
  { key: "hints", label: "Hints", numeric: true },
  { key: "xp", label: "XP", numeric: true },
  { key: "activity", label: "Last activity" },
];

export function learnerHref(cohortId: string, learnerId: string): string {
  return `/instructor/cohorts/${encodeURIComponent(cohortId)}/learners/${encodeURIComponent(learnerId)}`;
}

function Filters({ roster, filters, onChange }: { roster: RosterView; filters: RosterFilters; onChange: (next: RosterFilters) => void }) {
  const id = useId();
  const textRef = useRef<HTMLInputElement>(null);
  const set = (patch: Partial<RosterFilters>) => onChange({ ...filters, ...patch });
  const active = JSON.stringify(filters) !== JSON.stringify(emptyFilters);
  return (
    <div role="search" aria-label="Filter learners" className="flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor={`${id}-text`} className="block text-xs font-medium text-muted">
          Search
        </label>
        <input
          ref={textRef}
          id={`${id}-text`}
          type="search"
          value={filters.text}
          onChange={(e) => set({ text: e.target.value })}
          placeholder="Name or username"
          data-testid="roster-filter-text"
          className={`${inputClass} mt-1 w-48`}
        />
      </div>
      <div>
        <label htmlFor={`${id}-state`} className="block text-xs font-medium text-muted">
          State
        </label>
        <select
          id={`${id}-state`}
          value={filters.state}
          onChange={(e) => set({ state: e.target.value as LevelState | "any" })}
          data-testid="roster-filter-state"
          className={`${inputClass} mt-1`}
        >
          <option value="any">Any state</option>
          {(Object.keys(stateLabels) as LevelState[]).map((state) => (
            <option key={state} value={state}>
              {stateLabels[state]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-failing`} className="block text-xs font-medium text-muted">
          Failing check
        </label>
        <select
          id={`${id}-failing`}
          value={filters.failingCheck}
          onChange={(e) => set({ failingCheck: e.target.value })}
          data-testid="roster-filter-failing"
          className={`${inputClass} mt-1 max-w-64`}
        >
          <option value="">Any result</option>
          {roster.levels.map((level) => (
            <optgroup key={level.id} label={`Level ${level.number}: ${level.title}`}>
              {level.checks.map((check) => (
                <option key={`${level.id}/${check.id}`} value={check.id}>
                  Failing {check.title}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <fieldset className="flex items-center gap-2 rounded-md border border-line px-2.5 pt-1 pb-1.5">
        <legend className="px-1 text-xs font-medium text-muted">Stuck</legend>
        <label className="flex items-center gap-1.5 text-sm text-fg">
          <input
            type="checkbox"
            checked={filters.stuckOnly}
            onChange={(e) => set({ stuckOnly: e.target.checked })}
            data-testid="roster-filter-stuck"
            className="h-4 w-4 accent-accent"
          />
          Stuck for more than
        </label>
        <input
          type="number"
          min={0}
          max={1440}
          step={1}
          value={Number.isFinite(filters.stuckMinutes) ? filters.stuckMinutes : ""}
          onChange={(e) => set({ stuckMinutes: e.target.value === "" ? Number.NaN : Number(e.target.value) })}
          aria-label="Stuck threshold in minutes"
          data-testid="roster-filter-stuck-minutes"
          className={`${inputClass} w-16`}
        />
        <span className="text-sm text-muted">min</span>
      </fieldset>
      {active && (
        <button
          type="button"
          onClick={() => {
            onChange(emptyFilters);
            // This button goes away with the filters: focus must not fall back to the page's top.
            textRef.current?.focus();
          }}
          className="h-9 rounded-md px-2 text-sm text-accent hover:underline"
          data-testid="roster-clear-filters"
        >
          Clear filters
        </button>
      )}
    </div>
  );
}

/**
 * The live roster: one row per learner, sortable by every column (aria-sort on the header),
 * filterable by text, state, "stuck" and a failing check. Time in level ticks every second
 * against the server's clock. A row opens the learner (click, or Enter on their name).
 */
export function RosterTable({ roster, clockOffset }: { roster: RosterView; clockOffset: number }) {
  const router = useRouter();
  const [filters, setFilters] = useState<RosterFilters>(emptyFilters);
  const [sort, setSort] = useState<RosterSort>({ key: "name", direction: "ascending" });
  const now = useNow(true) + clockOffset;
  const stuckMinutes = Number.isFinite(filters.stuckMinutes) ? filters.stuckMinutes : emptyFilters.stuckMinutes;
  const levelTitles = useMemo(() => new Map(roster.levels.map((l) => [l.id, `${l.number} · ${l.title}`])), [roster.levels]);
  const visible = sortRows(filterRows(roster.rows, filters, now), sort, now);
  const cohortId = roster.cohort.id;
  const sortLabel = columns.find((column) => column.key === sort.key)?.label ?? sort.key;

  return (
    <div className="space-y-4">
      <Filters roster={roster} filters={filters} onChange={setFilters} />
      <p className="text-sm text-muted" role="status" aria-live="polite" data-testid="roster-count">
        {visible.length === roster.rows.length
          ? `${roster.rows.length} ${roster.rows.length === 1 ? "learner" : "learners"}`
          : `${visible.length} of ${roster.rows.length} learners match the filters`}
      </p>
      {/* aria-sort on the header says it when a reader visits the header; this says it when the order changes. */}
      <p role="status" className="sr-only" data-testid="roster-sort-status">
        Sorted by {sortLabel}, {sort.direction}
      </p>
      {roster.rows.length === 0 ? (
        <p className="rounded-xl border border-dashed border-line-strong p-8 text-center text-sm text-muted" data-testid="roster-empty">
          No learners yet. Share the cohort&rsquo;s invite link: learners appear here the moment they join.
        </p>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-line">
          <table className="w-full text-left text-sm" data-testid="roster-table">
            <caption className="sr-only">Learners of {roster.cohort.name}, live. Column headers sort the table.</caption>
            <thead className="bg-surface text-xs text-muted">
              <tr>
                {columns.map((column) => {
                  const sorted = sort.key === column.key;
                  return (
                    <th
                      key={column.key}
                      scope="col"
                      aria-sort={sorted ? sort.direction : "none"}
                      className={`px-3 py-2 font-medium whitespace-nowrap ${column.numeric ? "text-right" : ""}`}
                    >
                      <button
                        type="button"
                        onClick={() => setSort((current) => nextSort(current, column.key))}
                        data-testid={`sort-${column.key}`}
                        className={`inline-flex items-center gap-1 rounded hover:text-fg ${sorted ? "text-fg" : ""}`}
                      >
                        {column.label}
                        <span aria-hidden="true" className="w-3 text-[10px]">
                          {sorted ? (sort.direction === "ascending" ? "▲" : "▼") : ""}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {visible.map((row) => {
                const time = timeInLevelMs(row, now);
                const stuck = isStuck(row, now, stuckMinutes);
                const activity = msSince(row.lastActivityAt, now);
                const href = learnerHref(cohortId, row.learnerId);
                return (
                  <tr
                    key={row.learnerId}
                    data-testid="roster-row"
                    data-learner-id={row.learnerId}
                    data-learner-name={row.name}
                    data-state={row.state}
                    data-attempts={row.attempts}
                    data-stuck={stuck}
                    onClick={(event) => {
                      // The name is a real link (keyboard, middle-click); the rest of the row is a convenience.
                      if ((event.target as HTMLElement).closest("a")) return;
                      router.push(href);
                    }}
                    className="cursor-pointer border-t border-line hover:bg-raised/60"
                  >
                    <td className="px-3 py-2">
                      <Link href={href} className="font-medium text-fg hover:underline" data-testid="roster-learner-link">
                        {row.name}
                      </Link>
                      {row.username && row.username !== row.name && <span className="ml-1.5 text-xs whitespace-nowrap text-faint">@{row.username}</span>}
                    </td>
                    <td className="px-3 py-2 text-muted whitespace-nowrap">{row.levelId ? (levelTitles.get(row.levelId) ?? row.levelId) : "—"}</td>
                    <td className="px-3 py-2">
                      <StateBadge state={row.state} stuck={stuck} />
                    </td>
                    <td className="px-3 py-2">
                      <CheckDots checks={row.latestGrade?.checks ?? []} />
                    </td>
                    <td className="px-3 py-2 text-right font-mono text-xs tabular-nums whitespace-nowrap" data-testid="roster-time">
                      {time === null ? "—" : formatElapsed(time)}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{row.attempts}</td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {row.hintsOpened}
                      {row.solutionRevealed && (
                        <span className="ml-1 text-xs text-warn" title="Revealed the solution">
                          + solution
                        </span>
                      )}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums text-xp">{row.xp}</td>
                    <td className="px-3 py-2 text-xs whitespace-nowrap text-muted">
                      {activity === null || row.lastActivityAt === null ? (
                        "—"
                      ) : (
                        <time dateTime={row.lastActivityAt}>{formatAgo(activity)}</time>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
