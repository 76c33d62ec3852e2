import { describe, expect, it } from "vitest";
import {
  archivedTitle,
  describeChanges,
  exceptionsOffGrid,
  FIELDS,
  isTitleTaken,
  nextDates,
  nextDueAfterEdit,
  readEditForm,
  settingsFingerprint,
  rhythmOf,
  settingsOf,
  type CadenceSettings,
  type EditFormValues,
} from "../../src/cadences/editing.js";
import { editCadenceModal, summaryMrkdwn } from "../../src/cadences/edit-modal.js";
import { RecurrenceSchema, type Recurrence } from "../../src/cadences/recurrence.js";
import { plainSchedule, type Schedule } from "../../src/cadences/schedule.js";

const rule = (input: unknown): Recurrence => RecurrenceSchema.parse(input);
const at = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

const mondays = rule({ kind: "weekly", weekdays: ["monday"], time: "09:00" });

const settings = (extra: Partial<CadenceSettings> = {}): CadenceSettings =>
  settingsOf({
    title: "Pipeline check",
    recurrence: mondays,
    timezone: "America/New_York",
    channelId: "C0REVENUE",
    reminderOffsetsMinutes: [60, 1440],
    escalationGraceMinutes: 1440,
    driSlackUserId: "U0BOB",
    backupSlackUserId: null,
    holidayPolicy: "move",
    ...extra,
  });

/** The modal's state values as Slack sends them, one element per block under action_id "value". */
function form(fields: Record<string, Record<string, unknown>>): EditFormValues {
  return Object.fromEntries(
    Object.entries(fields).map(([block, state]) => [block, { value: state }]),
  );
}

const base = {
  [FIELDS.title]: { type: "plain_text_input", value: "Pipeline check" },
  [FIELDS.rhythm]: { type: "static_select", selected_option: { value: "weekly" } },
  [FIELDS.weekdays]: { type: "checkboxes", selected_options: [{ value: "monday" }] },
  [FIELDS.every]: { type: "number_input", value: null },
  [FIELDS.dayOfMonth]: { type: "number_input", value: null },
  [FIELDS.nth]: { type: "static_select", selected_option: null },
  [FIELDS.nthWeekday]: { type: "static_select", selected_option: null },
  [FIELDS.time]: { type: "timepicker", selected_time: "09:00" },
  [FIELDS.timezone]: { type: "plain_text_input", value: "America/New_York" },
  [FIELDS.channel]: { type: "conversations_select", selected_conversation: "C0REVENUE" },
  [FIELDS.reminders]: {
    type: "multi_static_select",
    selected_options: [{ value: "1440" }, { value: "60" }],
  },
  [FIELDS.grace]: { type: "number_input", value: "24" },
  [FIELDS.dri]: { type: "users_select", selected_user: "U0BOB" },
  [FIELDS.backup]: { type: "users_select", selected_user: null },
  [FIELDS.holidays]: { type: "radio_buttons", selected_option: { value: "move" } },
};

const context = { titleEditable: true, previous: settings(), today: "2026-11-30" };

