// The worker thread behind parseInWorker: parses and checks a CSV file, a batch per request.
import { parentPort, workerData } from "node:worker_threads";
import { csvFile, NotUtf8Error } from "./csv.js";
import { parseInPlace, type WorkerData } from "./parsed-rows.js";

const { path, timezone, provider, part } = workerData as WorkerData;
const batches = parseInPlace(csvFile(path, part), timezone, provider);
const port = parentPort!;

port.on("message", () => {
  batches.next().then(
    (next) => port.postMessage(next.done ? { done: true } : { done: false, batch: next.value }),
    (error: unknown) => {
      // A refusal the import reports as a problem crosses as a message; anything else as an error.
      if (error instanceof NotUtf8Error) port.postMessage({ done: true, notUtf8: error.line });
      else throw error;
    },
  );
});
