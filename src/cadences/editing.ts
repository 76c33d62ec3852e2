// Editing a cadence's settings, without Slack or a database: what the edit modal's fields mean
// (its state values → a Recurrence and settings, with an error per field), the settings a cadence
// has now (to pre-fill the modal), the one-line summary of what changed, and where the cadence's
// next due date goes after an edit. Block Kit is in ./edit-modal.ts, the use cases in
// ./edit-service.ts.
import { createHash } from "node:crypto";
import { z } from "zod";
import { escapeInline } from "../slack/mrkdwn.js";
import {
  describeRecurrence,
  canonicalTimezone,
  isValidTimezone,
  occurrencesBetween,
  RecurrenceSchema,
  WEEKDAYS,
  type Recurrence,
  type Weekday,
} from "./recurrence.js";
import {
  endOfLocalDay,
  HOLIDAY_POLICIES,
  localDate,
  nextDueFrom,
  upcomingScheduled,
  type HolidayPolicy,
  type OccurrenceException,
  type Schedule,
} from "./schedule.js";

/** Everything the edit modal sets on a cadence. */
export interface CadenceSettings {
  title: string;
  recurrence: Recurrence;
  timezone: string;
  /** null: the DRI's DM. */
  channelId: string | null;
  reminderOffsetsMinutes: number[];
  escalationGraceMinutes: number;
  driSlackUserId: string | null;
  backupSlackUserId: string | null;
  holidayPolicy: HolidayPolicy;
}

/** The modal's input blocks; each holds one element whose action_id is FIELD_ACTION. */
export const FIELDS = {
  title: "cadence_title",
  rhythm: "cadence_rhythm",
  weekdays: "cadence_weekdays",
  every: "cadence_every",
  dayOfMonth: "cadence_day_of_month",
  nth: "cadence_nth",
  nthWeekday: "cadence_nth_weekday",
  time: "cadence_time",
  timezone: "cadence_timezone",
  channel: "cadence_channel",
  reminders: "cadence_reminders",
  grace: "cadence_grace",
  dri: "cadence_dri",
  backup: "cadence_backup",
  holidays: "cadence_holidays",
} as const;
export type FieldBlock = (typeof FIELDS)[keyof typeof FIELDS];
export const FIELD_ACTION = "value";

/** The rhythms the modal offers; each maps to one shape of Recurrence. */
export const RHYTHMS = [
  { value: "weekly", label: "Weekly, on chosen weekdays" },
  { value: "every_n_weeks", label: "Every N weeks, on chosen weekdays" },
  { value: "monthly_day", label: "Monthly, on a day of the month" },
  { value: "monthly_nth", label: "Monthly, on the Nth weekday" },
  { value: "after_completion", label: "N months after the last completion" },
] as const;
export type Rhythm = (typeof RHYTHMS)[number]["value"];

export const NTHS = [
  { value: "1", label: "First" },
  { value: "2", label: "Second" },
  { value: "3", label: "Third" },
  { value: "4", label: "Fourth" },
  { value: "-1", label: "Last" },
] as const;

/** Reminder choices, in minutes before the due time. */
export const REMINDER_CHOICES = [
  { minutes: 7 * 24 * 60, label: "1 week before" },
  { minutes: 2 * 24 * 60, label: "2 days before" },
  { minutes: 24 * 60, label: "1 day before" },
  { minutes: 4 * 60, label: "4 hours before" },
  { minutes: 60, label: "1 hour before" },
  { minutes: 15, label: "15 minutes before" },
] as const;

export const HOLIDAY_CHOICES: Record<HolidayPolicy, string> = {
  move: "Move it to the next working day",
  skip: "Skip it",
};

export const TITLE_MAX = 80;
export const GRACE_MAX_HOURS = 24 * 14;

const capitalised = (word: string) => word[0]!.toUpperCase() + word.slice(1);
export const weekdayLabel = (day: Weekday) => capitalised(day);

/** "1 day", "4 hours", "90 minutes": a reminder offset as people say it. */
export function offsetLabel(minutes: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (minutes % (7 * 24 * 60) === 0) return unit(minutes / (7 * 24 * 60), "week");
  if (minutes % (24 * 60) === 0) return unit(minutes / (24 * 60), "day");
  if (minutes % 60 === 0) return unit(minutes / 60, "hour");
  return unit(minutes, "minute");
}

