// Lines of a streamed request body, read as they arrive: memory holds at most one line (capped),
// never the body. A line over the cap is reported and skipped, not buffered.

export type BodyLine = { number: number; text: string } | { number: number; tooLong: true };

export async function* readLines(
  body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  maxLineBytes: number,
): AsyncGenerator<BodyLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let number = 0;
  const finish = (): BodyLine | undefined => {
    number++;
    const line: BodyLine | undefined = tooLong
      ? { number, tooLong: true }
      : { number, text: Buffer.concat(parts, size).toString('utf8').replace(/\r$/, '') };
    parts = [];
    size = 0;
    tooLong = false;
    return line;
  };
  for await (const raw of body) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let newline = chunk.indexOf(10);
    while (newline >= 0) {
      const head = chunk.subarray(0, newline);
      if (!tooLong && size + head.length <= maxLineBytes) {
        parts.push(head);
        size += head.length;
      } else tooLong = true;
      const line = finish();
      if (line && ('tooLong' in line || line.text.trim() !== '')) yield line;
      chunk = chunk.subarray(newline + 1);
      newline = chunk.indexOf(10);
    }
    if (tooLong || size + chunk.length > maxLineBytes) {
      tooLong = true;
      parts = [];
      size = 0;
    } else if (chunk.length > 0) {
      // A copy: the stream may reuse the chunk's memory once we return.
      parts.push(Buffer.from(chunk));
      size += chunk.length;
    }
  }
  if (tooLong || size > 0) {
    const line = finish();
    if (line && ('tooLong' in line || line.text.trim() !== '')) yield line;
  }
}
