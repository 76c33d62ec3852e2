import type { InputBlock, ModalView, PlainTextOption } from "@slack/types";
import { describe, expect, it } from "vitest";
import {
  CONTENT_BLOCKS as C,
  CONTENT_VIEW,
  WIN_LOSS_BLOCKS as W,
  WIN_LOSS_VIEW,
  contentModal,
  winLossModal,
} from "../../src/feedback/modals.js";
import { parseContent, parseWinLoss } from "../../src/feedback/submissions.js";
import {
  DEFAULT_LOSS_REASONS,
  DEFAULT_WIN_REASONS,
  OTHER,
  type ContentInput,
  type FeedbackPicklists,
  type WinLossInput,
} from "../../src/feedback/types.js";

// ---- factories ----

const picklists = (overrides: Partial<FeedbackPicklists> = {}): FeedbackPicklists => ({
  winReasons: DEFAULT_WIN_REASONS,
  lossReasons: DEFAULT_LOSS_REASONS,
  competitors: ["Globex", "Initech", "Umbrella"],
  assets: [
    { name: "ROI calculator", url: "https://cdn.acme.test/roi.xlsx" },
    { name: "Security whitepaper" },
  ],
  ...overrides,
});

const winLossNote = (overrides: Partial<WinLossInput> = {}): WinLossInput => ({
  dealName: "Acme Corp renewal",
  crmId: "006Hs00001abcDE",
  amount: "12500.5",
  outcome: "lost",
  primaryReason: "chose competitor",
  nearlyLost: "A security review we started too late.",
  competitors: ["Globex", "Initech"],
  notes: "Champion left in week 6.",
  ...overrides,
});

const contentNote = (overrides: Partial<ContentInput> = {}): ContentInput => ({
  asset: "ROI calculator",
  assetUrl: "https://cdn.acme.test/roi.xlsx",
  stage: "evaluation",
  helped: "helped",
  buyerSaid: "The CFO asked for the spreadsheet to share upstairs.",
  uncoveredObjections: "Data residency in the EU.",
  ...overrides,
});

const inputs = (view: ModalView) =>
  view.blocks.filter((block): block is InputBlock => block.type === "input");

function inputBlock(view: ModalView, blockId: string): InputBlock {
  const block = inputs(view).find((b) => b.block_id === blockId);
  if (!block) throw new Error(`no input block ${blockId}`);
  return block;
}

/** What Slack sends back when the user submits the modal without touching anything. */
function valuesFrom(view: ModalView): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const { block_id, element } of inputs(view)) {
    const actionId = "action_id" in element ? element.action_id : undefined;
    if (!block_id || !actionId) throw new Error("input without ids");
    const state =
      "initial_options" in element || element.type === "multi_static_select"
        ? { selected_options: element.initial_options ?? [] }
        : "options" in element || "option_groups" in element
          ? {
              selected_option:
                "initial_option" in element ? (element.initial_option ?? null) : null,
            }
          : { value: "initial_value" in element ? (element.initial_value ?? null) : null };
    values[block_id] = { [actionId]: { type: element.type, ...state } };
  }
  return values;
}

/** The modal's values with some fields changed, keyed by block id (action id is the same). */
function submitted(view: ModalView, changes: Record<string, object>) {
  const values = valuesFrom(view);
  for (const [blockId, state] of Object.entries(changes)) values[blockId] = { [blockId]: state };
  return values;
}
const typed = (value: string | null) => ({ type: "plain_text_input", value });
const picked = (value: string | null) => ({
  type: "static_select",
  selected_option: value === null ? null : { text: { type: "plain_text", text: value }, value },
});
const pickedMany = (...names: string[]) => ({
  type: "multi_static_select",
  selected_options: names.map((value) => ({ text: { type: "plain_text", text: value }, value })),
});

const newWinLoss = () => winLossModal(picklists(), { dealName: "Acme Corp" }, "{}", "new");
const editWinLoss = (note = winLossNote(), lists = picklists()) =>
  winLossModal(lists, note, '{"noteId":"n1"}', "edit");
const errorsOf = (parsed: ReturnType<typeof parseWinLoss> | ReturnType<typeof parseContent>) =>
  parsed.ok ? {} : parsed.errors;