// ---- What Slack sends: view.state.values, read loosely (a field may be absent or empty) ----

const Option = z.object({ value: z.string() });
const FieldState = z
  .object({
    value: z.string().nullish(),
    selected_option: Option.nullish(),
    selected_options: z.array(Option).nullish(),
    selected_time: z.string().nullish(),
    selected_user: z.string().nullish(),
    selected_conversation: z.string().nullish(),
  })
  .passthrough();

/** The modal's state values: block id → action id → element state. Unknown blocks are ignored. */
export const EditFormValuesSchema = z.record(z.string(), z.record(z.string(), FieldState));
export type EditFormValues = z.infer<typeof EditFormValuesSchema>;

type FieldState = z.infer<typeof FieldState>;

/** Field errors keyed by block id, as `response_action: "errors"` wants them. */
export type FieldErrors = Partial<Record<FieldBlock, string>>;

export type FormReading =
  { ok: true; settings: CadenceSettings } | { ok: false; errors: FieldErrors };

export interface FormContext {
  /** Standard cadences keep their title; a custom one's comes from the form. */
  titleEditable: boolean;
  /** The cadence's settings before the edit (null for a new one): keeps what the form omits. */
  previous: CadenceSettings | null;
  /** Today's local date (YYYY-MM-DD): the first week counted by a new "every N weeks". */
  today: string;
}

const SLACK_USER = /^[UW][A-Z0-9]+$/;
const SLACK_CONVERSATION = /^[CGD][A-Z0-9]+$/;

/** Reads the modal's state into settings, or says what is wrong with each field. */
export function readEditForm(values: EditFormValues, context: FormContext): FormReading {
  const field = (block: FieldBlock): FieldState | undefined => values[block]?.[FIELD_ACTION];
  const text = (block: FieldBlock) => field(block)?.value?.trim() ?? "";
  const selected = (block: FieldBlock) => field(block)?.selected_option?.value ?? null;
  const errors: FieldErrors = {};

  let title = context.previous?.title ?? "";
  if (context.titleEditable) {
    title = text(FIELDS.title).replace(/\s+/g, " ");
    if (!title) errors[FIELDS.title] = "Give the cadence a title.";
    else if (title.length > TITLE_MAX)
      errors[FIELDS.title] = `Keep the title to ${TITLE_MAX} characters or fewer.`;
  }

  const rhythm = RHYTHMS.find((r) => r.value === selected(FIELDS.rhythm))?.value;
  if (!rhythm) errors[FIELDS.rhythm] = "Choose how often the cadence comes round.";

  const time = field(FIELDS.time)?.selected_time ?? "";
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) errors[FIELDS.time] = "Choose the time of day.";

  const recurrence = rhythm ? readRhythm(rhythm, time, field, errors, context) : null;

  const typedTimezone = text(FIELDS.timezone);
  const timezone = canonicalTimezone(typedTimezone) ?? typedTimezone;
  if (!isValidTimezone(timezone))
    errors[FIELDS.timezone] =
      `"${timezone.slice(0, 60)}" is not a timezone: use an IANA name such as America/New_York or Europe/Paris.`;

  const channelId = field(FIELDS.channel)?.selected_conversation || null;
  if (channelId && !SLACK_CONVERSATION.test(channelId))
    errors[FIELDS.channel] = "Choose a channel from the list.";

  // Only the modal's own options: the fixed choices, and the offsets the cadence already had.
  const offered = new Set<number>([
    ...REMINDER_CHOICES.map((c) => c.minutes),
    ...(context.previous?.reminderOffsetsMinutes ?? []),
  ]);
  const offsets = (field(FIELDS.reminders)?.selected_options ?? []).map((o) => Number(o.value));
  if (offsets.some((n) => !offered.has(n)))
    errors[FIELDS.reminders] = "Choose reminders from the list.";

  const graceHours = Number(text(FIELDS.grace));
  if (!text(FIELDS.grace) || !(graceHours >= 1 && graceHours <= GRACE_MAX_HOURS))
    errors[FIELDS.grace] = `Give the hours after the due time, from 1 to ${GRACE_MAX_HOURS}.`;

  const dri = field(FIELDS.dri)?.selected_user || null;
  const backup = field(FIELDS.backup)?.selected_user || null;
  if (dri && !SLACK_USER.test(dri)) errors[FIELDS.dri] = "Choose one person.";
  if (backup && !SLACK_USER.test(backup)) errors[FIELDS.backup] = "Choose one person.";
  if (backup && backup === dri)
    errors[FIELDS.backup] = "The backup must be someone else than the DRI.";

  const policy = HOLIDAY_POLICIES.find((p) => p === selected(FIELDS.holidays));
  if (!policy) errors[FIELDS.holidays] = "Choose what happens on a holiday.";

  if (Object.keys(errors).length > 0 || !recurrence || !policy) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      title,
      recurrence,
      timezone,
      channelId,
      reminderOffsetsMinutes: [...new Set(offsets)].sort((a, b) => b - a),
      escalationGraceMinutes: Math.round(graceHours * 60),
      driSlackUserId: dri,
      backupSlackUserId: backup,
      holidayPolicy: policy,
    },
  };
}

