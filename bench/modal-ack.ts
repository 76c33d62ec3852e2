// Acknowledgement latency of /winloss modal submissions: validated, stored (each a new note) and
// acknowledged, through the real `cadence start` (HTTP mode, SQLite) in its own process. The
// private confirmation is sent after the acknowledgement, so it is not in these figures.
import { FakeSlack } from "../tests/fakes/fake-slack.js";
import { TEST_SIGNING_SECRET, testEnv } from "../tests/helpers/cadence.js";
import { runCadence } from "../tests/helpers/cadence-process.js";
import { createTestDatabase } from "../tests/helpers/databases.js";
import { SlackRequests } from "../tests/helpers/signed-requests.js";
import type { AckLatency } from "./slash-command-ack.js";
import { percentile } from "./stats.js";

const input = (id: string, value: unknown) => ({ [id]: { [id]: value } });
const text = (id: string, value: string | null) => input(id, { type: "plain_text_input", value });

let views = 0;
async function timedSubmission(requests: SlackRequests): Promise<{ ms: number; ok: boolean }> {
  views += 1;
  const started = performance.now();
  const response = await requests.viewSubmission({
    user: `U0AE${views % 25}`,
    view: {
      id: `VBENCH${views}`,
      callback_id: "feedback_winloss",
      private_metadata: "{}",
      state: {
        values: {
          ...text("deal_name", `Deal ${views}`),
          ...text("crm_id", null),
          ...text("amount", "12,500"),
          ...input("outcome", { type: "radio_buttons", selected_option: { value: "lost" } }),
          ...input("primary_reason", {
            type: "static_select",
            selected_option: { value: "price" },
          }),
          ...text("other_reason", null),
          ...text("nearly_lost", "A cheaper tier would have kept them."),
          ...text("other_competitors", "Globex"),
          ...text("notes", null),
        },
      },
    },
  });
  return { ms: performance.now() - started, ok: response.status === 200 && response.text === "" };
}

function summarise(label: string, results: Array<{ ms: number; ok: boolean }>): AckLatency {
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

export async function benchModalAcks(sequential = 1_000, concurrent = 100): Promise<AckLatency[]> {
  const slack = await new FakeSlack().start();
  const database = await createTestDatabase("sqlite");
  const cadence = runCadence(["start"], {
    ...testEnv(slack, database.url),
    LOG_LEVEL: "info",
    NODE_ENV: "production",
  });
  try {
    const port = await cadence.ready;
    const requests = new SlackRequests(
      `http://127.0.0.1:${port}/slack/events`,
      TEST_SIGNING_SECRET,
      slack.teamId,
    );
    for (let i = 0; i < 50; i += 1) await timedSubmission(requests); // warm-up
    const one: Array<{ ms: number; ok: boolean }> = [];
    for (let i = 0; i < sequential; i += 1) one.push(await timedSubmission(requests));
    const many = await Promise.all(
      Array.from({ length: concurrent }, () => timedSubmission(requests)),
    );
    return [summarise(`${sequential} sequential`, one), summarise(`${concurrent} at once`, many)];
  } finally {
    await cadence.stop();
    await slack.stop();
    await database.drop();
  }
}
