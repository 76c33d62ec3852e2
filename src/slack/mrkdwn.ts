// Text that did not come from us (CRM rows, feedback notes, titles and picklists an admin typed,
// people's names, file names, command text) is escaped here before it goes into mrkdwn: the rule
// in docs/domain.md, after api.slack.com/reference/surfaces/formatting#escaping. plain_text
// (headers, buttons, options, modal inputs) is shown as typed and never parsed: not escaped.

/** U+2060 WORD JOINER: invisible, and keeps "@" and "here" from being read as one word. */
const WORD_JOINER = "\u2060";
/** U+02CB MODIFIER LETTER GRAVE ACCENT: looks like a backtick, closes no code span or block. */
const LOOKALIKE_BACKTICK = "\u02cb";

/**
 * Escapes untrusted text for any mrkdwn field, including a message's top-level `text`.
 *
 * - `&`, `<`, `>` become `&amp;`, `&lt;`, `&gt;`: Slack reads mentions (`<!channel>`, `<!here>`,
 *   `<@U…>`, `<#C…>`, `<!subteam^…>`) and links (`<https://…|…>`) only between `<` and `>`, so this
 *   alone neutralises them; it also stops a `>` at a line's start from opening a quote.
 * - Text that is already escaped is escaped again (`&lt;` shows as `&lt;`): people see what was typed.
 * - A bare `@channel`, `@here` or `@everyone` gets a word joiner after the `@`, so no parse mode
 *   (`link_names`, `parse: full`) can turn it into a mention; it reads the same.
 * - A run of three or more backticks becomes lookalike graves (ˋˋˋ): an unclosed ``` would turn the
 *   rest of the message, our own mentions included, into code.
 * - `*`, `_`, `~` and one or two backticks are left as typed: at worst they restyle a few words
 *   (cosmetic, not a ping or a disguised link), and they occur in real names and ids (`acme_west`).
 *   Inside code use `inlineCode` or `codeBlockSafe`, where any backtick could end the code early.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/(?<![\w.])@(channel|here|everyone)\b/gi, `@${WORD_JOINER}$1`)
    .replace(/`{3,}/g, (run) => LOOKALIKE_BACKTICK.repeat(run.length));
}

/** Line breaks and tabs as single spaces, for values shown inside one line (a name, a cell). */
export function singleLine(text: string): string {
  return text.replace(/[\r\n\t\v\f\u2028\u2029]+/g, " ");
}

/**
 * Cuts `text` to at most `max` characters, ending with "…", without splitting an emoji (a UTF-16
 * surrogate pair) or an entity this module wrote (`&amp;` cut to `&am` would show as typed).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  const partial = /&[a-z]{0,3}$/.exec(text.slice(0, cut));
  if (partial && /^&(amp|lt|gt);/.test(text.slice(partial.index))) cut = partial.index;
  return `${text.slice(0, cut)}…`;
}

/** An untrusted value on one line of mrkdwn (a name, a title, a reason), cut before escaping. */
export function escapeInline(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  return escapeMrkdwn(truncate(singleLine(text), maxChars));
}

/** Untrusted text inside a ``` block: escaped (Slack still parses `<…>` there), no backticks left. */
export function codeBlockSafe(text: string): string {
  return escapeMrkdwn(text).replace(/`/g, LOOKALIKE_BACKTICK);
}

/** `text` as inline code that no backtick in it can close early. */
export function inlineCode(text: string): string {
  return `\`${codeBlockSafe(singleLine(text))}\``;
}

/** Untrusted text as a block quote: every line quoted, so a line break cannot end the quote. */
export function quoteUntrusted(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  return escapeMrkdwn(truncate(text, maxChars))
    .split(/\r\n|\r|\n/)
    .map((line) => `> ${line}`)
    .join("\n");
}

/** Text written for mrkdwn, shown where Slack does not parse it (a plain_text modal field error). */
export function plainTextOf(mrkdwn: string): string {
  return mrkdwn.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * A refusal shown under a modal's field: field errors are plain text, where a mention or bold
 * would show as typed, so mentions read "this person" and the asterisks go.
 */
export function fieldErrorText(message: string): string {
  return plainTextOf(message.replace(/<@\w+>/g, "this person").replace(/\*/g, ""));
}
