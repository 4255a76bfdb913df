/**
 * Splits terminal input into pieces the server accepts (LIMITS.terminalInputBytes each), by
 * UTF-8 bytes and never inside a character: a pasted emoji must not arrive as two halves.
 * A piece of at most `maxBytes` UTF-8 bytes is also at most `maxBytes` UTF-16 units, which is
 * what the server's schema measures.
 */
export function splitInput(data: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new RangeError("maxBytes must fit any UTF-8 character (4 bytes)");
  if (data.length === 0) return [];
  const chunks: string[] = [];
  let start = 0;
  let bytes = 0;
  let i = 0;
  while (i < data.length) {
    const code = data.codePointAt(i) ?? 0;
    const units = code > 0xffff ? 2 : 1;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) {
      chunks.push(data.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += size;
    i += units;
  }
  chunks.push(data.slice(start));
  return chunks;
}