describe("reading the edit modal", () => {
  it("reads an unchanged form back into the cadence's settings", () => {
    expect(readEditForm(form(base), context)).toEqual({ ok: true, settings: settings() });
  });

  it("maps each rhythm to its recurrence, ignoring the fields it does not need", () => {
    const read = (extra: Record<string, Record<string, unknown>>) => {
      const reading = readEditForm(form({ ...base, ...extra }), context);
      if (!reading.ok) throw new Error(JSON.stringify(reading.errors));
      return reading.settings.recurrence;
    };
    expect(
      read({
        [FIELDS.rhythm]: { selected_option: { value: "every_n_weeks" } },
        [FIELDS.weekdays]: { selected_options: [{ value: "thursday" }, { value: "tuesday" }] },
        [FIELDS.every]: { value: "2" },
        [FIELDS.dayOfMonth]: { value: "12" },
      }),
    ).toEqual({
      kind: "weekly",
      weekdays: ["thursday", "tuesday"],
      time: "09:00",
      everyWeeks: 2,
      anchor: "2026-11-30",
    });
    expect(
      read({
        [FIELDS.rhythm]: { selected_option: { value: "monthly_day" } },
        [FIELDS.dayOfMonth]: { value: "15" },
        [FIELDS.time]: { selected_time: "14:30" },
      }),
    ).toEqual({
      kind: "monthly",
      time: "14:30",
      on: { type: "day", day: 15 },
      everyMonths: 1,
      startMonth: 1,
    });
    expect(
      read({
        [FIELDS.rhythm]: { selected_option: { value: "monthly_nth" } },
        [FIELDS.nth]: { selected_option: { value: "-1" } },
        [FIELDS.nthWeekday]: { selected_option: { value: "friday" } },
        [FIELDS.every]: { value: "3" },
      }),
    ).toEqual({
      kind: "monthly",
      time: "09:00",
      on: { type: "weekday", nth: -1, weekday: "friday" },
      everyMonths: 3,
      startMonth: 1,
    });
    expect(
      read({
        [FIELDS.rhythm]: { selected_option: { value: "after_completion" } },
        [FIELDS.every]: { value: "6" },
      }),
    ).toEqual({ kind: "after-completion", months: 6, time: "09:00" });
  });

  it("keeps a quarterly cadence's start month and an every-N-weeks anchor when they are edited", () => {
    const quarterly = rule({
      kind: "monthly",
      time: "11:00",
      on: { type: "weekday", nth: 1, weekday: "tuesday" },
      everyMonths: 3,
      startMonth: 2,
    });
    const reading = readEditForm(
      form({
        ...base,
        [FIELDS.rhythm]: { selected_option: { value: "monthly_nth" } },
        [FIELDS.nth]: { selected_option: { value: "2" } },
        [FIELDS.nthWeekday]: { selected_option: { value: "tuesday" } },
        [FIELDS.every]: { value: "3" },
      }),
      { ...context, previous: settings({ recurrence: quarterly }) },
    );
    expect(reading.ok && reading.settings.recurrence).toMatchObject({
      everyMonths: 3,
      startMonth: 2,
      on: { nth: 2 },
    });
    const fortnightly = rule({
      kind: "weekly",
      weekdays: ["monday"],
      time: "09:00",
      everyWeeks: 2,
      anchor: "2026-01-12",
    });
    const again = readEditForm(
      form({
        ...base,
        [FIELDS.rhythm]: { selected_option: { value: "every_n_weeks" } },
        [FIELDS.every]: { value: "2" },
      }),
      { ...context, previous: settings({ recurrence: fortnightly }) },
    );
    expect(again.ok && again.settings.recurrence).toMatchObject({ anchor: "2026-01-12" });
  });

  it("refuses under 1 hour of escalation, and reminders that are not the modal's options", () => {
    const reading = readEditForm(
      form({
        ...base,
        [FIELDS.grace]: { value: "0.001" },
        [FIELDS.reminders]: { selected_options: [{ value: "43200" }, { value: "60" }] },
      }),
      context,
    );
    expect(reading).toEqual({
      ok: false,
      errors: {
        [FIELDS.grace]: "Give the hours after the due time, from 1 to 336.",
        [FIELDS.reminders]: "Choose reminders from the list.",
      },
    });
    // An offset the cadence already had is one of the modal's options: it may stay.
    const kept = readEditForm(
      form({ ...base, [FIELDS.reminders]: { selected_options: [{ value: "90" }] } }),
      { ...context, previous: settings({ reminderOffsetsMinutes: [90] }) },
    );
    expect(kept.ok && kept.settings.reminderOffsetsMinutes).toEqual([90]);
  });

  it("fingerprints the editable settings, not the order of reminders", () => {
    expect(settingsFingerprint(settings())).toBe(settingsFingerprint(settings()));
    expect(settingsFingerprint(settings({ channelId: "C0SALES" }))).not.toBe(
      settingsFingerprint(settings()),
    );
    expect(settingsFingerprint(settings({ escalationGraceMinutes: 120 }))).not.toBe(
      settingsFingerprint(settings()),
    );
  });

  it("gives an error under each field that is missing or wrong for the chosen rhythm", () => {
    const reading = readEditForm(
      form({
        ...base,
        [FIELDS.title]: { value: "  " },
        [FIELDS.rhythm]: { selected_option: { value: "every_n_weeks" } },
        [FIELDS.weekdays]: { selected_options: [] },
        [FIELDS.every]: { value: "1" },
        [FIELDS.timezone]: { value: "Mars/Olympus" },
        [FIELDS.grace]: { value: "0" },
        [FIELDS.backup]: { selected_user: "U0BOB" },
      }),
      context,
    );
    expect(reading).toEqual({
      ok: false,
      errors: {
        [FIELDS.title]: "Give the cadence a title.",
        [FIELDS.weekdays]: "Tick at least one weekday.",
        [FIELDS.every]: "For this rhythm, N is a whole number of weeks from 2 to 8.",
        [FIELDS.timezone]:
          '"Mars/Olympus" is not a timezone: use an IANA name such as America/New_York or Europe/Paris.',
        [FIELDS.grace]: "Give the hours after the due time, from 1 to 336.",
        [FIELDS.backup]: "The backup must be someone else than the DRI.",
      },
    });
    const monthly = readEditForm(
      form({
        ...base,
        [FIELDS.rhythm]: { selected_option: { value: "monthly_nth" } },
        [FIELDS.time]: { selected_time: null },
      }),
      context,
    );
    expect(monthly.ok ? null : Object.keys(monthly.errors).sort()).toEqual(
      [FIELDS.nth, FIELDS.nthWeekday, FIELDS.time].sort(),
    );
    const noRhythm = readEditForm(
      form({ ...base, [FIELDS.rhythm]: { selected_option: null } }),
      context,
    );
    expect(noRhythm.ok ? null : noRhythm.errors[FIELDS.rhythm]).toBe(
      "Choose how often the cadence comes round.",
    );
  });

  it("keeps a standard cadence's title whatever the form says", () => {
    const reading = readEditForm(form({ ...base, [FIELDS.title]: { value: "Renamed" } }), {
      ...context,
      titleEditable: false,
      previous: settings({ title: "Weekly funnel review" }),
    });
    expect(reading.ok && reading.settings.title).toBe("Weekly funnel review");
  });

  it("round-trips through the modal: what it pre-fills reads back as the same settings", () => {
    const quarterly = settings({
      recurrence: rule({
        kind: "monthly",
        time: "11:00",
        on: { type: "weekday", nth: 1, weekday: "tuesday" },
        everyMonths: 3,
      }),
      reminderOffsetsMinutes: [90, 10080],
      backupSlackUserId: "U0CAROL",
      holidayPolicy: "skip",
    });
    const view = editCadenceModal({
      meta: { cadenceId: "c1", fromHome: false, fingerprint: "f" },
      settings: quarterly,
      titleEditable: true,
    });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    // What Slack would send back for the initial values.
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of view.blocks as Array<{
      type: string;
      block_id?: string;
      label?: { type: string };
      element?: Record<string, unknown>;
    }>) {
      if (block.type !== "input") continue;
      const e = block.element!;
      expect(block.label!.type).toBe("plain_text");
      values[block.block_id!] = {
        value: e.initial_value ?? null,
        selected_option: e.initial_option ?? null,
        selected_options: e.initial_options ?? [],
        selected_time: e.initial_time ?? null,
        selected_user: e.initial_user ?? null,
        selected_conversation: e.initial_conversation ?? null,
      };
    }
    const reading = readEditForm(form(values), { ...context, previous: quarterly });
    expect(reading).toEqual({ ok: true, settings: quarterly });
    expect(rhythmOf(quarterly.recurrence)).toBe("monthly_nth");
  });
});

