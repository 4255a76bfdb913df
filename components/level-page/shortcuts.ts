/**
 * The level page's keyboard shortcuts, as a pure function of a key event so it can be tested
 * and shown in the help popover from one list.
 */
export type ShortcutAction =
  | "apply"
  | "grade"
  | "pane-briefing"
  | "pane-editor"
  | "pane-terminal"
  | "pane-live"
  | "help";

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export interface ShortcutContext {
  /** Focus is in a text field, the editor or the terminal: plain keys like "?" are typing. */
  typing: boolean;
  /** Focus is in the terminal, where Ctrl+S belongs to the shell. */
  inTerminal: boolean;
}

const paneByDigit: Record<string, ShortcutAction> = {
  Digit1: "pane-briefing",
  Digit2: "pane-editor",
  Digit3: "pane-terminal",
  Digit4: "pane-live",
};

export function matchShortcut(event: KeyLike, context: ShortcutContext): ShortcutAction | null {
  const mod = event.ctrlKey || event.metaKey;
  if (mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "s") {
    return context.inTerminal ? null : "apply";
  }
  if (mod && !event.altKey && event.key === "Enter") return "grade";
  // By physical key: Option+1 on a Mac types "¡", so event.key would not say "1".
  if (event.altKey && !mod && !event.shiftKey) {
    const pane = paneByDigit[event.code];
    if (pane) return pane;
  }
  if (event.key === "?" && !mod && !event.altKey && !context.typing) return "help";
  return null;
}

export interface ShortcutDoc {
  keys: (mod: string) => string[];
  what: string;
}

export const shortcutDocs: ShortcutDoc[] = [
  { keys: (mod) => [mod, "S"], what: "Apply the open YAML file" },
  { keys: (mod) => [mod, "Enter"], what: "Check my work" },
  { keys: () => ["Alt", "1"], what: "Go to the briefing" },
  { keys: () => ["Alt", "2"], what: "Go to the editor" },
  { keys: () => ["Alt", "3"], what: "Go to the terminal (also the way out of it)" },
  { keys: () => ["Alt", "4"], what: "Go to the live view" },
  { keys: () => ["?"], what: "Show these shortcuts" },
  { keys: () => ["Esc", "Tab"], what: "Leave the editor once you have typed in it (then Tab alone indents)" },
  { keys: () => ["Esc"], what: "Close a dialog" },
];
