// The monthly roll-up of AE feedback for marketing: outcomes, reasons, competitors, assets,
// objections no content covers, and quotes worth reading. Pure; O(n log n) in the notes.
import { OUTCOME_LABELS, type ContentNote, type FeedbackNote, type WinLossNote } from "./types.js";

export interface ReasonCount {
  reason: string;
  count: number;
}

export interface CompetitorRow {
  name: string;
  deals: number;
  won: number;
  lost: number;
  /** won / (won + lost); no-decision deals are left out. null when neither. */
  winRate: number | null;
}

export interface AssetRow {
  asset: string;
  used: number;
  helped: number;
  neutral: number;
  hurt: number;
  helpedRate: number;
}

export interface ObjectionTheme {
  theme: string;
  count: number;
  examples: string[];
}

export interface Quote {
  kind: "winloss" | "content";
  text: string;
  context: string;
}

export interface RollUp {
  /** YYYY-MM */
  month: string;
  winLoss: {
    total: number;
    byOutcome: { won: number; lost: number; no_decision: number };
    topReasonsWon: ReasonCount[];
    /** Lost and no-decision deals. */
    topReasonsLost: ReasonCount[];
    competitors: CompetitorRow[];
  };
  content: {
    total: number;
    assets: AssetRow[];
    uncoveredObjections: ObjectionTheme[];
  };
  quotes: Quote[];
}

export const TOP_REASONS = 5;
/** The long tail of one-off objections goes unread; this keeps the stored roll-up bounded. */
export const MAX_OBJECTION_THEMES = 50;
export const MAX_EXAMPLES = 3;
export const MAX_QUOTES = 5;
/** Longer objections are essays; their first terms carry the theme (and bound the work). */
const MAX_TERMS = 8;
const EXAMPLE_CHARS = 120;
const THEME_CHARS = 80;
const QUOTE_CHARS = 500;
const MIN_QUOTE_CHARS = 20;

const collapse = (text: string) => text.trim().replace(/\s+/g, " ");
/** How two spellings of one name are recognised as the same: "Gong", " gong ". */
const keyOf = (text: string) => collapse(text).toLowerCase();
const clip = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** A stable order for names: case-insensitive first, then as written. */
export function compareNames(a: string, b: string): number {
  const ka = a.toLowerCase();
  const kb = b.toLowerCase();
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts values case-insensitively, each shown as first written. */
class Tally<T extends { name: string }> {
  readonly rows = new Map<string, T>();
  constructor(private readonly create: (name: string) => T) {}
  get(text: string): T | undefined {
    const key = keyOf(text);
    if (!key) return undefined;
    let row = this.rows.get(key);
    if (!row) {
      row = this.create(collapse(text));
      this.rows.set(key, row);
    }
    return row;
  }
}

function topReasons(notes: WinLossNote[]): ReasonCount[] {
  const tally = new Tally((name) => ({ name, count: 0 }));
  for (const note of notes) {
    const row = tally.get(note.primaryReason);
    if (row) row.count += 1;
  }
  return [...tally.rows.values()]
    .sort((a, b) => b.count - a.count || compareNames(a.name, b.name))
    .slice(0, TOP_REASONS)
    .map((row) => ({ reason: row.name, count: row.count }));
}

function competitors(notes: WinLossNote[]): CompetitorRow[] {
  const tally = new Tally((name) => ({ name, deals: 0, won: 0, lost: 0 }));
  for (const note of notes) {
    const seen = new Set<string>();
    for (const name of note.competitors) {
      const key = keyOf(name);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      const row = tally.get(name)!;
      row.deals += 1;
      if (note.outcome === "won") row.won += 1;
      if (note.outcome === "lost") row.lost += 1;
    }
  }
  return [...tally.rows.values()]
    .sort((a, b) => b.deals - a.deals || compareNames(a.name, b.name))
    .map((row) => ({
      ...row,
      winRate: row.won + row.lost === 0 ? null : row.won / (row.won + row.lost),
    }));
}

function assets(notes: ContentNote[]): AssetRow[] {
  const tally = new Tally((name) => ({ name, used: 0, helped: 0, neutral: 0, hurt: 0 }));
  for (const note of notes) {
    const row = tally.get(note.asset);
    if (!row) continue;
    row.used += 1;
    row[note.helped] += 1;
  }
  return [...tally.rows.values()]
    .sort((a, b) => b.used - a.used || compareNames(a.name, b.name))
    .map(({ name, ...row }) => ({ asset: name, ...row, helpedRate: row.helped / row.used }));
}

// Words that carry no theme: English function words and how AEs frame any objection.
const STOP_WORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before " +
    "being below between both but by can cannot could did do does doing don down during each " +
    "few for from further had has have having he her here hers him his how i if in into is it " +
    "its itself just me more most my no nor not of off on once only or other our ours out over " +
    "own same she should so some such than that the their them then there these they this those " +
    "through to too under until up very was we were what when where which while who whom why " +
    "will with would you your yours yet still even per via etc " +
    "ask asked asking asks buyer buyers client clients customer customers prospect prospects " +
    "lack lacking lacks missing need needed needs want wanted wants wish wished none nothing " +
    "didn doesn isn wasn weren won aren couldn wouldn shouldn hasn haven hadn ve ll re"
  ).split(" "),
);

