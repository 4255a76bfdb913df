import { LIMITS, type YamlIssue } from "@/lib/protocol/socket-events";

/** UTF-8 size of a string, which is what the server's byte limits count. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Problems found before asking the server; a non-empty list means "do not send". */
export function localIssues(yaml: string): YamlIssue[] {
  const bytes = utf8Bytes(yaml);
  if (bytes > LIMITS.yamlBytes) {
    return [
      {
        severity: "error",
        message: `This file is ${Math.ceil(bytes / 1024)} KiB; the editor accepts up to ${LIMITS.yamlBytes / 1024} KiB. Level manifests are a few KiB: remove what you pasted by mistake.`,
      },
    ];
  }
  if (yaml.trim() === "") {
    return [{ severity: "warning", message: "The file is empty: there is nothing to apply." }];
  }
  return [];
}

export interface MarkerData {
  severity: "error" | "warning";
  message: string;
  startLineNumber: number;
  endLineNumber: number;
  startColumn: number;
  endColumn: number;
}

/**
 * Monaco markers for issues that name a line. The line is clamped into the document (the
 * server validated the text of a moment ago) and the marker spans the whole line.
 */
export function issuesToMarkers(issues: readonly YamlIssue[], lines: readonly string[]): MarkerData[] {
  const markers: MarkerData[] = [];
  const lineCount = Math.max(1, lines.length);
  for (const issue of issues) {
    if (issue.line === undefined || !Number.isFinite(issue.line)) continue;
    const line = Math.min(Math.max(1, Math.floor(issue.line)), lineCount);
    const text = lines[line - 1] ?? "";
    const firstColumn = text.length - text.trimStart().length + 1;
    markers.push({
      severity: issue.severity,
      message: issue.message,
      startLineNumber: line,
      endLineNumber: line,
      startColumn: text.trim() === "" ? 1 : firstColumn,
      endColumn: Math.max(text.length + 1, 2),
    });
  }
  return markers;
}

/** Errors first, then warnings, each by line (issues without a line last). */
export function sortIssues(issues: readonly YamlIssue[]): YamlIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
      (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER),
  );
}
