// Reading and checking rows, apart from writing them: each row becomes a valid record's staged
// values (with its content hash, as the provider's driver stores them) or its problems. A CSV file is parsed in a worker thread, so that parsing and
// validation (about half an import's CPU) run on one core while the database writes run on the
// other; records already in memory (an API request) are parsed in place.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { statSync } from "node:fs";
import { csvFile, NotUtf8Error, splitCsv, type FilePart, type RowSource } from "./csv.js";
import type { DatabaseProvider } from "../db/provider.js";
import { stagedValues } from "./bulk-writer.js";
import { leadContentHash, leadInputSchema, parseLead, type RowProblem } from "./rules.js";

/** A valid row carries its staged values (stagedValues): flat, so cheap to pass between threads. */
export type ParsedRow =
  { line: number; values: unknown[] } | { line: number; problems: RowProblem[] };

export interface ParsedBatch {
  rows: ParsedRow[];
  /** Bytes of the source read so far, and in all (for a progress bar). */
  read: number;
  total: number;
}

/** Rows per message from the worker: large enough to make messaging cheap, small enough to stream.
 * 500 rather than 2,000: each thread's heap holds less in flight (peak RSS -10 MB SQLite, -80 MB
 * PostgreSQL at 200k rows) for the same speed. */
export const PARSE_BATCH = 500;

export interface WorkerData {
  path: string;
  timezone: string;
  provider: DatabaseProvider;
  part?: FilePart;
}

/** Parses `source` here, on this thread, in batches. */
export async function* parseInPlace(
  source: RowSource,
  timezone: string,
  provider: DatabaseProvider,
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
        ? {
            line,
            values: stagedValues(provider, {
              line,
              record: parsed.record,
              contentHash: leadContentHash(parsed.record),
            }),
          }
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
function startWorker(workerData: WorkerData): Worker {
  const options = {
    workerData,
    resourceLimits: {
      maxOldGenerationSizeMb: WORKER_HEAP_MB,
      maxYoungGenerationSizeMb: WORKER_YOUNG_MB,
    },
  };
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
/** Its young generation, in MB: each batch is short-lived garbage, and V8's default (16) made the
 * worker spend a third of its time collecting it (bench/import-while-serving.ts); 48 cost memory. */
const WORKER_YOUNG_MB = 32;

/**
 * Parses a CSV file in a worker thread. The worker parses one batch ahead: it sends a batch when
 * asked, so at most two are in memory however fast it reads.
 */
export async function* parseInWorker(
  file: string,
  timezone: string,
  provider: DatabaseProvider,
  part?: FilePart,
): AsyncGenerator<ParsedBatch> {
  const worker = startWorker({ path: file, timezone, provider, part });
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

/** From this size a file is parsed in two halves, by two workers: parsing is the import's bottleneck. */
const SPLIT_FROM_BYTES = 8 * 1024 * 1024;

type Pulled =
  { index: number; next: IteratorResult<ParsedBatch> } | { index: number; error: unknown };

/**
 * Parses a CSV file in worker threads, one per part, and hands their batches on as they come (the
 * staging table keeps each row's line, so order does not matter). A file that is not UTF-8 is
 * refused at its first bad line: parts before the one that found it are still read to the end.
 */
export async function* parseInWorkers(
  file: string,
  timezone: string,
  provider: DatabaseProvider,
): AsyncGenerator<ParsedBatch> {
  const total = statSync(file).size;
  if (total < SPLIT_FROM_BYTES) {
    yield* parseInWorker(file, timezone, provider);
    return;
  }
  const parts = await splitCsv(file, await csvFile(file).header(), 2);
  const streams = parts.map((part) => parseInWorker(file, timezone, provider, part));
  const read = parts.map(() => 0);
  const pull = (index: number): Promise<Pulled> =>
    streams[index]!.next().then(
      (next) => ({ index, next }),
      (error: unknown) => ({ index, error }),
    );
  const pending = new Map(streams.map((_, index) => [index, pull(index)]));
  let notUtf8: NotUtf8Error | null = null;
  try {
    while (pending.size) {
      const pulled = await Promise.race(pending.values());
      pending.delete(pulled.index);
      if ("error" in pulled) {
        if (!(pulled.error instanceof NotUtf8Error)) throw pulled.error;
        if (!notUtf8 || pulled.error.line < notUtf8.line) notUtf8 = pulled.error;
        for (const index of pending.keys()) if (index > pulled.index) pending.delete(index);
        continue;
      }
      if (pulled.next.done) continue;
      pending.set(pulled.index, pull(pulled.index));
      if (notUtf8) continue; // the file is refused: read earlier parts only for an earlier bad line
      read[pulled.index] = pulled.next.value.read;
      yield { rows: pulled.next.value.rows, read: read.reduce((a, b) => a + b, 0), total };
    }
    if (notUtf8) throw notUtf8;
  } finally {
    await Promise.all(streams.map((stream) => stream.return(undefined).catch(() => undefined)));
  }
}