/** Every option text, value and initial option within what Slack accepts. */
function expectWithinSlackLimits(view: ModalView) {
  expect(view.blocks.length).toBeLessThanOrEqual(100);
  for (const text of [view.title, view.submit, view.close]) {
    expect(text?.text.length).toBeLessThanOrEqual(24);
  }
  const ids = inputs(view).map((b) => b.block_id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const { element } of inputs(view)) {
    const groups = "option_groups" in element ? (element.option_groups ?? []) : [];
    const options = [
      ...("options" in element ? (element.options ?? []) : []),
      ...groups.flatMap((g) => g.options),
    ] as PlainTextOption[];
    if (!options.length) continue;
    expect(options.length).toBeLessThanOrEqual(100);
    for (const option of options) {
      expect(option.text.text.length).toBeLessThanOrEqual(75);
      expect(option.value!.length).toBeLessThanOrEqual(150);
    }
    expect(new Set(options.map((o) => o.value)).size).toBe(options.length);
    if ("initial_option" in element && element.initial_option)
      expect(options).toContainEqual(element.initial_option);
    if ("initial_options" in element)
      for (const initial of element.initial_options ?? []) expect(options).toContainEqual(initial);
  }
}

// ---- /winloss ----

describe("the /winloss modal", () => {
  it("opens with the deal name typed after the command and the picklists as options", () => {
    const view = newWinLoss();
    expect(view).toMatchObject({
      type: "modal",
      callback_id: WIN_LOSS_VIEW,
      title: { text: "Win/loss note" },
      submit: { text: "Save" },
      close: { text: "Cancel" },
      private_metadata: "{}",
    });
    expect(inputBlock(view, W.dealName).element).toMatchObject({
      type: "plain_text_input",
      action_id: W.dealName,
      initial_value: "Acme Corp",
    });
    const reason = inputBlock(view, W.reason).element;
    expect(reason.type).toBe("static_select");
    const groups = "option_groups" in reason ? (reason.option_groups ?? []) : [];
    expect(groups.map((g) => g.label.text)).toEqual([
      "Why they bought",
      "Why they walked",
      "Something else",
    ]);
    expect(groups[0]!.options.map((o) => o.value)).toEqual(DEFAULT_WIN_REASONS);
    expect(groups[1]!.options.map((o) => o.value)).toEqual(DEFAULT_LOSS_REASONS);
    expect(groups[2]!.options).toEqual([
      { text: { type: "plain_text", text: "Other (describe below)" }, value: OTHER },
    ]);
    expect(reason).not.toHaveProperty("initial_option");
    expect(inputBlock(view, W.outcome).element).toMatchObject({
      type: "radio_buttons",
      options: [{ value: "won" }, { value: "lost" }, { value: "no_decision" }],
    });
    expect(inputBlock(view, W.competitors).element).toMatchObject({
      type: "multi_static_select",
      options: [{ value: "Globex" }, { value: "Initech" }, { value: "Umbrella" }],
    });
    expect(
      inputs(view)
        .filter((b) => b.optional)
        .map((b) => b.block_id),
    ).toEqual([W.crmId, W.amount, W.otherReason, W.competitors, W.otherCompetitors, W.notes]);
    expectWithinSlackLimits(view);
  });

  it("pre-fills every field of a stored note in edit mode and parses back to the same note", () => {
    const note = winLossNote();
    const view = editWinLoss(note);
    expect(view.submit?.text).toBe("Save changes");
    expect(view.private_metadata).toBe('{"noteId":"n1"}');
    expect(inputBlock(view, W.crmId).element).toMatchObject({ initial_value: note.crmId });
    expect(inputBlock(view, W.amount).element).toMatchObject({ initial_value: "12500.5" });
    expect(inputBlock(view, W.outcome).element).toMatchObject({
      initial_option: { value: "lost", text: { text: "Lost" } },
    });
    expect(inputBlock(view, W.reason).element).toMatchObject({
      initial_option: { value: "chose competitor" },
    });
    expect(inputBlock(view, W.otherReason).element).not.toHaveProperty("initial_value");
    expect(inputBlock(view, W.nearlyLost).element).toMatchObject({
      multiline: true,
      initial_value: note.nearlyLost,
    });
    expect(inputBlock(view, W.competitors).element).toMatchObject({
      initial_options: [{ value: "Globex" }, { value: "Initech" }],
    });
    expect(inputBlock(view, W.notes).element).toMatchObject({ initial_value: note.notes });
    expectWithinSlackLimits(view);
    expect(parseWinLoss(valuesFrom(view))).toEqual({ ok: true, value: note });
  });

  it("pre-fills hostile text as typed, in plain_text only, so an edit saves it back unchanged", () => {
    const hostile = "<!channel> & <https://evil.example|click> ```";
    const note = winLossNote({
      dealName: `Deal ${hostile}`,
      primaryReason: `Reason ${hostile}`,
      competitors: [`<@U123> ${hostile}`],
      nearlyLost: `${hostile}\n&lt;already escaped&gt;`,
      notes: hostile,
    });
    const lists = picklists({ competitors: [`<!here> Globex &`, "Initech"] });
    const view = editWinLoss(note, lists);
    expect(inputBlock(view, W.dealName).element).toMatchObject({ initial_value: note.dealName });
    expect(inputBlock(view, W.nearlyLost).element).toMatchObject({
      initial_value: note.nearlyLost,
    });
    expect(JSON.stringify(view)).toContain('"text":"<!here> Globex &"');
    // Nothing typed by people reaches a mrkdwn text object in the modal.
    expect(JSON.stringify(view)).not.toContain('"type":"mrkdwn"');
    expect(parseWinLoss(valuesFrom(view))).toEqual({ ok: true, value: note });
  });

  it("round-trips a note with no optional fields", () => {
    const note = winLossNote({ crmId: null, amount: null, competitors: [], notes: null });
    expect(parseWinLoss(valuesFrom(editWinLoss(note)))).toEqual({ ok: true, value: note });
  });

  it("shows a reason that is no longer listed as Other, with its words in the text field", () => {
    const note = winLossNote({ primaryReason: "procurement froze all spend" });
    const view = editWinLoss(note);
    expect(inputBlock(view, W.reason).element).toMatchObject({ initial_option: { value: OTHER } });
    expect(inputBlock(view, W.otherReason).element).toMatchObject({
      initial_value: "procurement froze all spend",
    });
    expect(parseWinLoss(valuesFrom(view))).toEqual({ ok: true, value: note });
  });

  it("puts competitors that are not in the list in the text field", () => {
    const note = winLossNote({ competitors: ["Globex", "Hooli", "Pied Piper"] });
    const view = editWinLoss(note);
    expect(inputBlock(view, W.competitors).element).toMatchObject({
      initial_options: [{ value: "Globex" }],
    });
    expect(inputBlock(view, W.otherCompetitors).element).toMatchObject({
      initial_value: "Hooli, Pied Piper",
    });
    expect(parseWinLoss(valuesFrom(view))).toEqual({ ok: true, value: note });
  });

  it("keeps only the text field for competitors when the list is empty", () => {
    const note = winLossNote({ competitors: ["Hooli", "Globex"] });
    const view = editWinLoss(note, picklists({ competitors: [] }));
    expect(inputs(view).map((b) => b.block_id)).not.toContain(W.competitors);
    expect(inputBlock(view, W.otherCompetitors)).toMatchObject({
      label: { text: "Competitors" },
      optional: true,
      element: { initial_value: "Hooli, Globex" },
    });
    expect(parseWinLoss(valuesFrom(view))).toEqual({ ok: true, value: note });
  });

  it("leaves out empty reason groups and a picklist entry that would clash with Other", () => {
    const view = winLossModal(
      picklists({ winReasons: [], lossReasons: ["price", "Other", "  ", "price"] }),
      {},
      "",
      "new",
    );
    const reason = inputBlock(view, W.reason).element;
    const groups = "option_groups" in reason ? (reason.option_groups ?? []) : [];
    expect(groups.map((g) => [g.label.text, g.options.map((o) => o.value)])).toEqual([
      ["Why they walked", ["price"]],
      ["Something else", [OTHER]],
    ]);
    expect(inputBlock(view, W.dealName).element).not.toHaveProperty("initial_value");
  });

  it("stays within Slack's limits with 120 competitors and reasons of 80 characters", () => {
    const long = (prefix: string, i: number) => `${prefix} ${i} `.padEnd(80, "x");
    const lists = picklists({
      competitors: Array.from({ length: 120 }, (_, i) => long("Competitor", i)),
      winReasons: Array.from({ length: 120 }, (_, i) => long("Win", i)),
      lossReasons: Array.from({ length: 120 }, (_, i) => long("Loss", i)),
    });
    const note = winLossNote({
      primaryReason: long("Loss", 3),
      competitors: [long("Competitor", 0), long("Competitor", 110)],
    });
    const view = editWinLoss(note, lists);
    expectWithinSlackLimits(view);

    const competitors = inputBlock(view, W.competitors).element;
    const options = "options" in competitors ? (competitors.options ?? []) : [];
    expect(options).toHaveLength(100);
    expect(options[0]!.text.text).toBe(`${long("Competitor", 0).slice(0, 74)}…`);
    expect(options[0]!.value).toBe(long("Competitor", 0));
    // The 111th is not offered, so it goes to the text field instead.
    expect(inputBlock(view, W.otherCompetitors).element).toMatchObject({
      initial_value: long("Competitor", 110),
    });

    const reason = inputBlock(view, W.reason).element;
    const groups = "option_groups" in reason ? (reason.option_groups ?? []) : [];
    expect(groups.map((g) => g.options.length)).toEqual([50, 49, 1]);
    expect(parseWinLoss(valuesFrom(view))).toEqual({ ok: true, value: note });
  });

  it("truncates a deal name typed after the command to what the field accepts", () => {
    const view = winLossModal(picklists(), { dealName: "x".repeat(200) }, "", "new");
    expect(inputBlock(view, W.dealName).element).toMatchObject({
      max_length: 150,
      initial_value: "x".repeat(150),
    });
  });
});