/** Light stemming so "reports" and "report", "policies" and "policy" share a term. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !/(ss|us|is)$/.test(word)) {
    return word.slice(0, -1);
  }
  return word;
}

/** An objection's key terms: lowercase, no punctuation, no stop words, stemmed, distinct. */
export function objectionTerms(text: string): string[] {
  const terms = new Set<string>();
  const words = text
    .toLowerCase()
    .replace(/(\p{L})(\p{N})/gu, "$1 $2") // "SOC2" reads as "SOC 2"
    .split(/[^\p{L}\p{N}]+/u);
  for (const word of words) {
    if (!word || STOP_WORDS.has(word)) continue;
    if (word.length < 2 && !/^\p{N}+$/u.test(word)) continue;
    terms.add(stem(word));
  }
  return [...terms].slice(0, MAX_TERMS);
}

/** One uncovered-objections field often lists several: one a line, or split by ";" or "•". */
function splitObjections(text: string): string[] {
  return text
    .split(/[\n;•]+/)
    .map((part) => collapse(part.replace(/^\s*(?:[-*]|\d+[.)])\s+/, "")))
    .filter(Boolean);
}

interface TermSet {
  key: string;
  terms: string[];
  texts: string[];
  /** The set whose theme this one joins: itself, or a smaller set it contains. */
  parent: TermSet;
}

/**
 * The keys of the smaller term sets an objection could be a more detailed version of, largest
 * first: near-complete ones (the same objection with an aside) and small cores ("SOC 2").
 * Terms are sorted, so every subset taken in order is already a key.
 */
function* baseKeys(terms: string[]): Generator<string[]> {
  const k = terms.length;
  const without = (...skip: number[]) => terms.filter((_, i) => !skip.includes(i)).join(" ");
  const sizes = new Map<number, string[]>();
  const add = (size: number, key: string) => {
    if (size < 1 || size >= k) return;
    const keys = sizes.get(size);
    if (keys) keys.push(key);
    else sizes.set(size, [key]);
  };
  for (let a = 0; a < k; a += 1) {
    add(1, terms[a]!);
    add(k - 1, without(a));
    for (let b = a + 1; b < k; b += 1) {
      add(2, `${terms[a]} ${terms[b]}`);
      add(k - 2, without(a, b));
      for (let c = b + 1; c < k; c += 1) add(3, `${terms[a]} ${terms[b]} ${terms[c]}`);
    }
  }
  for (const size of [...sizes.keys()].sort((x, y) => y - x)) yield sizes.get(size)!;
}

const rootOf = (set: TermSet): TermSet => (set.parent === set ? set : rootOf(set.parent));

// An objection joins the theme of the largest objection someone wrote whose key terms it
// contains ("EU data residency" joins "data residency"); texts with the same terms always group.
// Bounded work per distinct text (at most MAX_TERMS terms), so no O(n²) comparison of texts.
function uncoveredObjections(notes: ContentNote[]): ObjectionTheme[] {
  const sets = new Map<string, TermSet>();
  for (const note of notes) {
    for (const text of splitObjections(note.uncoveredObjections ?? "")) {
      const terms = objectionTerms(text).sort();
      if (!terms.length) continue;
      const key = terms.join(" ");
      const known = sets.get(key);
      if (known) known.texts.push(text);
      else {
        const set = { key, terms, texts: [text] } as TermSet;
        set.parent = set;
        sets.set(key, set);
      }
    }
  }
  const ordered = [...sets.values()].sort(
    (a, b) =>
      a.terms.length - b.terms.length ||
      b.texts.length - a.texts.length ||
      compareNames(a.key, b.key),
  );
  for (const set of ordered) {
    for (const keys of baseKeys(set.terms)) {
      let best: TermSet | undefined;
      for (const key of keys) {
        const base = sets.get(key);
        if (!base) continue;
        if (
          !best ||
          (base.texts.length - best.texts.length || compareNames(best.key, base.key)) > 0
        ) {
          best = base; // the more common one, then the first by name
        }
      }
      if (best) {
        set.parent = rootOf(best);
        break;
      }
    }
  }
  const groups = new Map<TermSet, string[]>();
  for (const set of ordered) {
    const root = rootOf(set);
    const texts = groups.get(root);
    if (texts) texts.push(...set.texts);
    else groups.set(root, [...set.texts]);
  }
  return [...groups.values()]
    .map(themeOf)
    .sort((a, b) => b.count - a.count || compareNames(a.theme, b.theme))
    .slice(0, MAX_OBJECTION_THEMES);
}

