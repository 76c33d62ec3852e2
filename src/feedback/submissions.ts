// Reading a /winloss or /content view_submission: Slack's state.values (untrusted) in, a
// validated WinLossInput or ContentInput out, or one message per field for response_action
// "errors". Pure. The block ids are the modals' (modals.ts).
import { z } from "zod";
import { CONTENT_BLOCKS, MODAL_LIMITS, WIN_LOSS_BLOCKS } from "./modals.js";
import {
  DEAL_STAGES,
  HELPED,
  OTHER,
  OUTCOMES,
  type ContentInput,
  type FeedbackPicklists,
  type WinLossInput,
} from "./types.js";

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