describe("what an edit changed", () => {
  it("says each difference as before → after, in one line a person reads", () => {
    const after = settings({
      recurrence: rule({ kind: "weekly", weekdays: ["tuesday"], time: "14:00" }),
      channelId: "C0SALES",
      reminderOffsetsMinutes: [2880],
      driSlackUserId: "U0CAROL",
      holidayPolicy: "skip",
    });
    expect(describeChanges(settings(), after)).toEqual([
      "rhythm: Mondays at 09:00 → Tuesdays at 14:00",
      "channel: <#C0REVENUE> → <#C0SALES>",
      "reminders: 1 day, 1 hour → 2 days",
      "DRI: <@U0BOB> → <@U0CAROL>",
      "holidays: move → skip",
    ]);
    expect(describeChanges(settings(), settings())).toEqual([]);
  });

  it("escapes what people typed in a title, and keeps our own mentions live", () => {
    expect(
      describeChanges(
        settings({ title: "Sync" }),
        settings({ title: "Sync <@U0CAROL> <#C0SECRET> & <!channel>", driSlackUserId: "U0CAROL" }),
      ),
    ).toEqual([
      "title: Sync → Sync &lt;@U0CAROL&gt; &lt;#C0SECRET&gt; &amp; &lt;!channel&gt;",
      "DRI: <@U0BOB> → <@U0CAROL>",
    ]);
  });

  it("shows a stored summary as stored, escaping only markup that is not ours", () => {
    expect(summaryMrkdwn("title: a &lt;@U0CAROL&gt; &amp; b → <@U0BOB> in <#C0SALES>")).toBe(
      "title: a &lt;@U0CAROL&gt; &amp; b → <@U0BOB> in <#C0SALES>",
    );
    expect(summaryMrkdwn("title: <!channel> & co @here")).toBe(
      "title: &lt;!channel&gt; &amp; co @\u2060here",
    );
  });
});

