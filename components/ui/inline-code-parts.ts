/**
 * Why: splitting "run `kubectl get pods` now" into text and code parts is pure logic the
 * InlineCode component and its tests share. A lone backtick (no partner) stays literal text,
 * so a stray one never swallows the rest of a sentence.
 */
export interface InlinePart {
  text: string;
  code: boolean;
}

export function splitInlineCode(text: string): InlinePart[] {
  const parts: InlinePart[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf("`");
    const close = open === -1 ? -1 : rest.indexOf("`", open + 1);
    if (open === -1 || close === -1) break;
    if (open > 0) parts.push({ text: rest.slice(0, open), code: false });
    if (close > open + 1) parts.push({ text: rest.slice(open + 1, close), code: true });
    rest = rest.slice(close + 1);
  }
  if (rest !== "") parts.push({ text: rest, code: false });
  return parts;
}
