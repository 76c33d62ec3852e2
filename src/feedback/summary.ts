// The themes of a month's feedback in a few bullets: from an OpenAI-compatible model when one is
// configured, computed from the roll-up otherwise or whenever the model fails. Only feedback
// text leaves the process, with people's names, emails and Slack ids redacted; never throws.
import type * as OpenAIModule from "openai";
import { z } from "zod";
import type { RollUp } from "./rollup.js";
import { OUTCOME_LABELS, type FeedbackNote } from "./types.js";

export interface SummaryConfig {
  apiKey?: string;
  baseUrl?: string;
  model: string;
  timeoutMs: number;
}

export type ThemeSummary =
  | { source: "model"; model: string; text: string }
  | { source: "deterministic"; text: string; reason: string };

/** Longest summary we accept: it has to fit one Block Kit section (3,000 characters). */
export const MAX_SUMMARY_CHARS = 3000;
/** Keeps the prompt well inside any model's context however many notes the month has. */
const MAX_PROMPT_CHARS = 40_000;
const MAX_FIELD_CHARS = 400;

export const SYSTEM_PROMPT = [
  "You help a B2B marketing team learn from the field feedback of their account executives.",
  "You get one month of win/loss notes and notes on how sales content did in deals.",
  "Write 3 to 6 short bullet points, one theme each, that marketing can act on: what buyers",
  "buy on, what loses or stalls deals, how competitors come up, which content helps, and",
  "which objections no content answers. One sentence per bullet, each starting with '• '.",
  "Stay grounded in the notes; no preamble, no headings, no names of people.",
].join(" ");

export const percent = (rate: number | null): string =>
  rate === null ? "–" : `${Math.round(rate * 100)}%`;

const listed = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

const counted = (rows: Array<{ reason: string; count: number }>, max = 3) =>
  listed(rows.slice(0, max).map((row) => `${row.reason} (${row.count})`));

/** A few plain bullets computed from the roll-up: the summary when no model is used. */
export function deterministicSummary(rollUp: RollUp): string {
  const { winLoss, content } = rollUp;
  if (winLoss.total === 0 && content.total === 0) {
    return "• No field feedback was submitted this month.";
  }
  const lines: string[] = [];
  if (winLoss.total > 0) {
    const o = winLoss.byOutcome;
    lines.push(
      `${winLoss.total} win/loss ${winLoss.total === 1 ? "note" : "notes"}: ${o.won} won, ${o.lost} lost, ${o.no_decision} no decision.`,
    );
    if (winLoss.topReasonsWon.length) {
      lines.push(`Deals were won most on ${counted(winLoss.topReasonsWon)}.`);
    }
    if (winLoss.topReasonsLost.length) {
      lines.push(`Deals were lost or stalled most on ${counted(winLoss.topReasonsLost)}.`);
    }
    const top = winLoss.competitors.slice(0, 3);
    if (top.length) {
      const named = top.map(
        (c) =>
          `${c.name} (${c.deals} ${c.deals === 1 ? "deal" : "deals"}, win rate ${percent(c.winRate)})`,
      );
      lines.push(`Competitors seen most: ${listed(named)}.`);
    }
  }
  if (content.total > 0) {
    const top = content.assets[0];
    lines.push(
      `${content.total} content ${content.total === 1 ? "note" : "notes"} on ${content.assets.length} ${content.assets.length === 1 ? "asset" : "assets"}` +
        (top
          ? `; used most: ${top.asset} (${top.used} ${top.used === 1 ? "time" : "times"}, helped in ${percent(top.helpedRate)}).`
          : "."),
    );
    const objections = content.uncoveredObjections.slice(0, 3);
    if (objections.length) {
      lines.push(
        `Objections no content covers: ${listed(objections.map((o) => `${o.theme} (${o.count})`))}.`,
      );
    }
  }
  return lines.map((line) => `• ${line}`).join("\n");
}

