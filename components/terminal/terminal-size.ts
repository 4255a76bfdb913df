export interface TerminalSize {
  cols: number;
  rows: number;
}

/** The sizes the server's schema accepts (terminalOpen/terminalResize payloads). */
export const TERMINAL_BOUNDS = { cols: { min: 10, max: 500 }, rows: { min: 2, max: 200 } } as const;

export function clampTerminalSize(size: TerminalSize): TerminalSize {
  const clamp = (value: number, min: number, max: number) =>
    Number.isFinite(value) ? Math.min(Math.max(Math.floor(value), min), max) : min;
  return {
    cols: clamp(size.cols, TERMINAL_BOUNDS.cols.min, TERMINAL_BOUNDS.cols.max),
    rows: clamp(size.rows, TERMINAL_BOUNDS.rows.min, TERMINAL_BOUNDS.rows.max),
  };
}

export function sameSize(a: TerminalSize | null, b: TerminalSize): boolean {
  return a !== null && a.cols === b.cols && a.rows === b.rows;
}
