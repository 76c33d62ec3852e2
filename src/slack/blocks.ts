// Small typed builders for the Block Kit we send, with Slack's limits applied in one place.
import type {
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  SectionBlock,
} from "@slack/types";
import { escapeMrkdwn, truncate } from "./mrkdwn.js";

/** Slack's limits (api.slack.com/reference/block-kit): see docs/domain.md. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
} as const;

export const header = (text: string): HeaderBlock => ({
  type: "header",
  text: { type: "plain_text", text: truncate(text, SLACK_LIMITS.headerText), emoji: true },
});

export const section = (markdown: string): SectionBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: truncate(markdown, SLACK_LIMITS.sectionText) },
});

export const context = (...markdown: string[]): ContextBlock => ({
  type: "context",
  elements: markdown
    .slice(0, SLACK_LIMITS.contextElements)
    .map((text) => ({ type: "mrkdwn", text: truncate(text, SLACK_LIMITS.sectionText) })),
});

export const divider = (): DividerBlock => ({ type: "divider" });

/** Keeps a message inside Slack's block limit, saying what was left out instead of failing. */
export function fitBlocks(
  blocks: KnownBlock[],
  limit: number = SLACK_LIMITS.blocksPerMessage,
): KnownBlock[] {
  if (blocks.length <= limit) return blocks;
  const kept = blocks.slice(0, limit - 1);
  return [...kept, context(`…and ${blocks.length - kept.length} more blocks not shown.`)];
}

/**
 * The fallback `text` for notifications and screen readers, built from the blocks' text. Slack
 * parses it as mrkdwn, so a plain_text block's words (a header's title) are escaped on the way.
 */
export function fallbackText(blocks: KnownBlock[]): string {
  const joined = blocks
    .map((block) => {
      const text = "text" in block ? block.text : undefined;
      if (typeof text !== "object" || text === null || !("text" in text)) return "";
      return text.type === "plain_text" ? escapeMrkdwn(text.text) : text.text;
    })
    .filter(Boolean)
    .join("\n");
  return truncate(joined, SLACK_LIMITS.sectionText);
}