function readRhythm(
  rhythm: Rhythm,
  time: string,
  field: (block: FieldBlock) => FieldState | undefined,
  errors: FieldErrors,
  context: FormContext,
): Recurrence | null {
  const everyText = field(FIELDS.every)?.value?.trim() ?? "";
  const every = everyText ? Number(everyText) : null;
  const weekdays = (field(FIELDS.weekdays)?.selected_options ?? [])
    .map((o) => o.value)
    .filter((v): v is Weekday => (WEEKDAYS as readonly string[]).includes(v));
  const previous = context.previous?.recurrence;
  const needWeekdays = () => {
    if (weekdays.length === 0) errors[FIELDS.weekdays] = "Tick at least one weekday.";
  };
  const needEvery = (min: number, max: number, unit: string, fallback: number | null) => {
    const n = every ?? fallback;
    if (n === null || !Number.isInteger(n) || n < min || n > max) {
      errors[FIELDS.every] =
        `For this rhythm, N is a whole number of ${unit} from ${min} to ${max}.`;
      return null;
    }
    return n;
  };
  let candidate: unknown = null;
  switch (rhythm) {
    case "weekly":
    case "every_n_weeks": {
      needWeekdays();
      const everyWeeks = rhythm === "weekly" ? 1 : needEvery(2, 8, "weeks", null);
      // The first week counted: kept from before, so an edit does not shift a fortnightly one;
      // a new every-N-weeks rhythm counts from this week.
      const anchor =
        previous?.kind === "weekly" && (previous.everyWeeks > 1 || everyWeeks === 1)
          ? previous.anchor
          : everyWeeks === 1
            ? undefined
            : context.today;
      candidate = { kind: "weekly", weekdays, time, everyWeeks, anchor };
      break;
    }
    case "monthly_day":
    case "monthly_nth": {
      const everyMonths = needEvery(1, 12, "months", 1);
      const startMonth = previous?.kind === "monthly" ? previous.startMonth : 1;
      let on: unknown = null;
      if (rhythm === "monthly_day") {
        const dayText = field(FIELDS.dayOfMonth)?.value?.trim() ?? "";
        const day = Number(dayText);
        if (!dayText || !Number.isInteger(day) || day < 1 || day > 31)
          errors[FIELDS.dayOfMonth] =
            "Give the day of the month, from 1 to 31 (a short month uses its last day).";
        else on = { type: "day", day };
      } else {
        const nth = Number(field(FIELDS.nth)?.selected_option?.value ?? NaN);
        const weekday = field(FIELDS.nthWeekday)?.selected_option?.value;
        if (!NTHS.some((n) => Number(n.value) === nth))
          errors[FIELDS.nth] = "Choose which one: first, second, third, fourth or last.";
        if (!(WEEKDAYS as readonly string[]).includes(weekday ?? ""))
          errors[FIELDS.nthWeekday] = "Choose the weekday.";
        on = { type: "weekday", nth, weekday };
      }
      candidate = { kind: "monthly", time, on, everyMonths, startMonth };
      break;
    }
    case "after_completion":
      candidate = { kind: "after-completion", months: needEvery(1, 24, "months", null), time };
      break;
  }
  const parsed = RecurrenceSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

/** Which of the modal's rhythms a recurrence is. */
export function rhythmOf(recurrence: Recurrence): Rhythm {
  switch (recurrence.kind) {
    case "weekly":
      return recurrence.everyWeeks > 1 ? "every_n_weeks" : "weekly";
    case "monthly":
      return recurrence.on.type === "day" ? "monthly_day" : "monthly_nth";
    case "after-completion":
      return "after_completion";
  }
}

/** The N the modal shows for a recurrence (weeks or months), or null when it has none. */
export function everyOf(recurrence: Recurrence): number | null {
  switch (recurrence.kind) {
    case "weekly":
      return recurrence.everyWeeks > 1 ? recurrence.everyWeeks : null;
    case "monthly":
      return recurrence.everyMonths;
    case "after-completion":
      return recurrence.months;
  }
}

/** A cadence row's editable settings (the JSON columns already parsed). */
export function settingsOf(cadence: CadenceSettings): CadenceSettings {
  return {
    title: cadence.title,
    recurrence: cadence.recurrence,
    timezone: cadence.timezone,
    channelId: cadence.channelId,
    reminderOffsetsMinutes: [...cadence.reminderOffsetsMinutes].sort((a, b) => b - a),
    escalationGraceMinutes: cadence.escalationGraceMinutes,
    driSlackUserId: cadence.driSlackUserId,
    backupSlackUserId: cadence.backupSlackUserId,
    holidayPolicy: cadence.holidayPolicy,
  };
}

/** The settings a new custom cadence's modal starts from. */
export function newCadenceSettings(timezone: string, creator: string): CadenceSettings {
  return {
    title: "",
    recurrence: RecurrenceSchema.parse({ kind: "weekly", weekdays: ["monday"], time: "09:00" }),
    timezone,
    channelId: null,
    reminderOffsetsMinutes: [24 * 60, 60],
    escalationGraceMinutes: 24 * 60,
    driSlackUserId: creator,
    backupSlackUserId: null,
    holidayPolicy: "move",
  };
}

// ---- What changed ----

/** "Mondays at 09:00": the rhythm without its timezone (that is a setting of its own). */
export function describeRhythm(recurrence: Recurrence): string {
  return describeRecurrence(recurrence, "UTC").replace(/ UTC$/, "");
}

const person = (id: string | null) => (id ? `<@${id}>` : "nobody");
const channel = (id: string | null) => (id ? `<#${id}>` : "the DRI's DM");
const reminders = (offsets: number[]) =>
  offsets.length ? offsets.map(offsetLabel).join(", ") : "none";
const hours = (minutes: number) => `${Math.round((minutes / 60) * 100) / 100} h`;

/** Whether two settings schedule the same dates (what an edit must re-plan when it differs). */
export function sameTiming(a: CadenceSettings, b: CadenceSettings): boolean {
  return (
    JSON.stringify(RecurrenceSchema.parse(a.recurrence)) ===
      JSON.stringify(RecurrenceSchema.parse(b.recurrence)) &&
    a.timezone === b.timezone &&
    a.holidayPolicy === b.holidayPolicy
  );
}

/**
 * Each difference as "what: before → after", in the modal's order, as mrkdwn: what people typed
 * (the title) is escaped, and only our own mentions (<@U…>, <#C…>) are live. Stored as is in the
 * history's summary, so the Home tab shows it without telling typed text from ours.
 */
export function describeChanges(before: CadenceSettings, after: CadenceSettings): string[] {
  const changes: string[] = [];
  const add = (what: string, from: string, to: string) => {
    if (from !== to) changes.push(`${what}: ${from} → ${to}`);
  };
  add("title", escapeInline(before.title), escapeInline(after.title));
  add("rhythm", describeRhythm(before.recurrence), describeRhythm(after.recurrence));
  add("timezone", escapeInline(before.timezone), escapeInline(after.timezone));
  add("channel", channel(before.channelId), channel(after.channelId));
  add(
    "reminders",
    reminders(before.reminderOffsetsMinutes),
    reminders(after.reminderOffsetsMinutes),
  );
  add("escalation", hours(before.escalationGraceMinutes), hours(after.escalationGraceMinutes));
  add("DRI", person(before.driSlackUserId), person(after.driSlackUserId));
  add("backup", person(before.backupSlackUserId), person(after.backupSlackUserId));
  add("holidays", before.holidayPolicy, after.holidayPolicy);
  return changes;
}

/** The settings as stored in the history's before/after JSON. */
export function historyRecord(settings: CadenceSettings): Record<string, unknown> {
  return { ...settings, recurrence: RecurrenceSchema.parse(settings.recurrence) };
}

/**
 * A short digest of the editable settings, carried by the edit modal: a form whose cadence was
 * edited since it opened no longer matches, so saving it cannot undo that edit. The next due date
 * is not in it, so the scheduler firing the cadence does not make open forms stale.
 */
export function settingsFingerprint(settings: CadenceSettings): string {
  const record = historyRecord(settings);
  const canonical = JSON.stringify(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]]),
  );
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 22);
}

