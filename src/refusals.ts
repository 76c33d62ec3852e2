// One shape for "no": `{ ok: false, code, message }`, every message built here from its code, so a
// wording changes in one place and a caller (listener, CLI, test) can branch on the code.
import { escapeInline } from "./slack/mrkdwn.js";

const NOTHING_CHANGED = "Nothing was changed.";

/** A title or file name someone typed, in bold and escaped for mrkdwn. */
const bold = (text: string): string => `*${escapeInline(text)}*`;

/** What a person typed, shortened before it is echoed back (a command can be 100 KB long). */
export function echo(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

type Workspace = { slackTeamId: string; name: string };

const MESSAGES = {
  "not-cadence-owner": (d: { title: string; dri: string | null }) =>
    `Only the DRI of ${bold(d.title)}${d.dri ? ` (<@${d.dri}>)` : ""}, a workspace admin or a Cadence admin can change it. ${NOTHING_CHANGED}`,
  "not-admin": () =>
    `Only a workspace admin or a Cadence admin (ADMIN_USER_IDS) can change this. ${NOTHING_CHANGED}`,
  "not-admin-channel": () =>
    `Only a workspace admin or a Cadence admin (ADMIN_USER_IDS) can choose the admin channel. ${NOTHING_CHANGED}`,
  "not-admin-feed": () =>
    "Only a workspace admin or a Cadence admin can create the workspace's calendar feed. `/cadence calendar` gives you your own.",
  "not-admin-feed-revoke": () => "Only an admin can revoke the workspace's calendar feed.",
  "not-importer": () =>
    "Only workspace admins and Cadence admins (ADMIN_USER_IDS) can import lead data, because it changes the numbers everyone sees. Ask one of them to import it. Nothing was imported.",
  "not-handover-owner": (d: { from: string }) =>
    `Only <@${d.from}> or an admin can hand over <@${d.from}>'s cadences. ${NOTHING_CHANGED}`,
  "no-cadence": (d: { name: string }) =>
    `No cadence matches "${escapeInline(echo(d.name))}". Try \`/cadence list\`.`,
  "cadence-gone": () => "That cadence no longer exists.",
  "cadence-archived": (d: { title: string }) =>
    `${bold(d.title)} is archived: it keeps its history but can no longer be changed. ${NOTHING_CHANGED}`,
  "archive-standard": (d: { title: string }) =>
    `${bold(d.title)} is a standard cadence: it can be paused (\`/cadence pause\`) but not archived. Only custom cadences are archived. ${NOTHING_CHANGED}`,
  "title-taken": (d: { title: string }) =>
    `Another cadence is already called ${bold(d.title)}: choose another title.`,
  "not-admin-create": () =>
    `Only a workspace admin or a Cadence admin (ADMIN_USER_IDS) can create a cadence. ${NOTHING_CHANGED}`,
  "edit-raced": (d: { title: string }) =>
    `${bold(d.title)} fell due while you were saving, and changed meanwhile: press Save again. ${NOTHING_CHANGED}`,
  "modal-not-opened": () =>
    "Slack did not open the form (the button took too long to answer, or is too old): press it again.",
  "edit-form-stale": () =>
    "This form is out of date: the cadence was changed since it opened (or the form was not sent by Cadence). Close it and press Edit again to see the current settings. Nothing was changed.",
  ambiguous: (d: { name: string; titles: string[] }) =>
    `"${escapeInline(echo(d.name))}" matches ${d.titles.length} cadences: ${d.titles.map(bold).join(", ")}. Which one?`,
  "backup-is-dri": (d: { person: string; title: string }) =>
    `<@${d.person}> is already the DRI of ${bold(d.title)}; the backup must be someone else.`,
  "handover-to-self": () => "Hand over to someone else than the current owner.",
  "owns-nothing": (d: { person: string }) => `<@${d.person}> owns no cadences.`,
  "bad-date": (d: { text: string }) =>
    `"${escapeInline(echo(d.text, 40))}" is not a date: write it as YYYY-MM-DD (e.g. 2026-12-24), or today or tomorrow. ${NOTHING_CHANGED}`,
  "absence-reversed": (d: { startsOn: string; endsOn: string }) =>
    `${d.endsOn} comes before ${d.startsOn}: give the first day away, then the last. ${NOTHING_CHANGED}`,
  "absence-past": (d: { endsOn: string }) =>
    `${d.endsOn} has already passed: away dates must include today or a later day. ${NOTHING_CHANGED}`,
  "absence-too-long": (d: { days: number }) =>
    `An away range is at most ${d.days} days: set a longer absence as several ranges. ${NOTHING_CHANGED}`,
  "absence-overlap": (d: { person: string; startsOn: string; endsOn: string }) =>
    `<@${d.person}> is already away from ${d.startsOn} to ${d.endsOn}, which overlaps: end that range first (\`/cadence away end\`) or choose other dates. ${NOTHING_CHANGED}`,
  "not-admin-away": (d: { person: string }) =>
    `Only an admin can set or end <@${d.person}>'s away dates; you can set your own. ${NOTHING_CHANGED}`,
  "no-absence": (d: { person: string }) =>
    `<@${d.person}> has no current or upcoming away dates to end. ${NOTHING_CHANGED}`,
  "holiday-past": (d: { date: string }) =>
    `${d.date} has already passed: holidays are added for today or later. ${NOTHING_CHANGED}`,
  "holiday-exists": (d: { date: string; name: string }) =>
    `${d.date} is already a holiday (${bold(d.name)}). ${NOTHING_CHANGED}`,
  "no-holiday": (d: { date: string }) =>
    `${d.date} is not a holiday: \`/cadence holiday list\` shows them. ${NOTHING_CHANGED}`,
  "nothing-to-snooze": (d: { title: string }) => `${bold(d.title)} has no upcoming date to snooze.`,
  "sla-lead-not-watched": (d: { crmId: string }) =>
    `${bold(d.crmId)} is not on the speed-to-lead watch (any more): nothing to snooze.`,
  "sla-steps-out-of-order": (d: { problem: string; source: string | null }) =>
    `${d.source === null ? "" : `For leads from ${bold(d.source)}: `}${d.problem} ${NOTHING_CHANGED}`,
  "sla-source-reserved": (d: { source: string }) =>
    `${bold(d.source)} cannot be a source's name here: name the source as the CRM writes it. ${NOTHING_CHANGED}`,
  "sla-lead-touched": (d: { crmId: string }) =>
    `${bold(d.crmId)} has been touched already: no more reminders for it.`,
  "unknown-person": (d: { person: string }) =>
    `Slack does not know <@${d.person}>. Mention a person in this workspace. ${NOTHING_CHANGED}`,
  "person-is-bot": (d: { person: string }) =>
    `<@${d.person}> is a bot: a DRI is a named person. ${NOTHING_CHANGED}`,
  "person-deactivated": (d: { person: string }) =>
    `<@${d.person}> is deactivated: choose someone who is still here. ${NOTHING_CHANGED}`,
  "note-gone": () => "That note is no longer there: it was deleted.",
  "not-note-author": () => "Only the person who wrote a note can change it.",
  "note-too-old": () =>
    "Notes can be edited or deleted for 7 days after they are sent; this one is older.",
  "definition-text-missing": () =>
    `Write the definition's text: what counts, in words both teams will read. ${NOTHING_CHANGED}`,
  "definition-text-too-long": (d: { max: number }) =>
    `Keep the definition under ${d.max} characters; link a longer document from it. ${NOTHING_CHANGED}`,
  "definition-effective-past": (d: { today: string }) =>
    `The effective date must be today (${d.today}) or later. ${NOTHING_CHANGED}`,
  "definition-version-gone": () =>
    "That version is no longer in the register: `/cadence definitions` shows the current ones.",
  "definition-withdrawn": () =>
    "A newer proposal replaced this one, so it can no longer be approved: `/cadence definitions` shows the one waiting.",
  "definition-already-agreed": () => "Both sides have already approved this version.",
  "definition-no-owners": () =>
    "Nobody can approve yet: an admin first names the marketing and sales leads with `/cadence leads marketing @person` and `/cadence leads sales @person`.",
  "definition-not-owner": (d: { marketing: string; sales: string }) =>
    `Only the marketing lead (<@${d.marketing}>) and the sales lead (<@${d.sales}>) approve a definition. ${NOTHING_CHANGED}`,
  "definition-already-approved": () =>
    "You have already approved this version; it now waits for the other side.",
  "not-csv": (d: { name: string }) =>
    `${bold(d.name)} is not a CSV file. Export the leads from your CRM as CSV and share that. Nothing was imported.`,
  "file-too-large": (d: { name: string; megabytes: number }) =>
    `${bold(d.name)} is larger than ${d.megabytes} MB. Import it with \`cadence import leads\` on the server, or send it through the ingest API. Nothing was imported.`,
  "no-such-workspace": (d: { slackTeamId: string; known: Workspace[] }) =>
    `No workspace ${d.slackTeamId}. Known: ${d.known.map((w) => `${w.slackTeamId} (${w.name})`).join(", ") || "none yet"}.`,
  "no-workspace-yet": () =>
    "No workspace yet: start Cadence once (cadence start) so it records your Slack workspace.",
  "several-workspaces": (d: { known: Workspace[] }) =>
    `Several workspaces: choose one with --workspace (${d.known.map((w) => `${w.slackTeamId} = ${w.name}`).join(", ")}).`,
  "occurrence-passed": (d: { title: string }) =>
    `That date of ${bold(d.title)} has already come; only upcoming ones can be skipped or moved. ${NOTHING_CHANGED}`,
  "no-such-occurrence": (d: { title: string }) =>
    `${bold(d.title)} is not due then any more (it was changed meanwhile): open the Home tab for its dates. ${NOTHING_CHANGED}`,
  "cadence-not-running": (d: { title: string }) =>
    `${bold(d.title)} is paused or archived, so it has no dates to change. ${NOTHING_CHANGED}`,
  "review-not-skippable": (d: { title: string }) =>
    `${bold(d.title)} counts from its last completion, so it cannot be skipped: mark it done, or move it to a later date. ${NOTHING_CHANGED}`,
  "move-to-past": () => `Choose a date and time still to come. ${NOTHING_CHANGED}`,
  "move-onto-occurrence": (d: { title: string; when: string }) =>
    `${bold(d.title)} is already due ${d.when}: choose another time, or skip this one instead. ${NOTHING_CHANGED}`,
  "move-onto-changed": (d: { title: string; when: string }) =>
    `A date of ${bold(d.title)} at ${d.when} was skipped or moved, and its record keeps that time: choose a minute earlier or later. ${NOTHING_CHANGED}`,
  "occurrence-note-too-long": (d: { max: number }) =>
    `Keep the reason under ${d.max} characters. ${NOTHING_CHANGED}`,
  "occurrence-form-outdated": () =>
    "This form is out of date: close it and press the button again. Nothing was changed.",
  "unknown-workspace": () =>
    "Cadence does not know this workspace yet. Open Cadence's Home tab once, then try again.",
} satisfies Record<string, (details: never) => string>;

export type RefusalCode = keyof typeof MESSAGES;
type Details<C extends RefusalCode> = Parameters<(typeof MESSAGES)[C]>;

export interface Refusal<C extends RefusalCode = RefusalCode> {
  ok: false;
  code: C;
  message: string;
}

/** A use case's answer: what it did (`ok: true` and its fields), or a refusal. */
export type Result<T extends object = object> = ({ ok: true } & T) | Refusal;

export function refuse<C extends RefusalCode>(code: C, ...details: Details<C>): Refusal<C> {
  const message = (MESSAGES[code] as (...args: Details<C>) => string)(...details);
  return { ok: false, code, message };
}
