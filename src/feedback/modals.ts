// The /winloss and /content modals: picklists and a prefill in, Block Kit out. Pure. Reading a
// submission back is in submissions.ts.
import type {
  InputBlock,
  InputBlockElement,
  KnownBlock,
  ModalView,
  PlainTextOption,
} from "@slack/types";
import { truncate } from "../slack/mrkdwn.js";
import {
  DEAL_STAGES,
  HELPED,
  OTHER,
  OUTCOMES,
  OUTCOME_LABELS,
  type ContentInput,
  type DealStage,
  type FeedbackPicklists,
  type Helped,
  type WinLossInput,
} from "./types.js";

export const WIN_LOSS_VIEW = "feedback_winloss";
export const CONTENT_VIEW = "feedback_content";

/** Each input block's block_id; its element's action_id is the same string. */
export const WIN_LOSS_BLOCKS = {
  dealName: "deal_name",
  crmId: "crm_id",
  amount: "amount",
  outcome: "outcome",
  reason: "primary_reason",
  otherReason: "other_reason",
  nearlyLost: "nearly_lost",
  competitors: "competitors",
  otherCompetitors: "other_competitors",
  notes: "notes",
} as const;

export const CONTENT_BLOCKS = {
  asset: "asset",
  assetLink: "asset_link",
  stage: "deal_stage",
  helped: "helped",
  buyerSaid: "buyer_said",
  uncoveredObjections: "uncovered_objections",
} as const;

/** Slack's limits on options (docs.slack.dev, option and select objects) and our field sizes. */
export const MODAL_LIMITS = {
  optionText: 75,
  optionValue: 150,
  optionsPerSelect: 100,
  dealName: 150,
  crmId: 64,
  amount: 32,
  reason: 150,
  competitor: 150,
  otherCompetitors: 1000,
  longText: 2000,
  notes: 3000,
  url: 3000,
} as const;

export const STAGE_LABELS: Record<DealStage, string> = {
  discovery: "Discovery",
  evaluation: "Evaluation",
  proposal: "Proposal",
  negotiation: "Negotiation",
  closed: "Closed",
};

const HELPED_LABELS: Record<Helped, { text: string; description: string }> = {
  helped: { text: "Helped", description: "It moved the deal forward" },
  neutral: { text: "Neutral", description: "It made no difference" },
  hurt: { text: "Hurt", description: "It raised doubts or new objections" },
};

// Every text here is plain_text, which Slack shows as typed and never parses: prefills and picklist
// names are not escaped, or "&amp;" would show and be saved back into the note (src/slack/mrkdwn.ts).
const plain = (text: string) => ({ type: "plain_text" as const, text });

const option = (text: string, value: string, description?: string): PlainTextOption => ({
  text: plain(truncate(text, MODAL_LIMITS.optionText)),
  value: value.slice(0, MODAL_LIMITS.optionValue),
  ...(description ? { description: plain(description) } : {}),
});

/** Options for admin-edited names: blanks and repeats (by value) dropped, at most `max`. */
function nameOptions(names: string[], max: number, taken = new Set<string>()): PlainTextOption[] {
  const options: PlainTextOption[] = [];
  for (const name of names) {
    const key = name.slice(0, MODAL_LIMITS.optionValue).toLowerCase();
    if (!name.trim() || taken.has(key)) continue;
    if (options.length === max) break;
    taken.add(key);
    options.push(option(name, name));
  }
  return options;
}

const findOption = (options: PlainTextOption[], value: string | null | undefined) =>
  value ? options.find((o) => o.value === value) : undefined;

/** initial_option must be one of the options exactly, so it is only ever an option we built. */
const withInitial = (initial: PlainTextOption | undefined) =>
  initial ? { initial_option: initial } : {};

const isLink = (text: string | null | undefined): text is string =>
  !!text && /^https?:\/\//i.test(text);

