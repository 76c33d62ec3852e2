// Streams a CSV export row by row (csv-parse): the file is never held in memory. Its bytes must be
// UTF-8: a file that is not (Latin-1, Windows-1252) is refused at its first bad line rather than
// read with U+FFFD in place of its accents.
import { isUtf8 } from "node:buffer";
import { createReadStream, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline, Transform } from "node:stream";
import { parse } from "csv-parse";

export interface SourceRow {
  /** The line in the file where the record starts (the header is line 1). */
  line: number;
  raw: Record<string, string>;
}

export interface RowSource {
  header(): Promise<string[]>;
  rows(): AsyncIterable<SourceRow>;
  /** Bytes read so far and in all, for a progress bar. */
  progress(): { read: number; total: number };
  /** Set for a file on disk: the import then parses it in a worker thread. */
  path?: string;
}

const normaliseHeader = (column: string) =>
  column
    .trim()
    .toLowerCase()
    .replace(/^\uFEFF/, "");

/** A byte range of a CSV file that starts at a record: parsed on its own, with the file's header. */
export interface FilePart {
  start: number;
  /** Exclusive. */
  end: number;
  /** The file's line at `start`. */
  firstLine: number;
  header: string[];
}

export function csvFile(path: string, part?: FilePart): RowSource {
  const total = part ? part.end - part.start : statSync(path).size;
  let read = 0;
  let header: string[] | null = part?.header ?? null;
  const lineOffset = (part?.firstLine ?? 1) - 1;

  /** The part's bytes, checked as UTF-8 on the way. */
  const bytes = () => {
    read = 0;
    const stream = createReadStream(path, part && { start: part.start, end: part.end - 1 });
    stream.on("data", (chunk) => {
      read += chunk.length;
    });
    return { stream, checked: utf8Checked(lineOffset + 1) };
  };

  /** Every row through csv-parse: quoted fields, carriage returns, its errors. */
  async function* parsedRows(): AsyncIterable<SourceRow> {
    const { stream, checked } = bytes();
    // pipeline, unlike pipe, hands the check's error on to the parser that is being read.
    const parser = pipeline(
      stream,
      checked,
      parse({
        bom: true,
        columns:
          part && part.start > 0
            ? part.header
            : (names: string[]) => (header = names.map(normaliseHeader)),
        skip_empty_lines: true,
        relax_column_count: true,
        trim: false,
        // The record's line number, without `info: true` (which costs a few µs per row).
        on_record: (record: Record<string, string>, context: { lines: number }) => ({
          line: context.lines + lineOffset,
          raw: record,
        }),
      }),
      () => undefined,
    );
    yield* parser as AsyncIterable<SourceRow>;
  }

  async function* rows(): AsyncIterable<SourceRow> {
    const { stream, checked } = bytes();
    const plain = plainRows(
      pipeline(stream, checked, () => undefined),
      lineOffset,
      part && part.start > 0 ? part.header : null,
      (names) => (header = names),
    );
    let handed = 0;
    try {
      for (;;) {
        const next = await plain.next();
        if (next.done && next.value) return;
        if (next.done) break;
        handed += 1;
        yield next.value;
      }
    } finally {
      await plain.return(true); // closes the file when the reader stops early (header())
    }
    // A line plainRows does not read: csv-parse reads the file again, from the row after the
    // last one handed over (rows before it read the same both ways).
    for await (const row of parsedRows()) if (handed-- <= 0) yield row;
  }

  return {
    async header() {
      if (header) return header;
      // Reading the first record makes csv-parse hand over the header.
      const iterator = rows()[Symbol.asyncIterator]();
      await iterator.next();
      await iterator.return?.();
      return header ?? [];
    },
    rows,
    progress: () => ({ read, total }),
    path,
  };
}

