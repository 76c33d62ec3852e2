import { describe, expect, it } from "vitest";
import {
  checkAbsenceRange,
  coverFor,
  coverPhase,
  daysInRange,
  escalationRecipients,
  isAway,
  readLocalDate,
  reminderRecipient,
  rangeToEnd,
  type AbsenceRange,
} from "../../src/cadences/absences.js";
import { parseAway } from "../../src/cadences/absence-subcommands.js";
import { parseHoliday } from "../../src/workspaces/holidays.js";

const range = (extra: Partial<AbsenceRange> = {}): AbsenceRange => ({
  id: "a1",
  slackUserId: "U0BOB",
  startsOn: "2026-12-21",
  endsOn: "2026-12-24",
  endedAt: null,
  ...extra,
});

const TODAY = "2026-12-01";

describe("reading away dates", () => {
  it("reads YYYY-MM-DD, today and tomorrow, and nothing else", () => {
    expect(readLocalDate("2026-12-24", TODAY)).toBe("2026-12-24");
    expect(readLocalDate("Today", TODAY)).toBe(TODAY);
    expect(readLocalDate("tomorrow", "2026-12-31")).toBe("2027-01-01");
    expect(readLocalDate("2026-02-30", TODAY)).toBeNull();
    expect(readLocalDate("24/12/2026", TODAY)).toBeNull();
    expect(readLocalDate("next week", TODAY)).toBeNull();
  });

  it("counts days by the calendar, so a daylight-saving change inside a range changes nothing", () => {
    expect(daysInRange("2026-03-28", "2026-03-30")).toBe(3);
    expect(daysInRange("2026-10-24", "2026-10-26")).toBe(3);
    expect(daysInRange("2026-12-24", "2026-12-24")).toBe(1);
  });
});

describe("checking a new range", () => {
  const check = (from: string, to: string, existing: AbsenceRange[] = []) =>
    checkAbsenceRange({ slackUserId: "U0BOB", from, to }, TODAY, existing);

  it("accepts a range from today or later", () => {
    expect(check("today", "2026-12-05")).toEqual({
      ok: true,
      startsOn: TODAY,
      endsOn: "2026-12-05",
    });
  });

  it("accepts a range that began earlier but is not over", () => {
    expect(check("2026-11-28", "2026-12-02").ok).toBe(true);
  });

  it("refuses a date that is not one, a reversed range, a past one and a too long one", () => {
    expect(check("2026-13-01", "2026-12-05")).toMatchObject({ ok: false, code: "bad-date" });
    expect(check("2026-12-05", "2026-12-04")).toMatchObject({
      ok: false,
      code: "absence-reversed",
    });
    expect(check("2026-11-20", "2026-11-30")).toMatchObject({ ok: false, code: "absence-past" });
    expect(check("2026-12-01", "2027-03-01")).toMatchObject({
      ok: false,
      code: "absence-too-long",
    });
    expect(check("2026-12-01", "2027-02-28").ok).toBe(true);
  });

  it("refuses an overlap with an open range of the same person, touching days included", () => {
    const existing = [range()];
    expect(check("2026-12-24", "2026-12-28")).toMatchObject({ ok: true });
    expect(check("2026-12-24", "2026-12-28", existing)).toMatchObject({
      ok: false,
      code: "absence-overlap",
    });
    expect(check("2026-12-10", "2026-12-21", existing).ok).toBe(false);
    expect(check("2026-12-25", "2026-12-28", existing).ok).toBe(true);
    expect(check("2026-12-10", "2026-12-20", existing).ok).toBe(true);
  });

  it("ignores ranges ended early and other people's", () => {
    expect(
      check("2026-12-22", "2026-12-23", [
        range({ endedAt: new Date("2026-11-30T10:00:00Z") }),
        range({ slackUserId: "U0CAROL" }),
      ]).ok,
    ).toBe(true);
  });
});

describe("being away", () => {
  const zone = "America/New_York";

  it("is read by local date in the workspace's timezone, first and last day included", () => {
    const absences = [range()];
    expect(isAway(absences, "U0BOB", new Date("2026-12-21T05:00:00Z"), zone)).toBe(true);
    // 23:30 on the 20th in New York is already the 21st in UTC: not away yet.
    expect(isAway(absences, "U0BOB", new Date("2026-12-21T04:30:00Z"), zone)).toBe(false);
    expect(isAway(absences, "U0BOB", new Date("2026-12-25T04:59:00Z"), zone)).toBe(true);
    expect(isAway(absences, "U0BOB", new Date("2026-12-25T05:00:00Z"), zone)).toBe(false);
    expect(isAway(absences, "U0CAROL", new Date("2026-12-22T12:00:00Z"), zone)).toBe(false);
  });

  it("stops when the range is ended early", () => {
    const ended = [range({ endedAt: new Date("2026-12-22T15:00:00Z") })];
    expect(isAway(ended, "U0BOB", new Date("2026-12-22T14:59:00Z"), zone)).toBe(true);
    expect(isAway(ended, "U0BOB", new Date("2026-12-22T15:00:00Z"), zone)).toBe(false);
  });

  it("ends the current range first, else the next", () => {
    const later = range({ id: "later", startsOn: "2027-01-10", endsOn: "2027-01-12" });
    expect(rangeToEnd([later, range()], "U0BOB", TODAY)?.id).toBe("a1");
    expect(rangeToEnd([later], "U0BOB", TODAY)?.id).toBe("later");
    expect(rangeToEnd([later], "U0CAROL", TODAY)).toBeNull();
  });
});

