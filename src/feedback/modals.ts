// The /winloss and /content modals: picklists and a prefill in, Block Kit out; a submission's
// state.values in, a validated WinLossInput or ContentInput (or one message per field) out. Pure.
import type {
  InputBlock,
  InputBlockElement,
  KnownBlock,
  ModalView,
  PlainTextOption,
} from "@slack/types";
import { z } from "zod";
import { truncate } from "../slack/blocks.js";
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

// ---- Reading a view_submission ----

export type Parsed<T> =
  { ok: true; value: T } | { ok: false; errors: Record<string /* block_id */, string> };

const StateValuesSchema = z.record(z.string(), z.record(z.string(), z.unknown()));
/** One element's state, whatever its type: a field of the wrong shape reads as empty. */
const ElementStateSchema = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});

/** Reads values[block_id][action_id] (the same id here) from an untrusted payload. */
function stateOf(values: unknown) {
  const parsed = StateValuesSchema.safeParse(values);
  const blocks = parsed.success ? parsed.data : {};
  const element = (id: string) => ElementStateSchema.safeParse(blocks[id]?.[id]).data;
  return {
    has: (id: string) => Object.hasOwn(blocks, id),
    text: (id: string) => element(id)?.value?.trim() ?? "",
    selected: (id: string) => element(id)?.selected_option?.value ?? "",
    selectedMany: (id: string) => element(id)?.selected_options?.map((o) => o.value) ?? [],
  };
}

/** The first message per block, as Slack's response_action "errors" wants them. */
function errorsOf(error: z.ZodError, fallbackBlock: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const blockId = typeof issue.path[0] === "string" ? issue.path[0] : fallbackBlock;
    errors[blockId] ??= issue.message;
  }
  return errors;
}

const tooLong = (what: string, max: number) =>
  `Shorten ${what} to ${max.toLocaleString("en-US")} characters or fewer`;
const requiredText = (max: number, missing: string, what: string) =>
  z.string().min(1, missing).max(max, tooLong(what, max));
const optionalText = (max: number, what: string) =>
  z
    .string()
    .max(max, tooLong(what, max))
    .transform((text) => text || null);

/** Cross-field rules run even when another field failed, so every message shows at once. */
const ALWAYS = { when: () => true };

const AMOUNT_MESSAGE = "Amount must be a number, e.g. 12500 or 12,500.50";
/** Digits with optional thousands commas and decimals; "1,5" is refused (a decimal comma?). */
const AMOUNT_PATTERN = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
const AmountSchema = z
  .string()
  .max(MODAL_LIMITS.amount, AMOUNT_MESSAGE)
  .refine((text) => text === "" || AMOUNT_PATTERN.test(text), AMOUNT_MESSAGE)
  .transform((text) => (text ? normaliseAmount(text) : null));

/** "12,500.50" -> "12500.5"; "007" -> "7"; "3.00" -> "3". */
export function normaliseAmount(text: string): string {
  const [whole = "", fraction = ""] = text.replaceAll(",", "").split(".");
  const integer = whole.replace(/^0+(?=\d)/, "");
  const decimals = fraction.replace(/0+$/, "");
  return decimals ? `${integer}.${decimals}` : integer;
}

