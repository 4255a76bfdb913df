import { describe, expect, it } from "vitest";
import { initialContents, modelPath, persistContent } from "./editor-files";

function memoryStore(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    read: (key: string) => data.get(key) ?? null,
    write: (key: string, value: string | null) => {
      if (value === null) data.delete(key);
      else data.set(key, value);
    },
  };
}

const files = [
  { name: "service.yaml", content: "kind: Service\n" },
  { name: "statefulset.yaml", content: "kind: StatefulSet\n" },
];
const keyFor = (name: string) => `k:${name}`;

describe("editor files", () => {
  it("prefers the learner's saved edit", () => {
    const store = memoryStore({ "k:service.yaml": "edited" });
    expect(initialContents(files, keyFor, store)).toEqual({
      "service.yaml": "edited",
      "statefulset.yaml": "kind: StatefulSet\n",
    });
  });

  it("saves edits and forgets content equal to the original", () => {
    const store = memoryStore();
    const file = files[0]!;
    persistContent(file, "changed", keyFor, store);
    expect(store.data.get("k:service.yaml")).toBe("changed");
    persistContent(file, file.content, keyFor, store);
    expect(store.data.has("k:service.yaml")).toBe(false);
  });

  it("names models per level", () => {
    expect(modelPath("a", "service.yaml")).toBe("kubequest/a/service.yaml");
  });
});