describe("reading a /winloss submission", () => {
  const submit = (changes: Record<string, object>) =>
    parseWinLoss(submitted(editWinLoss(), changes));

  it("asks for every required field when nothing was filled in", () => {
    const empty = valuesFrom(winLossModal(picklists(), {}, "", "new"));
    expect(errorsOf(parseWinLoss(empty))).toEqual({
      [W.dealName]: "Give the deal a name",
      [W.outcome]: "Pick Won, Lost or No decision",
      [W.reason]: "Pick the main reason, or Other and describe it below",
      [W.nearlyLost]: "Say what nearly lost the deal, or what would have won it",
    });
  });

  it("shows the other-reason error together with the others", () => {
    const values = valuesFrom(winLossModal(picklists(), {}, "", "new"));
    values[W.reason] = { [W.reason]: picked(OTHER) };
    expect(Object.keys(errorsOf(parseWinLoss(values)))).toEqual([
      W.dealName,
      W.outcome,
      W.nearlyLost,
      W.otherReason,
    ]);
  });

  it.each([["not an object"], [null], [{ [W.dealName]: "x" }], [{ [W.dealName]: { x: 1 } }]])(
    "treats a malformed payload (%j) as empty fields, never throwing",
    (values) => {
      expect(Object.keys(errorsOf(parseWinLoss(values)))).toEqual([
        W.dealName,
        W.outcome,
        W.reason,
        W.nearlyLost,
      ]);
    },
  );

  it.each([
    [W.dealName, typed("   "), "Give the deal a name"],
    [W.dealName, typed("x".repeat(151)), "Shorten the deal name to 150 characters or fewer"],
    [W.crmId, typed("x".repeat(65)), "Shorten the CRM id to 64 characters or fewer"],
    [W.amount, typed("twelve grand"), "Amount must be a number, e.g. 12500 or 12,500.50"],
    [W.amount, typed("12.500,50"), "Amount must be a number, e.g. 12500 or 12,500.50"],
    [W.amount, typed("1,5"), "Amount must be a number, e.g. 12500 or 12,500.50"],
    [W.amount, typed("-300"), "Amount must be a number, e.g. 12500 or 12,500.50"],
    [W.outcome, picked("maybe"), "Pick Won, Lost or No decision"],
    [W.outcome, picked(null), "Pick Won, Lost or No decision"],
    [W.reason, picked(null), "Pick the main reason, or Other and describe it below"],
    [W.nearlyLost, typed(""), "Say what nearly lost the deal, or what would have won it"],
    [W.nearlyLost, typed("x".repeat(2001)), "Shorten this answer to 2,000 characters or fewer"],
    [W.notes, typed("x".repeat(3001)), "Shorten the notes to 3,000 characters or fewer"],
    [
      W.otherCompetitors,
      typed(`Hooli, ${"x".repeat(151)}`),
      "Separate competitors with commas (each name at most 150 characters)",
    ],
  ])("puts the error on %s when it is %j", (blockId, state, message) => {
    expect(errorsOf(submit({ [blockId]: state }))).toEqual({ [blockId]: message });
  });

  it("asks to describe the other reason on the text block when Other has no text", () => {
    expect(errorsOf(submit({ [W.reason]: picked(OTHER), [W.otherReason]: typed(" ") }))).toEqual({
      [W.otherReason]: "Describe the other reason",
    });
    expect(
      errorsOf(submit({ [W.reason]: picked(OTHER), [W.otherReason]: typed("x".repeat(151)) })),
    ).toEqual({ [W.otherReason]: "Shorten the other reason to 150 characters or fewer" });
  });

  it("uses the other reason's words when Other is picked, and ignores them otherwise", () => {
    const other = submit({ [W.reason]: picked(OTHER), [W.otherReason]: typed(" Reorg ") });
    expect(other.ok && other.value.primaryReason).toBe("Reorg");
    const listed = submit({ [W.reason]: picked("price"), [W.otherReason]: typed("x".repeat(500)) });
    expect(listed.ok && listed.value.primaryReason).toBe("price");
  });

  it("accepts a reason from either group whatever the outcome", () => {
    const parsed = submit({ [W.outcome]: picked("won"), [W.reason]: picked("no budget") });
    expect(parsed).toMatchObject({
      ok: true,
      value: { outcome: "won", primaryReason: "no budget" },
    });
  });

  it.each([
    ["12500", "12500"],
    ["12,500.50", "12500.5"],
    ["12,500.00", "12500"],
    ["1,234,567.891", "1234567.891"],
    [" 0.50 ", "0.5"],
    ["007", "7"],
    ["0", "0"],
    ["", null],
  ])("normalises the amount %j to %j", (amount, expected) => {
    const parsed = submit({ [W.amount]: typed(amount) });
    expect(parsed.ok && parsed.value.amount).toBe(expected);
  });

  it("merges picked and typed competitors, trimmed and de-duplicated case-insensitively", () => {
    const parsed = submit({
      [W.competitors]: pickedMany("Globex", "Initech"),
      [W.otherCompetitors]: typed(" initech, Hooli ,, GLOBEX,Pied Piper, hooli"),
    });
    expect(parsed.ok && parsed.value.competitors).toEqual([
      "Globex",
      "Initech",
      "Hooli",
      "Pied Piper",
    ]);
  });

  it("turns empty optional fields into null", () => {
    const parsed = submit({
      [W.crmId]: typed("  "),
      [W.amount]: typed(null),
      [W.notes]: typed(""),
      [W.competitors]: pickedMany(),
      [W.otherCompetitors]: typed(null),
    });
    expect(parsed).toMatchObject({
      ok: true,
      value: { crmId: null, amount: null, notes: null, competitors: [] },
    });
  });
});