/** What only csv-parse reads: quoted fields (and doubled quotes in them), and carriage returns. */
const NOT_PLAIN = /["\r]/;

/**
 * Rows of plain CSV, without csv-parse (about a third of a parse worker's time): every line is a
 * record or empty, its fields split at commas. They are exactly the rows csv-parse makes (its
 * options in parsedRows: a BOM dropped, empty lines skipped, the first record the header, a short
 * or long record keeping the columns it has). Returns true at the end, false at the first chunk
 * with text it leaves to csv-parse (NOT_PLAIN, or a column named __proto__ that an object literal
 * would not hold as csv-parse does).
 */
async function* plainRows(
  chunks: AsyncIterable<Buffer>,
  lineOffset: number,
  columns: string[] | null,
  onHeader: (names: string[]) => void,
): AsyncGenerator<SourceRow, boolean> {
  if (columns?.includes("__proto__")) return false;
  let names = columns;
  let line = lineOffset;
  let carry = "";
  let first = true;
  const record = (text: string): SourceRow | null | false => {
    line += 1;
    if (text === "") return null;
    const fields = text.split(",");
    if (!names) {
      names = fields.map(normaliseHeader);
      if (names.includes("__proto__")) return false;
      onHeader(names);
      return null;
    }
    const raw: Record<string, string> = {};
    for (let i = 0; i < fields.length && i < names.length; i += 1) raw[names[i]!] = fields[i]!;
    return { line, raw };
  };
  for await (const chunk of chunks) {
    let text = carry + chunk.toString();
    if (NOT_PLAIN.test(text)) return false;
    if (first && text.startsWith("\uFEFF")) text = text.slice(1);
    first = false;
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      const row = record(text.slice(start, end));
      if (row === false) return false;
      if (row) yield row;
      start = end + 1;
    }
    carry = text.slice(start);
  }
  // The last line, without a newline after it.
  const row = carry ? record(carry) : null;
  if (row === false) return false;
  if (row) yield row;
  return true;
}

/** The file's bytes are not UTF-8 from this line on (the header is line 1). */
export class NotUtf8Error extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is not UTF-8 text: re-save the file as UTF-8 and import it again`);
  }
}

const NEWLINE = 0x0a;

function countNewlines(bytes: Uint8Array, end = bytes.length): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1 && at < end; at = bytes.indexOf(NEWLINE, at + 1))
    count += 1;
  return count;
}

/** Where a multi-byte character cut off at the end of `bytes` starts (or bytes.length). */
export function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) return bytes.length;
    if (byte >= 0xc0) {
      const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return size > back ? bytes.length - back : bytes.length;
    }
  }
  return bytes.length;
}

/** The first line (counted from `firstLine`) of `bytes` that is not valid UTF-8, or null. */
export function firstNonUtf8Line(bytes: Uint8Array, firstLine = 1): number | null {
  if (isUtf8(bytes)) return null;
  let start = 0;
  for (let line = firstLine; ; line += 1) {
    const end = bytes.indexOf(NEWLINE, start);
    if (!isUtf8(bytes.subarray(start, end === -1 ? bytes.length : end))) return line;
    if (end === -1) return line;
    start = end + 1;
  }
}

/** Passes bytes through unchanged, failing with NotUtf8Error at the first line that is not UTF-8. */
function utf8Checked(firstLine: number): Transform {
  let line = firstLine;
  let carry = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const cut = incompleteTail(bytes);
      const whole = bytes.subarray(0, cut);
      const bad = firstNonUtf8Line(whole, line);
      if (bad !== null) return done(new NotUtf8Error(bad));
      line += countNewlines(whole);
      carry = Buffer.from(bytes.subarray(cut));
      done(null, whole);
    },
    flush(done) {
      done(carry.length ? new NotUtf8Error(line) : null);
    },
  });
}

const QUOTE = 0x22;

/**
 * Cuts a CSV file into `count` parts at record boundaries: a newline with an even number of
 * quotes before it is outside any quoted field (RFC 4180 escapes a quote by doubling it).
 */
export async function splitCsv(path: string, header: string[], count: number): Promise<FilePart[]> {
  const size = statSync(path).size;
  const handle = await open(path);
  const parts: FilePart[] = [];
  let start = 0;
  let firstLine = 1;
  try {
    const buffer = Buffer.alloc(1 << 20);
    let offset = 0;
    let quotes = 0;
    let newlines = 0;
    let target = Math.floor(size / count);
    while (offset < size && parts.length < count - 1) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i += 1) {
        const byte = buffer[i]!;
        if (byte === QUOTE) quotes += 1;
        else if (byte === NEWLINE) {
          newlines += 1;
          if (offset + i + 1 >= target && quotes % 2 === 0) {
            parts.push({ start, end: offset + i + 1, firstLine, header });
            start = offset + i + 1;
            firstLine = newlines + 1;
            target = Math.floor((size * (parts.length + 1)) / count);
            if (parts.length === count - 1) break;
          }
        }
      }
      offset += bytesRead;
    }
  } finally {
    await handle.close();
  }
  parts.push({ start, end: size, firstLine, header });
  return parts;
}
