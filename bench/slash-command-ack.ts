// Acknowledgement latency of signed slash commands: Slack gives an app 3,000 ms; we aim for a
// p99 under 50 ms. Cadence runs as its own process (the real `cadence start`, HTTP mode, SQLite),
// so the client's work does not share its event loop.
import type { SlackRequests } from "../tests/helpers/signed-requests.js";
import { withServedCadence } from "./served-cadence.js";
import { percentile } from "./stats.js";

export interface AckLatency {
  label: string;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
}

async function timedCommand(requests: SlackRequests): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  const response = await requests.slashCommand({ command: "/cadence", text: "help" });
  return {
    ms: performance.now() - started,
    ok: response.status === 200 && response.text.includes("ephemeral"),
  };
}

type Timed = { ms: number; ok: boolean };

export function summarise(label: string, results: Timed[]): AckLatency {
  const times = results.map((r) => r.ms);
  return {
    label,
    requests: results.length,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: Math.max(...times),
    failures: results.filter((r) => !r.ok).length,
  };
}

/**
 * Starts the real `cadence start` (HTTP mode, SQLite) in its own process and times `request`:
 * a warm-up, then `sequential` one after another, then `concurrent` all at once.
 */
export async function measureAcks(
  request: (requests: SlackRequests) => Promise<Timed>,
  sequential: number,
  concurrent: number,
): Promise<AckLatency[]> {
  return withServedCadence(async ({ requests }) => {
    for (let i = 0; i < 50; i += 1) await request(requests); // warm-up
    const one: Timed[] = [];
    for (let i = 0; i < sequential; i += 1) one.push(await request(requests));
    const many = await Promise.all(Array.from({ length: concurrent }, () => request(requests)));
    return [summarise(`${sequential} sequential`, one), summarise(`${concurrent} at once`, many)];
  });
}

export function benchSlashCommandAcks(sequential = 2_000, concurrent = 200): Promise<AckLatency[]> {
  return measureAcks(timedCommand, sequential, concurrent);
}
