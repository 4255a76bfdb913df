/**
 * localStorage that never throws: private windows, full quotas and disabled storage must not
 * break a level page, they only lose persistence.
 */

export function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Persistence is a convenience; the in-memory state stays correct.
  }
}

/** Keys of everything KubeQuest keeps in the browser, in one place. */
export const storageKeys = {
  editorFile: (levelId: string, fileName: string) => `kq:v1:level:${levelId}:file:${fileName}`,
  debrief: (levelId: string) => `kq:v1:level:${levelId}:debrief`,
  terminalHeight: () => "kq:v1:layout:terminal-height",
  sidebarWidth: () => "kq:v1:layout:sidebar-width",
} as const;