/** A group's theme is its most repeated wording (then the shortest), also its first example. */
function themeOf(texts: string[]): ObjectionTheme {
  const wordings = new Tally((name) => ({ name, count: 0 }));
  for (const text of texts) wordings.get(text)!.count += 1;
  const ranked = [...wordings.rows.values()].sort(
    (a, b) => b.count - a.count || a.name.length - b.name.length || compareNames(a.name, b.name),
  );
  return {
    theme: clip(ranked[0]!.name, THEME_CHARS),
    count: texts.length,
    examples: ranked.slice(0, MAX_EXAMPLES).map((row) => clip(row.name, EXAMPLE_CHARS)),
  };
}

function quoteTexts(note: FeedbackNote): Array<string | null> {
  return note.kind === "winloss" ? [note.nearlyLost, note.notes] : [note.buyerSaid];
}

const quoteContext = (note: FeedbackNote) =>
  note.kind === "winloss"
    ? `${OUTCOME_LABELS[note.outcome]} · ${collapse(note.dealName)}`
    : `${collapse(note.asset)} · ${note.helped}`;

/**
 * The most substantive texts: the longest, distinct, earliest first among equals. One pass that
 * keeps the best few, so a month of thousands of notes allocates next to nothing here.
 */
function quotes(notes: FeedbackNote[]): Quote[] {
  const best: Array<{ text: string; key: string; note: FeedbackNote }> = [];
  for (const note of notes) {
    for (const raw of quoteTexts(note)) {
      // A collapsed text is never longer than the raw one: most texts are ruled out unread.
      const floor = best.length === MAX_QUOTES ? best.at(-1)!.text.length : MIN_QUOTE_CHARS - 1;
      if (!raw || raw.length <= floor) continue;
      const text = collapse(raw);
      if (text.length <= floor) continue;
      const key = text.toLowerCase();
      if (best.some((quote) => quote.key === key)) continue;
      const at = best.findIndex((quote) => quote.text.length < text.length);
      best.splice(at === -1 ? best.length : at, 0, { text, key, note });
      if (best.length > MAX_QUOTES) best.pop();
    }
  }
  return best.map(({ text, note }) => ({
    kind: note.kind,
    text: clip(text, QUOTE_CHARS),
    context: quoteContext(note),
  }));
}

const time = (note: FeedbackNote) => {
  const value = note.submittedAt instanceof Date ? note.submittedAt.getTime() : Number.NaN;
  return Number.isNaN(value) ? new Date(note.submittedAt).getTime() || 0 : value;
};

/** Oldest first; times are read once per note, not once per comparison. */
function bySubmission(notes: FeedbackNote[]): FeedbackNote[] {
  return notes
    .map((note) => ({ note, at: time(note) }))
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.note);
}

/**
 * The roll-up of one month's notes (notes of other months are ignored). "First written" means
 * earliest submitted, so the result does not depend on the order the notes arrive in.
 */
export function buildRollUp(month: string, notes: FeedbackNote[]): RollUp {
  const ordered = bySubmission(notes.filter((note) => note.month === month));
  const winLoss = ordered.filter((note): note is WinLossNote => note.kind === "winloss");
  const content = ordered.filter((note): note is ContentNote => note.kind === "content");
  const byOutcome = { won: 0, lost: 0, no_decision: 0 };
  for (const note of winLoss) byOutcome[note.outcome] += 1;
  return {
    month,
    winLoss: {
      total: winLoss.length,
      byOutcome,
      topReasonsWon: topReasons(winLoss.filter((note) => note.outcome === "won")),
      topReasonsLost: topReasons(winLoss.filter((note) => note.outcome !== "won")),
      competitors: competitors(winLoss),
    },
    content: {
      total: content.length,
      assets: assets(content),
      uncoveredObjections: uncoveredObjections(content),
    },
    quotes: quotes(ordered),
  };
}