// ---- Where the next due date goes ----

export interface RescheduleInput {
  /** The cadence's nextDueAt as read before the edit. */
  nextDueAt: Date | null;
  active: boolean;
  now: Date;
  /** The schedule under the new settings (exceptions off the new grid already left out). */
  schedule: Schedule;
  lastCompletedAt: Date | null;
  /** The latest occurrence already materialised (posted, done, missed, pending, failed), if any. */
  latestMaterialisedDueAt: Date | null;
  /** Whether an occurrence is posted and waiting to be marked done. */
  awaitingCompletion: boolean;
  /** Rhythm times of skipped or moved occurrences near now: one today counts as today's. */
  changedDueAts: readonly Date[];
}

/**
 * The cadence's next due date after an edit of its timing. The new rhythm counts from now, or
 * from the end of today when today already had its occurrence (one materialised, or one skipped
 * or moved away), so an edit never makes a second one on the same day. An occurrence already due
 * when the edit is saved is materialised by the edit itself (./edit-service.ts), and counts as
 * materialised here. A rule counted from the last completion waits while an occurrence is
 * outstanding, as after it fires (./rules.ts planMaterialisation).
 */
export function nextDueAfterEdit(input: RescheduleInput): Date | null {
  if (!input.active) return null;
  const { timezone } = input.schedule;
  const today = localDate(input.now, timezone);
  const latest = input.latestMaterialisedDueAt;
  const hadOneToday =
    (latest !== null && localDate(latest, timezone) === today) ||
    input.changedDueAts.some((at) => localDate(at, timezone) === today);
  const after = hadOneToday ? endOfLocalDay(input.now, timezone) : input.now;
  if (input.schedule.recurrence.kind === "after-completion") {
    const completed = input.lastCompletedAt;
    if (input.awaitingCompletion) return null;
    if (!completed && latest) return null;
    return nextDueFrom(input.schedule, after, completed);
  }
  return nextDueFrom(input.schedule, after, input.lastCompletedAt);
}

