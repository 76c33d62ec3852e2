// Checks a Slack payload the way Slack would read it: every string it renders as mrkdwn (a
// message's `text`, mrkdwn text objects, fields, context elements, a file's initial comment) may
// hold no `<…>` token but the mentions the test expects, only balanced code fences, and no `&`
// that does not start an entity. plain_text objects are shown as typed, so they are not checked.

/** Keys whose strings Slack never renders as mrkdwn: ids, values, metadata, plain-text inputs. */
const NOT_RENDERED = new Set([
  "action_id",
  "alt_text",
  "block_id",
  "callback_id",
  "channel",
  "channel_id",
  "external_id",
  "filename",
  "initial_value",
  "private_metadata",
  "thread_ts",
  "title",
  "ts",
  "url",
  "user_id",
  "value",
]);

export interface MrkdwnProblem {
  path: string;
  problem: string;
  text: string;
}

/**
 * What in `payload` could ping, link or break out of a code block: every `<` must open one of
 * `allowedTokens` (e.g. "<@U0BOB>", the mentions the app builds itself) or a date token.
 */
export function mrkdwnProblems(payload: unknown, allowedTokens: string[]): MrkdwnProblem[] {
  const problems: MrkdwnProblem[] = [];
  const check = (text: string, path: string) => {
    let rest = text;
    for (const token of allowedTokens) rest = rest.split(token).join("");
    // Slack's date formatting (a time shown in each reader's timezone) can neither ping nor link.
    rest = rest.replace(/<!date\^\d+\^[^|<>]*\|[^<>]*>/g, "");
    const raw = /<[^<>]{0,40}>?/.exec(rest);
    if (raw) problems.push({ path, text, problem: `unescaped ${JSON.stringify(raw[0])}` });
    if ((text.match(/```/g) ?? []).length % 2)
      problems.push({ path, text, problem: "unbalanced ``` code fence" });
    const amp = /&(?!amp;|lt;|gt;)/.exec(text);
    if (amp) problems.push({ path, text, problem: "an & that starts no entity" });
  };
  const visit = (node: unknown, path: string, key: string) => {
    if (typeof node === "string") {
      if (!NOT_RENDERED.has(key)) check(node, path);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${path}[${i}]`, key));
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    for (const [name, value] of Object.entries(record)) {
      // plain_text is never parsed: it shows `<!channel>` as those ten characters.
      if (record.type === "plain_text" && name === "text") continue;
      visit(value, `${path}.${name}`, name);
    }
  };
  visit(payload, "$", "");
  return problems;
}

/** Slack ids a test's people and channels have, as the mentions the app may write itself. */
export function ownMentions(userIds: string[], channelIds: string[] = []): string[] {
  return [...userIds.map((id) => `<@${id}>`), ...channelIds.map((id) => `<#${id}>`)];
}