function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  more: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: "input",
    block_id: blockId,
    label: plain(label),
    element,
    ...(more.optional ? { optional: true } : {}),
    ...(more.hint ? { hint: plain(more.hint) } : {}),
  };
}

function textInput(
  actionId: string,
  maxLength: number,
  initial: string | null | undefined,
  multiline = false,
): InputBlockElement {
  return {
    type: "plain_text_input",
    action_id: actionId,
    max_length: maxLength,
    ...(multiline ? { multiline: true } : {}),
    ...(initial ? { initial_value: initial.slice(0, maxLength) } : {}),
  };
}

function modal(
  callbackId: string,
  title: string,
  mode: "new" | "edit",
  privateMetadata: string,
  blocks: KnownBlock[],
): ModalView {
  return {
    type: "modal",
    callback_id: callbackId,
    title: plain(title),
    submit: plain(mode === "edit" ? "Save changes" : "Save"),
    close: plain("Cancel"),
    private_metadata: privateMetadata,
    blocks,
  };
}

/** Reasons in two groups plus Other; Slack allows 100 options per select, so each list gets a fair share. */
function reasonGroups(picklists: FeedbackPicklists) {
  const budget = MODAL_LIMITS.optionsPerSelect - 1;
  const taken = new Set([OTHER]);
  const winShare = Math.max(Math.ceil(budget / 2), budget - picklists.lossReasons.length);
  const won = nameOptions(picklists.winReasons, winShare, taken);
  const lost = nameOptions(picklists.lossReasons, budget - won.length, taken);
  const other = option("Other (describe below)", OTHER);
  const groups = [
    { label: plain("Why they bought"), options: won },
    { label: plain("Why they walked"), options: lost },
    { label: plain("Something else"), options: [other] },
  ].filter((group) => group.options.length > 0);
  return { groups, listed: [...won, ...lost], other };
}

export function winLossModal(
  picklists: FeedbackPicklists,
  prefill: Partial<WinLossInput>,
  privateMetadata: string,
  mode: "new" | "edit",
): ModalView {
  const B = WIN_LOSS_BLOCKS;
  const outcomes = OUTCOMES.map((o) => option(OUTCOME_LABELS[o], o));
  const reasons = reasonGroups(picklists);
  const listedReason = findOption(reasons.listed, prefill.primaryReason);
  // A stored reason no longer in the lists is shown as Other, with its words in the text field.
  const otherReason = !listedReason && prefill.primaryReason ? prefill.primaryReason : null;
  const competitors = nameOptions(picklists.competitors, MODAL_LIMITS.optionsPerSelect);
  const picked: PlainTextOption[] = [];
  const typed: string[] = [];
  for (const name of prefill.competitors ?? []) {
    const match = competitors.find((o) => o.value?.toLowerCase() === name.toLowerCase());
    if (match) picked.push(match);
    else typed.push(name);
  }

  const blocks: KnownBlock[] = [
    input(B.dealName, "Deal name", textInput(B.dealName, MODAL_LIMITS.dealName, prefill.dealName)),
    input(B.crmId, "CRM id", textInput(B.crmId, MODAL_LIMITS.crmId, prefill.crmId), {
      optional: true,
      hint: "The opportunity's id in your CRM, if you have it.",
    }),
    input(B.amount, "Amount", textInput(B.amount, MODAL_LIMITS.amount, prefill.amount), {
      optional: true,
      hint: "A number, e.g. 12500 or 12,500.50",
    }),
    input(B.outcome, "Outcome", {
      type: "radio_buttons",
      action_id: B.outcome,
      options: outcomes,
      ...withInitial(findOption(outcomes, prefill.outcome)),
    }),
    input(
      B.reason,
      "Primary reason",
      {
        type: "static_select",
        action_id: B.reason,
        placeholder: plain("The reason that mattered most"),
        option_groups: reasons.groups,
        ...withInitial(listedReason ?? (otherReason ? reasons.other : undefined)),
      },
      { hint: "Either list fits either outcome." },
    ),
    input(
      B.otherReason,
      "Other reason",
      textInput(B.otherReason, MODAL_LIMITS.reason, otherReason),
      {
        optional: true,
        hint: "Only when you picked “Other (describe below)”.",
      },
    ),
    input(
      B.nearlyLost,
      "What nearly lost it, or what would have won it",
      textInput(B.nearlyLost, MODAL_LIMITS.longText, prefill.nearlyLost, true),
      { hint: "Won: what nearly lost the deal. Lost or no decision: what would have won it." },
    ),
  ];
  if (competitors.length)
    blocks.push(
      input(
        B.competitors,
        "Competitors",
        {
          type: "multi_static_select",
          action_id: B.competitors,
          placeholder: plain("Who else was in the deal"),
          options: competitors,
          ...(picked.length ? { initial_options: picked } : {}),
        },
        { optional: true },
      ),
    );
  blocks.push(
    input(
      B.otherCompetitors,
      competitors.length ? "Other competitors" : "Competitors",
      textInput(B.otherCompetitors, MODAL_LIMITS.otherCompetitors, typed.join(", ")),
      {
        optional: true,
        hint: competitors.length
          ? "Not in the list? Type them, comma-separated."
          : "Comma-separated, e.g. Acme, Globex",
      },
    ),
    input(B.notes, "Notes", textInput(B.notes, MODAL_LIMITS.notes, prefill.notes, true), {
      optional: true,
    }),
  );
  return modal(WIN_LOSS_VIEW, "Win/loss note", mode, privateMetadata, blocks);
}

