// Acknowledgement latency of /winloss modal submissions: validated, stored (each a new note) and
// acknowledged, through the real `cadence start` (HTTP mode, SQLite) in its own process. The
// private confirmation is sent after the acknowledgement, so it is not in these figures.
import type { SlackRequests } from "../tests/helpers/signed-requests.js";
import { measureAcks, type AckLatency } from "./slash-command-ack.js";

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

export function benchModalAcks(sequential = 1_000, concurrent = 100): Promise<AckLatency[]> {
  return measureAcks(timedSubmission, sequential, concurrent);
}
