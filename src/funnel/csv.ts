// Streams a CSV export row by row (csv-parse): the file is never held in memory.
import { createReadStream, statSync } from "node:fs";
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

export function csvFile(path: string): RowSource {
  const total = statSync(path).size;
  let read = 0;
  let header: string[] | null = null;

  async function* rows(): AsyncIterable<SourceRow> {
    read = 0;
    const stream = createReadStream(path);
    stream.on("data", (chunk) => {
      read += chunk.length;
    });
    const parser = stream.pipe(
      parse({
        bom: true,
        columns: (names: string[]) => (header = names.map(normaliseHeader)),
        skip_empty_lines: true,
        relax_column_count: true,
        trim: false,
        // The record's line number, without `info: true` (which costs a few µs per row).
        on_record: (record: Record<string, string>, context: { lines: number }) => ({
          line: context.lines,
          raw: record,
        }),
      }),
    );
    yield* parser as AsyncIterable<SourceRow>;
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