// ---- /content ----

const newContent = (lists = picklists()) => contentModal(lists, {}, "{}", "new");
const editContent = (note = contentNote(), lists = picklists()) =>
  contentModal(lists, note, '{"noteId":"n2"}', "edit");

describe("the /content modal", () => {
  it("offers the catalogue, an optional link, readable stages and how it went", () => {
    const view = newContent();
    expect(view).toMatchObject({
      callback_id: CONTENT_VIEW,
      title: { text: "Content in the wild" },
      submit: { text: "Save" },
      close: { text: "Cancel" },
      private_metadata: "{}",
    });
    expect(inputs(view).map((b) => b.block_id)).toEqual([
      C.asset,
      C.assetLink,
      C.stage,
      C.helped,
      C.buyerSaid,
      C.uncoveredObjections,
    ]);
    expect(inputBlock(view, C.asset)).toMatchObject({
      optional: true,
      element: {
        type: "static_select",
        options: [{ value: "ROI calculator" }, { value: "Security whitepaper" }],
      },
    });
    expect(inputBlock(view, C.assetLink)).toMatchObject({
      optional: true,
      element: { type: "url_text_input" },
    });
    const stages = inputBlock(view, C.stage).element;
    expect("options" in stages && stages.options?.map((o) => [o.value, o.text.text])).toEqual([
      ["discovery", "Discovery"],
      ["evaluation", "Evaluation"],
      ["proposal", "Proposal"],
      ["negotiation", "Negotiation"],
      ["closed", "Closed"],
    ]);
    expect(inputBlock(view, C.helped).element).toMatchObject({
      type: "radio_buttons",
      options: [{ value: "helped" }, { value: "neutral" }, { value: "hurt" }],
    });
    expect(inputBlock(view, C.uncoveredObjections).optional).toBe(true);
    expectWithinSlackLimits(view);
  });

  it("asks for a link, required, when the catalogue is empty", () => {
    const view = newContent(picklists({ assets: [] }));
    expect(inputs(view).map((b) => b.block_id)).not.toContain(C.asset);
    const link = inputBlock(view, C.assetLink);
    expect(link.optional).toBeUndefined();
    expect(link.label.text).toBe("Link to the asset");
  });

  it("pre-fills a catalogue asset in edit mode and parses back to the same note", () => {
    const note = contentNote();
    const view = editContent(note);
    expect(view.submit?.text).toBe("Save changes");
    expect(view.private_metadata).toBe('{"noteId":"n2"}');
    expect(inputBlock(view, C.asset).element).toMatchObject({
      initial_option: { value: "ROI calculator" },
    });
    expect(inputBlock(view, C.assetLink).element).not.toHaveProperty("initial_value");
    expect(inputBlock(view, C.stage).element).toMatchObject({
      initial_option: { value: "evaluation", text: { text: "Evaluation" } },
    });
    expect(inputBlock(view, C.helped).element).toMatchObject({
      initial_option: { value: "helped" },
    });
    expect(inputBlock(view, C.buyerSaid).element).toMatchObject({ initial_value: note.buyerSaid });
    expect(inputBlock(view, C.uncoveredObjections).element).toMatchObject({
      initial_value: note.uncoveredObjections,
    });
    expectWithinSlackLimits(view);
    expect(parseContent(valuesFrom(view), picklists().assets)).toEqual({ ok: true, value: note });
  });

  it("pre-fills a pasted link in edit mode and parses back to the same note", () => {
    const url = "https://docs.acme.test/case-studies/globex";
    const note = contentNote({ asset: url, assetUrl: url, uncoveredObjections: null });
    const view = editContent(note);
    expect(inputBlock(view, C.asset).element).not.toHaveProperty("initial_option");
    expect(inputBlock(view, C.assetLink).element).toMatchObject({ initial_value: url });
    expect(parseContent(valuesFrom(view))).toEqual({ ok: true, value: note });
  });
});

