// Slack wants an answer within 3 seconds. Most commands finish in milliseconds and answer in the
// acknowledgement itself; one that is slower (a Slack API retry) is acknowledged with a short
// "working on it" and answered through response_url when done.
import type { RespondArguments } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import { fallbackText } from "./blocks.js";

export interface EphemeralReply {
  text: string;
  blocks?: KnownBlock[];
}

export const blocksReply = (blocks: KnownBlock[]): EphemeralReply => ({
  text: fallbackText(blocks),
  blocks,
});

export const ACK_BUDGET_MS = 2_000;

export async function replyWithinBudget(
  ack: (reply: EphemeralReply & { response_type: "ephemeral" }) => Promise<void>,
  respond: (reply: RespondArguments) => Promise<unknown>,
  work: () => Promise<EphemeralReply>,
  budgetMs = ACK_BUDGET_MS,
): Promise<void> {
  const result = work();
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<"slow">((resolve) => {
    timer = setTimeout(() => resolve("slow"), budgetMs);
  });
  const first = await Promise.race([result, slow]);
  clearTimeout(timer);
  if (first !== "slow") {
    await ack({ response_type: "ephemeral", ...first });
    return;
  }
  await ack({ response_type: "ephemeral", text: "Working on it…" });
  await respond({ response_type: "ephemeral", replace_original: true, ...(await result) });
}
