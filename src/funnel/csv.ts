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
        info: true,
        trim: false,
      }),
    );
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      yield { line: info.lines, raw: record };
    }
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
  };
}