describe("reading a /content submission", () => {
  const link = (value: string | null) => ({ type: "url_text_input", value });
  const submit = (changes: Record<string, object>, lists = picklists()) =>
    parseContent(submitted(editContent(contentNote(), lists), changes), lists.assets);

  it("gives a picked asset its catalogue link, or none", () => {
    expect(submit({ [C.asset]: picked("Security whitepaper") })).toMatchObject({
      ok: true,
      value: { asset: "Security whitepaper", assetUrl: null },
    });
    expect(parseContent(valuesFrom(editContent()))).toMatchObject({
      ok: true,
      value: { asset: "ROI calculator", assetUrl: null }, // no catalogue given to look it up
    });
  });

  it("uses a pasted link as both the asset and its link", () => {
    const url = "https://docs.acme.test/battlecard";
    expect(submit({ [C.asset]: picked(null), [C.assetLink]: link(url) })).toMatchObject({
      ok: true,
      value: { asset: url, assetUrl: url },
    });
  });

  it.each([
    [{ [C.asset]: picked(null) }, C.asset, "Pick an asset or paste a link"],
    [
      { [C.assetLink]: link("https://x.test/a") },
      C.assetLink,
      "Pick an asset or paste a link, not both",
    ],
    [
      { [C.asset]: picked(null), [C.assetLink]: link("javascript:alert(1)") },
      C.assetLink,
      "Paste a full link, e.g. https://example.com/case-study",
    ],
    [{ [C.stage]: picked(null) }, C.stage, "Pick the deal stage"],
    [{ [C.stage]: picked("won") }, C.stage, "Pick the deal stage"],
    [{ [C.helped]: picked(null) }, C.helped, "Say whether it helped, made no difference or hurt"],
    [{ [C.buyerSaid]: typed(" ") }, C.buyerSaid, "Write what the buyer said"],
    [
      { [C.uncoveredObjections]: typed("x".repeat(2001)) },
      C.uncoveredObjections,
      "Shorten the objections to 2,000 characters or fewer",
    ],
  ])("with %j puts the error on %s", (changes, blockId, message) => {
    expect(errorsOf(submit(changes))).toEqual({ [blockId]: message });
  });

  it("asks for the link itself when there is no catalogue", () => {
    const lists = picklists({ assets: [] });
    expect(errorsOf(submit({ [C.assetLink]: link(null) }, lists))).toEqual({
      [C.assetLink]: "Paste a link to the asset",
    });
    expect(errorsOf(parseContent({}))).toEqual({
      [C.assetLink]: "Paste a link to the asset",
      [C.stage]: "Pick the deal stage",
      [C.helped]: "Say whether it helped, made no difference or hurt",
      [C.buyerSaid]: "Write what the buyer said",
    });
  });

  it("turns empty objections into null", () => {
    const parsed = submit({ [C.uncoveredObjections]: typed("  ") });
    expect(parsed.ok && parsed.value.uncoveredObjections).toBeNull();
  });
});
