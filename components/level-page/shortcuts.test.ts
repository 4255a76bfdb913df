import { describe, expect, it } from "vitest";
import { editorKeysHint, matchShortcut, shortcutDocs, type KeyLike } from "./shortcuts";

function key(partial: Partial<KeyLike>): KeyLike {
  return { key: "", code: "", ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...partial };
}
const free = { typing: false, inTerminal: false };

describe("matchShortcut", () => {
  it("applies with Ctrl+S and Cmd+S, but not in the terminal", () => {
    expect(matchShortcut(key({ key: "s", ctrlKey: true }), free)).toBe("apply");
    expect(matchShortcut(key({ key: "S", metaKey: true }), { typing: true, inTerminal: false })).toBe("apply");
    expect(matchShortcut(key({ key: "s", ctrlKey: true }), { typing: true, inTerminal: true })).toBeNull();
  });

  it("grades with Ctrl/Cmd+Enter", () => {
    expect(matchShortcut(key({ key: "Enter", ctrlKey: true }), free)).toBe("grade");
    expect(matchShortcut(key({ key: "Enter", metaKey: true }), { typing: true, inTerminal: true })).toBe("grade");
    expect(matchShortcut(key({ key: "Enter" }), free)).toBeNull();
  });

  it("switches panes by physical digit key with Alt", () => {
    expect(matchShortcut(key({ key: "¡", code: "Digit1", altKey: true }), free)).toBe("pane-briefing");
    expect(matchShortcut(key({ key: "4", code: "Digit4", altKey: true }), free)).toBe("pane-live");
    expect(matchShortcut(key({ key: "5", code: "Digit5", altKey: true }), free)).toBeNull();
    expect(matchShortcut(key({ key: "1", code: "Digit1", altKey: true, ctrlKey: true }), free)).toBeNull();
  });

  it("opens help with ? unless typing", () => {
    expect(matchShortcut(key({ key: "?", shiftKey: true }), free)).toBe("help");
    expect(matchShortcut(key({ key: "?", shiftKey: true }), { typing: true, inTerminal: false })).toBeNull();
  });
});

describe("the documented editor keys (issue 15 item 3)", () => {
  const editor = (mod: string) => shortcutDocs.filter((d) => d.where === "editor").map((d) => [d.keys(mod).join(" "), d.what]);

  it("name Monaco's completion, documentation and problem keys, with Cmd only where Monaco uses it on a Mac", () => {
    expect(editor("Ctrl").map(([keys]) => keys)).toEqual(["Ctrl Space", "Ctrl K Ctrl I", "F8", "Esc", "Esc Tab"]);
    // Monaco's suggest is Control+Space on a Mac too; its hover chord is Cmd+K Cmd+I there.
    expect(editor("⌘").map(([keys]) => keys)).toEqual(["Ctrl Space", "⌘ K ⌘ I", "F8", "Esc", "Esc Tab"]);
    expect(editor("Ctrl")[0]![1]).toMatch(/^Suggest the fields/);
    expect(editor("Ctrl")[1]![1]).toMatch(/^Show the documentation of the field at the cursor/);
  });

  it("say the same in one line inside the editor", () => {
    expect(editorKeysHint("Ctrl")).toBe("Ctrl+Space suggests fields · Ctrl+K Ctrl+I shows a field's documentation · F8 next problem");
    expect(editorKeysHint("⌘")).toBe("Ctrl+Space suggests fields · ⌘K ⌘I shows a field's documentation · F8 next problem");
  });
});