/**
 * Skipped or moved occurrences that no longer belong: their rhythm time is not on the new rhythm's
 * grid (a rule counted from completion has none), and they are still to come.
 */
export function exceptionsOffGrid(
  recurrence: Recurrence,
  timezone: string,
  exceptions: readonly OccurrenceException[],
  now: Date,
): OccurrenceException[] {
  return exceptions.filter((e) => {
    const upcoming = e.originalDueAt > now || (e.movedToAt !== null && e.movedToAt > now);
    if (!upcoming) return false;
    if (recurrence.kind === "after-completion") return true;
    const at = e.originalDueAt;
    return occurrencesBetween(recurrence, at, new Date(at.getTime() + 1), timezone).length === 0;
  });
}

/** The next `count` dates from a cadence's next due date on, for the confirmation. */
export function nextDates(schedule: Schedule, nextDueAt: Date | null, count: number): Date[] {
  if (!nextDueAt) return [];
  return [nextDueAt, ...upcomingScheduled(schedule, nextDueAt, count - 1)].slice(0, count);
}

/** Today's date in a timezone, for a new every-N-weeks anchor. */
export const todayIn = (now: Date, timezone: string): string =>
  localDate(now, isValidTimezone(timezone) ? timezone : "UTC");

// ---- Titles ----

const titleKey = (title: string) => title.trim().toLowerCase().replace(/\s+/g, " ");

/** Whether `title` is already another cadence's in the workspace (case and spacing ignored). */
export function isTitleTaken(title: string, otherTitles: readonly string[]): boolean {
  return otherTitles.some((other) => titleKey(other) === titleKey(title));
}

/**
 * The title an archived cadence keeps, freeing its own for a new cadence (titles are unique per
 * workspace): "Pipeline check (archived 2026-11-30)", then ", 2", ", 3" if that is taken too.
 */
export function archivedTitle(title: string, date: string, taken: readonly string[]): string {
  const base = `${title} (archived ${date}`;
  for (let n = 1; ; n += 1) {
    const candidate = `${base}${n === 1 ? "" : `, ${n}`})`;
    if (!isTitleTaken(candidate, taken)) return candidate;
  }
}
