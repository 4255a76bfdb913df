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
  /** Where it works: anywhere on the level page, or in the YAML editor (Monaco's own keys). */
  where: "page" | "editor";
}

export const shortcutDocs: ShortcutDoc[] = [
  { keys: (mod) => [mod, "S"], what: "Apply the open YAML file", where: "page" },
  { keys: (mod) => [mod, "Enter"], what: "Check my work", where: "page" },
  { keys: () => ["Alt", "1"], what: "Go to the briefing", where: "page" },
  { keys: () => ["Alt", "2"], what: "Go to the editor", where: "page" },
  { keys: () => ["Alt", "3"], what: "Go to the terminal (also the way out of it)", where: "page" },
  { keys: () => ["Alt", "4"], what: "Go to the live view", where: "page" },
  { keys: () => ["?"], what: "Show these shortcuts", where: "page" },
  { keys: () => ["Esc"], what: "Close a dialog", where: "page" },
  // Monaco's own keys (Ctrl+Space is Control on a Mac too; the hover chord is Cmd there).
  { keys: () => ["Ctrl", "Space"], what: "Suggest the fields that fit here (again: show the field's documentation beside the list)", where: "editor" },
  { keys: (mod) => [mod, "K", mod, "I"], what: "Show the documentation of the field at the cursor (again: move into it to scroll)", where: "editor" },
  { keys: () => ["F8"], what: "Go to the next underlined problem (Shift+F8: the previous one)", where: "editor" },
  { keys: () => ["Esc"], what: "Close the suggestions, the documentation or a problem", where: "editor" },
  { keys: () => ["Esc", "Tab"], what: "Leave the editor once you have typed in it (then Tab alone indents)", where: "editor" },
];

/** The editor's completion and documentation keys in one line, for the editor itself and its label. */
export function editorKeysHint(mod: string): string {
  return `Ctrl+Space suggests fields · ${mod === "⌘" ? "⌘K ⌘I" : `${mod}+K ${mod}+I`} shows a field's documentation · F8 next problem`;
}
