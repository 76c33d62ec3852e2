// Lead records from an HTTP body: a JSON array, or NDJSON (one JSON object a line).
import { z } from "zod";
import type { RowSource, SourceRow } from "./csv.js";

const RecordSchema = z.record(z.string(), z.unknown());

export type ParsedBody = { ok: true; source: RowSource } | { ok: false; problem: string };

export function parseIngestBody(body: string, contentType: string): ParsedBody {
  const rows: SourceRow[] = [];
  if (/ndjson|jsonl/.test(contentType)) {
    const lines = body.split("\n");
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index]!.trim();
      if (!line) continue;
      const parsed = safeJson(line);
      const record = RecordSchema.safeParse(parsed);
      if (!record.success) return { ok: false, problem: `line ${index + 1} is not a JSON object` };
      rows.push({ line: index + 1, raw: record.data as Record<string, string> });
    }
  } else {
    const parsed = z.array(RecordSchema).safeParse(safeJson(body));
    if (!parsed.success)
      return {
        ok: false,
        problem:
          "the body must be a JSON array of lead objects, or NDJSON with Content-Type application/x-ndjson",
      };
    parsed.data.forEach((record, index) =>
      rows.push({ line: index + 1, raw: record as Record<string, string> }),
    );
  }
  return { ok: true, source: arraySource(rows) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Records already in memory (a request body, bounded by the size limit) as a RowSource. */
export function arraySource(rows: SourceRow[]): RowSource {
  const header = [
    ...new Set(rows.flatMap((row) => Object.keys(row.raw).map((key) => key.trim().toLowerCase()))),
  ];
  return {
    header: () => Promise.resolve(header),
    // eslint-disable-next-line @typescript-eslint/require-await
    rows: async function* () {
      for (const row of rows) yield row;
    },
    progress: () => ({ read: rows.length, total: rows.length }),
  };
}
