import type { EditableFile } from "@/lib/protocol/socket-events";

export interface FileStore {
  read(key: string): string | null;
  write(key: string, value: string | null): void;
}

/** Contents to start the editor with: the learner's saved edit if any, else the level's original. */
export function initialContents(
  files: readonly EditableFile[],
  keyFor: (fileName: string) => string,
  store: Pick<FileStore, "read">,
): Record<string, string> {
  const contents: Record<string, string> = {};
  for (const file of files) contents[file.name] = store.read(keyFor(file.name)) ?? file.content;
  return contents;
}

/**
 * Saves an edit; content equal to the original removes the saved copy, so a later change of the
 * level's original is picked up by learners who had not really changed the file.
 */
export function persistContent(
  file: EditableFile,
  content: string,
  keyFor: (fileName: string) => string,
  store: Pick<FileStore, "write">,
): void {
  store.write(keyFor(file.name), content === file.content ? null : content);
}

/** Monaco model path per file: distinct per level so two levels' "service.yaml" never share a model. */
export function modelPath(levelId: string, fileName: string): string {
  return `kubequest/${levelId}/${fileName}`;
}