/** Names picked, then names typed (comma-separated), trimmed, first spelling kept per name. */
export function mergeCompetitors(picked: string[], typed: string): string[] {
  const seen = new Set<string>();
  const merged: string[] = [];
  for (const name of [...picked, ...typed.split(/[,;\n]/)].map((n) => n.trim())) {
    if (!name || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    merged.push(name);
  }
  return merged;
}

const W = WIN_LOSS_BLOCKS;
const WinLossFormSchema = z
  .object({
    [W.dealName]: requiredText(MODAL_LIMITS.dealName, "Give the deal a name", "the deal name"),
    [W.crmId]: optionalText(MODAL_LIMITS.crmId, "the CRM id"),
    [W.amount]: AmountSchema,
    [W.outcome]: z.enum(OUTCOMES, { error: "Pick Won, Lost or No decision" }),
    [W.reason]: z
      .string()
      .min(1, "Pick the main reason, or Other and describe it below")
      .max(MODAL_LIMITS.optionValue, "Pick the main reason from the list"),
    [W.otherReason]: z.string(),
    [W.nearlyLost]: requiredText(
      MODAL_LIMITS.longText,
      "Say what nearly lost the deal, or what would have won it",
      "this answer",
    ),
    [W.competitors]: z.array(z.string().max(MODAL_LIMITS.optionValue)),
    [W.otherCompetitors]: z
      .string()
      .max(MODAL_LIMITS.otherCompetitors, tooLong("the other competitors", 1000))
      .refine(
        (typed) => typed.split(/[,;\n]/).every((n) => n.trim().length <= MODAL_LIMITS.competitor),
        "Separate competitors with commas (each name at most 150 characters)",
      ),
    [W.notes]: optionalText(MODAL_LIMITS.notes, "the notes"),
  })
  .superRefine((form, ctx) => {
    // A listed reason wins: whatever is in the other-reason field is then ignored.
    if (form[W.reason] !== OTHER) return;
    const other = form[W.otherReason];
    if (!other)
      ctx.addIssue({ code: "custom", path: [W.otherReason], message: "Describe the other reason" });
    else if (other.length > MODAL_LIMITS.reason)
      ctx.addIssue({
        code: "custom",
        path: [W.otherReason],
        message: tooLong("the other reason", MODAL_LIMITS.reason),
      });
  }, ALWAYS)
  .transform((form): WinLossInput => ({
    dealName: form[W.dealName],
    crmId: form[W.crmId],
    amount: form[W.amount],
    outcome: form[W.outcome],
    primaryReason: form[W.reason] === OTHER ? form[W.otherReason] : form[W.reason],
    nearlyLost: form[W.nearlyLost],
    competitors: mergeCompetitors(form[W.competitors], form[W.otherCompetitors]),
    notes: form[W.notes],
  }));

/** Reads a /winloss view_submission's view.state.values (untrusted). */
export function parseWinLoss(values: unknown): Parsed<WinLossInput> {
  const state = stateOf(values);
  const form = {
    [W.dealName]: state.text(W.dealName),
    [W.crmId]: state.text(W.crmId),
    [W.amount]: state.text(W.amount),
    [W.outcome]: state.selected(W.outcome),
    [W.reason]: state.selected(W.reason),
    [W.otherReason]: state.text(W.otherReason),
    [W.nearlyLost]: state.text(W.nearlyLost),
    [W.competitors]: state.selectedMany(W.competitors),
    [W.otherCompetitors]: state.text(W.otherCompetitors),
    [W.notes]: state.text(W.notes),
  };
  const parsed = WinLossFormSchema.safeParse(form);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: errorsOf(parsed.error, W.dealName) };
}

const C = CONTENT_BLOCKS;
const LINK_MESSAGE = "Paste a full link, e.g. https://example.com/case-study";

const ContentFormSchema = z
  .object({
    /** Whether the form had the catalogue select (it is left out when the catalogue is empty). */
    catalogueShown: z.boolean(),
    [C.asset]: z.string().max(MODAL_LIMITS.optionValue, "Pick an asset from the list"),
    [C.assetLink]: z.union([
      z.literal(""),
      z.url({ protocol: /^https?$/, error: LINK_MESSAGE }).max(MODAL_LIMITS.url, LINK_MESSAGE),
    ]),
    [C.stage]: z.enum(DEAL_STAGES, { error: "Pick the deal stage" }),
    [C.helped]: z.enum(HELPED, { error: "Say whether it helped, made no difference or hurt" }),
    [C.buyerSaid]: requiredText(MODAL_LIMITS.longText, "Write what the buyer said", "this answer"),
    [C.uncoveredObjections]: optionalText(MODAL_LIMITS.longText, "the objections"),
  })
  .superRefine((form, ctx) => {
    const picked = form[C.asset];
    const link = form[C.assetLink];
    if (!picked && !link)
      ctx.addIssue({
        code: "custom",
        path: [form.catalogueShown ? C.asset : C.assetLink],
        message: form.catalogueShown
          ? "Pick an asset or paste a link"
          : "Paste a link to the asset",
      });
    if (picked && link)
      ctx.addIssue({
        code: "custom",
        path: [C.assetLink],
        message: "Pick an asset or paste a link, not both",
      });
  }, ALWAYS);

/**
 * Reads a /content view_submission's view.state.values (untrusted). Pass the catalogue to get a
 * picked asset's link as assetUrl; without it, assetUrl is set only when the AE pasted a link.
 */
export function parseContent(
  values: unknown,
  catalogue: FeedbackPicklists["assets"] = [],
): Parsed<ContentInput> {
  const state = stateOf(values);
  const form = {
    catalogueShown: state.has(C.asset) || catalogue.some((a) => a.name.trim()),
    [C.asset]: state.selected(C.asset),
    [C.assetLink]: state.text(C.assetLink),
    [C.stage]: state.selected(C.stage),
    [C.helped]: state.selected(C.helped),
    [C.buyerSaid]: state.text(C.buyerSaid),
    [C.uncoveredObjections]: state.text(C.uncoveredObjections),
  };
  const parsed = ContentFormSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: errorsOf(parsed.error, C.assetLink) };
  const { [C.asset]: picked, [C.assetLink]: link } = parsed.data;
  return {
    ok: true,
    value: {
      asset: link || picked,
      assetUrl:
        link ||
        (catalogue.find((a) => a.name.slice(0, MODAL_LIMITS.optionValue) === picked)?.url ?? null),
      stage: parsed.data[C.stage],
      helped: parsed.data[C.helped],
      buyerSaid: parsed.data[C.buyerSaid],
      uncoveredObjections: parsed.data[C.uncoveredObjections],
    },
  };
}