describe("who covers", () => {
  const zone = "UTC";
  const cadence = { driSlackUserId: "U0BOB", backupSlackUserId: "U0CAROL" };
  const during = new Date("2026-12-22T12:00:00Z");
  const bobAway = [range()];
  const bothAway = [range(), range({ id: "a2", slackUserId: "U0CAROL" })];

  it("is the backup, else the admin channel when the backup is away too, else nobody", () => {
    expect(coverFor(cadence, bobAway, during, zone, "C0OPS")).toEqual({
      kind: "person",
      target: "U0CAROL",
    });
    expect(coverFor(cadence, bothAway, during, zone, "C0OPS")).toEqual({
      kind: "admin-channel",
      target: "C0OPS",
    });
    expect(
      coverFor({ ...cadence, backupSlackUserId: null }, bobAway, during, zone, undefined),
    ).toEqual({
      kind: "nobody",
    });
  });

  it("sends reminders to the DRI unless away, then to the cover, saying for whom, and to the DRI when nobody covers", () => {
    expect(reminderRecipient(cadence, [], during, zone, "C0OPS")).toEqual({
      target: "U0BOB",
      coveringFor: null,
      kind: "person",
    });
    expect(reminderRecipient(cadence, bobAway, during, zone, "C0OPS")).toEqual({
      target: "U0CAROL",
      coveringFor: "U0BOB",
      kind: "person",
    });
    expect(reminderRecipient(cadence, bothAway, during, zone, "C0OPS")).toEqual({
      target: "C0OPS",
      coveringFor: "U0BOB",
      kind: "admin-channel",
    });
    // Nobody can cover: the DRI still hears it, with no claim that someone covers.
    expect(reminderRecipient(cadence, bothAway, during, zone, undefined)).toEqual({
      target: "U0BOB",
      coveringFor: null,
      kind: "person",
    });
  });

  it("escalates to the backup and the admin channel, the admin channel alone when the backup is away", () => {
    expect(escalationRecipients(cadence, [], during, zone, "C0OPS")).toEqual(["U0CAROL", "C0OPS"]);
    expect(
      escalationRecipients(cadence, [range({ slackUserId: "U0CAROL" })], during, zone, "C0OPS"),
    ).toEqual(["C0OPS"]);
    expect(
      escalationRecipients(cadence, [range({ slackUserId: "U0CAROL" })], during, zone, undefined),
    ).toEqual([]);
  });

  it("tells the cover when a range runs and when it is over, not for one ended before it began", () => {
    expect(coverPhase(range(), new Date("2026-12-20T12:00:00Z"), zone)).toBeNull();
    expect(coverPhase(range(), during, zone)).toBe("start");
    expect(coverPhase(range(), new Date("2026-12-25T00:00:00Z"), zone)).toBe("end");
    const cancelled = range({ endedAt: new Date("2026-12-10T00:00:00Z") });
    expect(coverPhase(cancelled, new Date("2026-12-22T12:00:00Z"), zone)).toBeNull();
    const endedEarly = range({ endedAt: new Date("2026-12-22T15:00:00Z") });
    expect(coverPhase(endedEarly, new Date("2026-12-22T15:00:00Z"), zone)).toBe("end");
  });
});

describe("reading the commands", () => {
  it("reads /cadence away's forms", () => {
    expect(parseAway("")).toEqual({ ok: true, input: { kind: "list" } });
    expect(parseAway("list")).toEqual({ ok: true, input: { kind: "list" } });
    expect(parseAway("end")).toEqual({ ok: true, input: { kind: "end", person: null } });
    expect(parseAway("end <@U0BOB|bob>")).toEqual({
      ok: true,
      input: { kind: "end", person: "U0BOB" },
    });
    expect(parseAway("<@U0BOB> 2026-12-21 2026-12-24")).toEqual({
      ok: true,
      input: { kind: "set", person: "U0BOB", from: "2026-12-21", to: "2026-12-24" },
    });
    expect(parseAway("tomorrow")).toEqual({
      ok: true,
      input: { kind: "set", person: null, from: "tomorrow", to: "tomorrow" },
    });
    for (const between of ["to", "-", "–", "until"])
      expect(parseAway(`2026-12-24 ${between} 2027-01-02`)).toEqual({
        ok: true,
        input: { kind: "set", person: null, from: "2026-12-24", to: "2027-01-02" },
      });
    expect(parseAway("<!subteam^S1> 2026-12-21 2026-12-24").ok).toBe(false);
    expect(parseAway("<@U0BOB> <@U0CAROL> 2026-12-21").ok).toBe(false);
    expect(parseAway("a b c").ok).toBe(false);
  });

  it("reads /cadence holiday's forms", () => {
    expect(parseHoliday("add 2026-12-25 Christmas Day")).toEqual({
      ok: true,
      input: { kind: "add", date: "2026-12-25", name: "Christmas Day" },
    });
    expect(parseHoliday("list")).toEqual({ ok: true, input: { kind: "list" } });
    expect(parseHoliday("remove 2026-12-25")).toEqual({
      ok: true,
      input: { kind: "remove", date: "2026-12-25" },
    });
    expect(parseHoliday("add 2026-12-25").ok).toBe(false);
    expect(parseHoliday("delete 2026-12-25").ok).toBe(false);
  });
});