describe("where the next due date goes after an edit", () => {
  const tuesdays = (): Schedule =>
    plainSchedule(
      rule({ kind: "weekly", weekdays: ["tuesday"], time: "14:00" }),
      "America/New_York",
    );
  const input = {
    active: true,
    lastCompletedAt: null,
    latestMaterialisedDueAt: null,
    awaitingCompletion: false,
    changedDueAts: [],
  };
  const mondaysAt10 = (): Schedule =>
    plainSchedule(
      rule({ kind: "weekly", weekdays: ["monday"], time: "10:00" }),
      "America/New_York",
    );

  it("counts an occurrence the edit materialised at its due time as today's", () => {
    // Monday 09:00 New York, due and materialised by the edit itself at 09:00:30; now 10:00.
    expect(
      nextDueAfterEdit({
        ...input,
        nextDueAt: at("2026-11-30T14:00:00Z"),
        now: at("2026-11-30T14:00:30Z"),
        schedule: mondaysAt10(),
        latestMaterialisedDueAt: at("2026-11-30T14:00:00Z"),
      }),
    ).toEqual(at("2026-12-07T15:00:00Z"));
  });

  it("counts an occurrence skipped or moved away today as today's", () => {
    expect(
      nextDueAfterEdit({
        ...input,
        nextDueAt: at("2026-12-07T14:00:00Z"),
        now: at("2026-11-30T14:30:00Z"),
        schedule: mondaysAt10(),
        changedDueAts: [at("2026-11-30T14:00:00Z")],
      }),
    ).toEqual(at("2026-12-07T15:00:00Z"));
    // One changed yesterday does not count.
    expect(
      nextDueAfterEdit({
        ...input,
        nextDueAt: at("2026-12-07T14:00:00Z"),
        now: at("2026-11-30T14:30:00Z"),
        schedule: mondaysAt10(),
        changedDueAts: [at("2026-11-29T14:00:00Z")],
      }),
    ).toEqual(at("2026-11-30T15:00:00Z"));
  });

  it("follows the new rhythm from now when nothing is due", () => {
    expect(
      nextDueAfterEdit({
        ...input,
        nextDueAt: at("2026-11-30T14:00:00Z"),
        now: at("2026-11-30T13:59:00Z"),
        schedule: tuesdays(),
      }),
    ).toEqual(at("2026-12-01T19:00:00Z"));
  });

  it("never makes a second occurrence on a day that already had one", () => {
    const mondaysAt15 = plainSchedule(
      rule({ kind: "weekly", weekdays: ["monday"], time: "15:00" }),
      "America/New_York",
    );
    expect(
      nextDueAfterEdit({
        ...input,
        nextDueAt: at("2026-12-07T14:00:00Z"),
        now: at("2026-11-30T15:00:00Z"),
        schedule: mondaysAt15,
        latestMaterialisedDueAt: at("2026-11-30T14:00:00Z"),
      }),
    ).toEqual(at("2026-12-07T20:00:00Z"));
    // Without an occurrence today, today's later time is fine.
    expect(
      nextDueAfterEdit({
        ...input,
        nextDueAt: at("2026-12-07T14:00:00Z"),
        now: at("2026-11-30T15:00:00Z"),
        schedule: mondaysAt15,
        latestMaterialisedDueAt: at("2026-11-23T14:00:00Z"),
      }),
    ).toEqual(at("2026-11-30T20:00:00Z"));
  });

  it("has no dates while paused, and waits for a completion rule's outstanding occurrence", () => {
    const review = plainSchedule(
      rule({ kind: "after-completion", months: 6, time: "10:00" }),
      "America/New_York",
    );
    const now = at("2026-11-30T15:00:00Z");
    expect(
      nextDueAfterEdit({ ...input, active: false, nextDueAt: null, now, schedule: review }),
    ).toBe(null);
    expect(
      nextDueAfterEdit({
        ...input,
        nextDueAt: null,
        now,
        schedule: review,
        latestMaterialisedDueAt: at("2026-10-01T14:00:00Z"),
        awaitingCompletion: true,
      }),
    ).toBe(null);
    expect(
      nextDueAfterEdit({
        ...input,
        nextDueAt: null,
        now,
        schedule: review,
        lastCompletedAt: at("2026-10-01T14:00:00Z"),
        latestMaterialisedDueAt: at("2026-10-01T14:00:00Z"),
      }),
    ).toEqual(at("2027-04-01T14:00:00Z"));
  });

  it("drops upcoming skipped and moved dates that are not on the new rhythm", () => {
    const now = at("2026-11-30T15:00:00Z");
    const exceptions = [
      { originalDueAt: at("2026-12-08T19:00:00Z"), kind: "skipped" as const, movedToAt: null },
      { originalDueAt: at("2026-12-07T14:00:00Z"), kind: "skipped" as const, movedToAt: null },
      {
        originalDueAt: at("2026-12-14T14:00:00Z"),
        kind: "moved" as const,
        movedToAt: at("2026-12-15T14:00:00Z"),
      },
      { originalDueAt: at("2026-11-23T14:00:00Z"), kind: "skipped" as const, movedToAt: null },
    ];
    expect(
      exceptionsOffGrid(tuesdays().recurrence, "America/New_York", exceptions, now).map((e) =>
        e.originalDueAt.toISOString(),
      ),
    ).toEqual(["2026-12-07T14:00:00.000Z", "2026-12-14T14:00:00.000Z"]);
  });

  it("lists the next three dates from the next due date on", () => {
    expect(iso(nextDates(tuesdays(), at("2026-12-01T19:00:00Z"), 3))).toEqual([
      "2026-12-01T19:00:00.000Z",
      "2026-12-08T19:00:00.000Z",
      "2026-12-15T19:00:00.000Z",
    ]);
    expect(nextDates(tuesdays(), null, 3)).toEqual([]);
  });
});

describe("titles", () => {
  it("refuses a title another cadence has, whatever its case and spacing", () => {
    expect(isTitleTaken("pipeline  CHECK", ["Pipeline check"])).toBe(true);
    expect(isTitleTaken("Pipeline checks", ["Pipeline check"])).toBe(false);
  });

  it("frees an archived cadence's title with the date, counting up when archived twice a day", () => {
    expect(archivedTitle("Pipeline check", "2026-11-30", [])).toBe(
      "Pipeline check (archived 2026-11-30)",
    );
    expect(
      archivedTitle("Pipeline check", "2026-11-30", ["Pipeline check (archived 2026-11-30)"]),
    ).toBe("Pipeline check (archived 2026-11-30, 2)");
  });
});
