// Reading and checking rows, apart from writing them: each row becomes a valid record (with its
// content hash) or its problems. A CSV file is parsed in a worker thread, so that parsing and
// validation (about half an import's CPU) run on one core while the database writes run on the
// other; records already in memory (an API request) are parsed in place.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { NotUtf8Error, type RowSource } from "./csv.js";
import {
  leadContentHash,
  leadInputSchema,
  parseLead,
  type LeadRecord,
  type RowProblem,
} from "./rules.js";

export type ParsedRow =
  | { line: number; record: LeadRecord; contentHash: string }
  | { line: number; problems: RowProblem[] };

export interface ParsedBatch {
  rows: ParsedRow[];
  /** Bytes of the source read so far, and in all (for a progress bar). */
  read: number;
  total: number;
}

/** Rows per message from the worker: large enough to make messaging cheap, small enough to stream. */
export const PARSE_BATCH = 2_000;

/** Parses `source` here, on this thread, in batches. */
export async function* parseInPlace(
  source: RowSource,
  timezone: string,
  size = PARSE_BATCH,
): AsyncGenerator<ParsedBatch> {
  const schema = leadInputSchema(timezone);
  let rows: ParsedRow[] = [];
  const batch = (): ParsedBatch => {
    const done = rows;
    rows = [];
    return { rows: done, ...source.progress() };
  };
  for await (const { line, raw } of source.rows()) {
    const parsed = parseLead(schema, raw, line);
    rows.push(
      parsed.ok
        ? { line, record: parsed.record, contentHash: leadContentHash(parsed.record) }
        : { line, problems: parsed.problems },
    );
    if (rows.length >= size) yield batch();
  }
  if (rows.length) yield batch();
}

/**
 * Starts parse-worker: compiled, as it ships; from source (tests, `npm run cadence`), through
 * tsx's loader, registered inside the worker because Node 20 does not pass `--import` hooks to
 * worker threads.
 */
function startWorker(workerData: { path: string; timezone: string }): Worker {
  const options = { workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./parse-worker.js", import.meta.url), options);
  const tsxApi = path.join(
    path.dirname(createRequire(import.meta.url).resolve("tsx/esm/api")),
    "index.mjs",
  );
  const entry = new URL("./parse-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** The worker's old-generation heap, in MB: it holds a batch or two, never the file. */
const WORKER_HEAP_MB = 64;

/**
 * Parses a CSV file in a worker thread. The worker parses one batch ahead: it sends a batch when
 * asked, so at most two are in memory however fast it reads.
 */
export async function* parseInWorker(file: string, timezone: string): AsyncGenerator<ParsedBatch> {
  const worker = startWorker({ path: file, timezone });
  type Message = { done: true; notUtf8?: number } | { done: false; batch: ParsedBatch };
  const ask = () =>
    new Promise<Message>((resolve, reject) => {
      const onMessage = (message: Message) => {
        worker.off("error", onError);
        resolve(message);
      };
      const onError = (error: Error) => {
        worker.off("message", onMessage);
        reject(error);
      };
      worker.once("message", onMessage);
      worker.once("error", onError);
      worker.postMessage("next");
    });
  try {
    let next = ask();
    for (;;) {
      const message = await next;
      if (message.done && message.notUtf8) throw new NotUtf8Error(message.notUtf8);
      if (message.done) return;
      next = ask(); // the worker parses the next batch while this one is written
      yield message.batch;
    }
  } finally {
    await worker.terminate();
  }
}