const letters = (text: string) => text.replace(/[^\p{L}]/gu, "").length;
const WORD = /[\p{L}\p{N}_]+/gu;
/** What may separate the words of one name: "Mary-Jane", "O'Brien", "Dana  Whitfield". */
const NAME_GAP = /^[\s\-'’.]{1,3}$/u;

interface NamePatterns {
  /** Full names of two or more words, by their first word, longest first. */
  fullNames: Map<string, string[][]>;
  /** Single words to replace: one-word full names and each name part of 3+ letters. */
  words: Set<string>;
}

function namePatterns(people: string[]): NamePatterns {
  const fullNames = new Map<string, string[][]>();
  const words = new Set<string>();
  for (const person of people) {
    const parts = (person.toLowerCase().match(WORD) ?? []).filter((part) => letters(part) > 0);
    if (parts.length === 1 && letters(parts[0]!) >= 2) words.add(parts[0]!);
    if (parts.length > 1) {
      const list = fullNames.get(parts[0]!) ?? [];
      if (!list.some((known) => known.join(" ") === parts.join(" "))) list.push(parts);
      fullNames.set(parts[0]!, list);
    }
    for (const part of parts) if (letters(part) >= 3) words.add(part);
  }
  for (const list of fullNames.values()) list.sort((a, b) => b.length - a.length);
  return { fullNames, words };
}

// Names are matched word by word against a set rather than by one big regex alternation: a
// workspace can have thousands of people, and the cost stays linear in the text.
function redactNames(text: string, { fullNames, words }: NamePatterns): string {
  const tokens = [...text.matchAll(WORD)].map((m) => ({
    word: m[0].toLowerCase(),
    start: m.index,
    end: m.index + m[0].length,
  }));
  let out = "";
  let copied = 0;
  for (let i = 0; i < tokens.length;) {
    const token = tokens[i]!;
    const span =
      fullNames.get(token.word)?.find((name) =>
        name.every((part, k) => {
          const at = tokens[i + k];
          if (!at || at.word !== part) return false;
          return k === 0 || NAME_GAP.test(text.slice(tokens[i + k - 1]!.end, at.start));
        }),
      )?.length ?? (words.has(token.word) ? 1 : 0);
    if (span === 0) {
      i += 1;
      continue;
    }
    out += `${text.slice(copied, token.start)}[someone]`;
    copied = tokens[i + span - 1]!.end;
    i += span;
  }
  return out + text.slice(copied);
}

/** A redactor for many texts: the people's names are prepared once. */
export function redactor(people: string[]): (text: string) => string {
  const names = namePatterns(people);
  return (text) => {
    let out = text;
    if (out.includes("@")) {
      out = out
        .replace(/<mailto:[^>]*>/gi, "[email]")
        .replace(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu, "[email]");
    }
    out = out
      .replace(/<[@!](?:subteam\^)?[A-Z0-9]+(?:\|[^>]*)?>/g, "[someone]")
      .replace(/<#[A-Z0-9]+(?:\|[^>]*)?>/g, "[channel]")
      .replace(/\b[UW](?=[A-Z0-9]*\d)[A-Z0-9]{8,}\b/g, "[someone]");
    return redactNames(out, names);
  };
}

/**
 * Removes emails, Slack mentions and ids, and the given people's names (full names and each
 * name part of 3+ letters, case-insensitive, whole words) from a text.
 */
export function redact(text: string, people: string[]): string {
  return redactor(people)(text);
}

/** The prompt: the roll-up's figures, then the notes' feedback text, redacted and bounded. */
export function summaryPrompt(rollUp: RollUp, notes: FeedbackNote[], people: string[]): string {
  const authors = notes.map((note) => note.authorName).filter((name): name is string => !!name);
  const clean = redactor([...authors, ...people]);
  // Redacted before it is cut short: a cut could leave half an email address unrecognised.
  const field = (text: string | null | undefined) =>
    clean(
      (text ?? "")
        .trim()
        .replace(/\s*\n\s*/g, "; ")
        .replace(/\s+/g, " "),
    ).slice(0, MAX_FIELD_CHARS);
  const { winLoss, content } = rollUp;
  const head = [
    `Month: ${rollUp.month}`,
    `Win/loss notes: ${winLoss.total} (won ${winLoss.byOutcome.won}, lost ${winLoss.byOutcome.lost}, no decision ${winLoss.byOutcome.no_decision})`,
    `Top reasons won: ${winLoss.topReasonsWon.map((r) => `${field(r.reason)} (${r.count})`).join("; ") || "none"}`,
    `Top reasons lost or no decision: ${winLoss.topReasonsLost.map((r) => `${field(r.reason)} (${r.count})`).join("; ") || "none"}`,
    `Competitors (deals, won, lost): ${
      winLoss.competitors
        .slice(0, 10)
        .map((c) => `${field(c.name)} ${c.deals}/${c.won}/${c.lost}`)
        .join("; ") || "none"
    }`,
    `Content notes: ${content.total}`,
    `Assets (used, helped, neutral, hurt): ${
      content.assets
        .slice(0, 10)
        .map((a) => `${field(a.asset)} ${a.used}/${a.helped}/${a.neutral}/${a.hurt}`)
        .join("; ") || "none"
    }`,
    `Objections no content covers: ${
      content.uncoveredObjections
        .slice(0, 10)
        .map((o) => `${field(o.theme)} (${o.count})`)
        .join("; ") || "none"
    }`,
    "",
    "Notes:",
  ];
  const lines = [...head];
  let size = lines.join("\n").length;
  let left = 0;
  for (const note of notes) {
    if (note.month !== rollUp.month) continue;
    const line = `- ${noteParts(note, field)
      .filter(([, text]) => text)
      .map(([label, text]) => (label ? `${label}: ${text}` : text))
      .join(". ")}`;
    if (size + line.length + 1 > MAX_PROMPT_CHARS) {
      left += 1;
      continue;
    }
    lines.push(line);
    size += line.length + 1;
  }
  if (left) lines.push(`(${left} more notes left out for length)`);
  return lines.join("\n");
}

/** A note's feedback as labelled parts: only text meant for marketing, never who wrote it. */
function noteParts(
  note: FeedbackNote,
  field: (text: string | null | undefined) => string,
): Array<[string, string]> {
  if (note.kind === "content") {
    return [
      ["Asset", `${field(note.asset)} (${note.helped})`],
      ["Buyer said", field(note.buyerSaid)],
      ["Objections no content covers", field(note.uncoveredObjections)],
    ];
  }
  return [
    ["", OUTCOME_LABELS[note.outcome]],
    ["Reason", field(note.primaryReason)],
    [
      note.outcome === "won" ? "What nearly lost it" : "What would have won it",
      field(note.nearlyLost),
    ],
    ["Competitors", note.competitors.map(field).join(", ")],
    ["Notes", field(note.notes)],
  ];
}

const CompletionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

const UNUSABLE = "the model's answer was not usable";

const seconds = (ms: number) =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;

function failureReason(error: unknown, sdk: typeof OpenAIModule): string {
  if (error instanceof sdk.APIConnectionError) return "the model could not be reached";
  if (error instanceof sdk.APIError && error.status !== undefined) {
    if (error.status === 401 || error.status === 403) {
      return `the model refused the API key (HTTP ${error.status})`;
    }
    if (error.status === 429) return "the model is rate-limited or out of quota (HTTP 429)";
    return `the model answered with an error (HTTP ${error.status})`;
  }
  if (error instanceof SyntaxError) return UNUSABLE;
  return "the model call failed";
}

/** The month's themes: from the model when configured and it answers usably, else computed. */
export async function summariseThemes(
  rollUp: RollUp,
  notes: FeedbackNote[],
  config: SummaryConfig,
  people: string[],
): Promise<ThemeSummary> {
  const computed = (reason: string): ThemeSummary => ({
    source: "deterministic",
    text: deterministicSummary(rollUp),
    reason,
  });
  if (!config.apiKey) return computed("no OPENAI_API_KEY");
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  // Loaded on first use: most processes never summarise, and the SDK is not small.
  const sdk = await import("openai");
  try {
    const prompt = summaryPrompt(rollUp, notes, people); // before the clock starts
    // The client's own timeout stops at the response headers; this one also covers the body.
    const controller = new AbortController();
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);
    const client = new sdk.OpenAI({
      apiKey: config.apiKey,
      baseURL: config.baseUrl,
      timeout: config.timeoutMs,
      maxRetries: 0,
    });
    const response: unknown = await client.chat.completions.create(
      {
        model: config.model,
        messages: [
          { role: "system", content: SYSTEM_PROMPT },
          { role: "user", content: prompt },
        ],
      },
      { signal: controller.signal },
    );
    const parsed = CompletionSchema.safeParse(response);
    const text = parsed.success ? parsed.data.choices[0]!.message.content.trim() : "";
    if (!text || text.length > MAX_SUMMARY_CHARS) return computed(UNUSABLE);
    return { source: "model", model: config.model, text };
  } catch (error) {
    const timeout = timedOut || error instanceof sdk.APIConnectionTimeoutError;
    return computed(
      timeout
        ? `the model did not answer within ${seconds(config.timeoutMs)}`
        : failureReason(error, sdk),
    );
  } finally {
    clearTimeout(timer);
  }
}