export function contentModal(
  picklists: FeedbackPicklists,
  prefill: Partial<ContentInput>,
  privateMetadata: string,
  mode: "new" | "edit",
): ModalView {
  const B = CONTENT_BLOCKS;
  const assets = nameOptions(
    picklists.assets.map((a) => a.name),
    MODAL_LIMITS.optionsPerSelect,
  );
  const pickedAsset = findOption(assets, prefill.asset);
  const link = pickedAsset
    ? null
    : (prefill.assetUrl ?? (isLink(prefill.asset) ? prefill.asset : null));
  const stages = DEAL_STAGES.map((s) => option(STAGE_LABELS[s], s));
  const helped = HELPED.map((h) => option(HELPED_LABELS[h].text, h, HELPED_LABELS[h].description));

  const blocks: KnownBlock[] = [];
  if (assets.length)
    blocks.push(
      input(
        B.asset,
        "Asset",
        {
          type: "static_select",
          action_id: B.asset,
          placeholder: plain("Pick from the catalogue"),
          options: assets,
          ...withInitial(pickedAsset),
        },
        { optional: true, hint: "Not in the catalogue? Paste a link below instead." },
      ),
    );
  blocks.push(
    input(
      B.assetLink,
      assets.length ? "Or paste a link" : "Link to the asset",
      {
        type: "url_text_input",
        action_id: B.assetLink,
        ...(link ? { initial_value: link } : {}),
      },
      { optional: assets.length > 0 },
    ),
    input(B.stage, "Deal stage", {
      type: "static_select",
      action_id: B.stage,
      placeholder: plain("Where the deal was"),
      options: stages,
      ...withInitial(findOption(stages, prefill.stage)),
    }),
    input(B.helped, "Did it help?", {
      type: "radio_buttons",
      action_id: B.helped,
      options: helped,
      ...withInitial(findOption(helped, prefill.helped)),
    }),
    input(
      B.buyerSaid,
      "What the buyer said",
      textInput(B.buyerSaid, MODAL_LIMITS.longText, prefill.buyerSaid, true),
    ),
    input(
      B.uncoveredObjections,
      "Objections no current asset answers",
      textInput(B.uncoveredObjections, MODAL_LIMITS.longText, prefill.uncoveredObjections, true),
      { optional: true },
    ),
  );
  return modal(CONTENT_VIEW, "Content in the wild", mode, privateMetadata, blocks);
}
