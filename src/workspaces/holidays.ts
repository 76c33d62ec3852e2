// The workspace's holidays (non-working dates): admins add and remove them, anyone lists them.
// A cadence's effective schedule (src/cadences/schedule.ts) moves or skips an occurrence on one,
// per its holidayPolicy; after a change every running cadence's next due date follows at once.
import type { Clock } from "../clock.js";
import { isCadenceAdmin, type Actor } from "../cadences/rules.js";
import { localDate, nextDueWithHolidays } from "../cadences/schedule.js";
import { loadSchedules, recordHistory } from "../cadences/store.js";
import { formatInstant, titleText } from "../cadences/views.js";
import { readLocalDate } from "../cadences/absences.js";
import type { Db } from "../db/client.js";
import { refuse, type Result } from "../refusals.js";
import { escapeInline, inlineCode } from "../slack/mrkdwn.js";
import { workspaceTimezone } from "./store.js";
import { subcommand, type Parsed } from "../slack/subcommands.js";

export interface HolidayDeps {
  db: Db;
  clock: Clock;
  adminUserIds: readonly string[];
  onScheduleChanged(): void;
}

/** A holiday's name as people read it: one line, at most 80 characters, escaped when shown. */
const NAME_MAX = 80;

async function workspaceToday(deps: Pick<HolidayDeps, "db" | "clock">, slackTeamId: string) {
  return localDate(deps.clock.now(), await workspaceTimezone(deps.db, slackTeamId, "UTC"));
}

/**
 * Where each running cadence of the workspace is next due once `date` is added to (or removed
 * from) its holidays. A due date already reached stays: the scheduler fires it.
 */
async function plannedMoves(
  db: Db,
  slackTeamId: string,
  now: Date,
  change: { kind: "add" | "remove"; date: string },
) {
  const cadences = await db.cadence.findMany({
    where: { slackTeamId, active: true, archivedAt: null, nextDueAt: { gt: now } },
  });
  const schedules = await loadSchedules(db, cadences, now);
  return cadences.flatMap((cadence) => {
    const schedule = schedules.get(cadence.id)!;
    const holidays = new Set(schedule.holidays);
    if (change.kind === "add") holidays.add(change.date);
    else holidays.delete(change.date);
    const from = cadence.nextDueAt!;
    const to = nextDueWithHolidays(schedule, holidays, from, now, cadence.lastCompletedAt);
    return to && to.getTime() !== from.getTime() ? [{ cadence, from, to }] : [];
  });
}

type Move = Awaited<ReturnType<typeof plannedMoves>>[number];

/**
 * Moves the next due dates, each with a compare-and-set (a cadence the scheduler fired meanwhile
 * is left to it), and records each move in the cadence's history.
 */
async function applyMoves(
  tx: Parameters<Parameters<Db["$transaction"]>[0]>[0],
  moves: readonly Move[],
  actor: Actor,
  now: Date,
  reason: string,
): Promise<Move[]> {
  const moved: Move[] = [];
  for (const move of moves) {
    const { cadence, from, to } = move;
    const updated = await tx.cadence.updateMany({
      where: { id: cadence.id, nextDueAt: from },
      data: { nextDueAt: to },
    });
    if (updated.count !== 1) continue;
    await recordHistory(tx, {
      cadenceId: cadence.id,
      changedBy: actor.slackUserId,
      at: now,
      summary: `next date ${formatInstant(from, cadence.timezone)} became ${formatInstant(to, cadence.timezone)}: ${reason}`,
      before: { nextDueAt: from.toISOString() },
      after: { nextDueAt: to.toISOString() },
    });
    moved.push(move);
  }
  return moved;
}

/** One line per cadence whose next date moved: "*Weekly funnel review*: Mon, Dec 7 → Tue, Dec 8". */
const movedNote = (moved: readonly Move[]) =>
  [...moved]
    .sort((a, b) => a.cadence.title.localeCompare(b.cadence.title))
    .map(
      ({ cadence, from, to }) =>
        `\n• ${titleText(cadence.title)}: ${formatInstant(from, cadence.timezone)} → ${formatInstant(to, cadence.timezone)}`,
    )
    .join("");

export async function addHoliday(
  deps: HolidayDeps,
  slackTeamId: string,
  actor: Actor,
  input: { date: string; name: string },
): Promise<Result<{ message: string }>> {
  if (!isCadenceAdmin(actor, deps.adminUserIds)) return refuse("not-admin");
  const today = await workspaceToday(deps, slackTeamId);
  const date = readLocalDate(input.date, today);
  if (!date) return refuse("bad-date", { text: input.date });
  if (date < today) return refuse("holiday-past", { date });
  const existing = await deps.db.holiday.findUnique({
    where: { slackTeamId_date: { slackTeamId, date } },
  });
  if (existing) return refuse("holiday-exists", { date, name: existing.name });
  const now = deps.clock.now();
  const name = input.name.trim().slice(0, NAME_MAX);
  const moves = await plannedMoves(deps.db, slackTeamId, now, { kind: "add", date });
  const moved = await deps.db.$transaction(async (tx) => {
    await tx.holiday.create({
      data: { slackTeamId, date, name, createdBySlackUserId: actor.slackUserId, createdAt: now },
    });
    return applyMoves(tx, moves, actor, now, `holiday ${date} added`);
  });
  deps.onScheduleChanged();
  return {
    ok: true,
    message: `${date} (*${escapeInline(name)}*) is a holiday: cadences due that day move to the next working day, or are skipped where set so.${movedNote(moved)}`,
  };
}

export async function removeHoliday(
  deps: HolidayDeps,
  slackTeamId: string,
  actor: Actor,
  input: { date: string },
): Promise<Result<{ message: string }>> {
  if (!isCadenceAdmin(actor, deps.adminUserIds)) return refuse("not-admin");
  const today = await workspaceToday(deps, slackTeamId);
  const date = readLocalDate(input.date, today);
  if (!date) return refuse("bad-date", { text: input.date });
  const now = deps.clock.now();
  const moves = await plannedMoves(deps.db, slackTeamId, now, { kind: "remove", date });
  const result = await deps.db.$transaction(async (tx) => {
    const removed = await tx.holiday.deleteMany({ where: { slackTeamId, date } });
    if (removed.count === 0) return null;
    return applyMoves(tx, moves, actor, now, `holiday ${date} removed`);
  });
  if (result === null) return refuse("no-holiday", { date });
  deps.onScheduleChanged();
  return {
    ok: true,
    message: `${date} is no longer a holiday.${movedNote(result)}`,
  };
}

/** Holidays from today on, soonest first. */
export async function upcomingHolidays(
  deps: Pick<HolidayDeps, "db" | "clock">,
  slackTeamId: string,
) {
  const today = await workspaceToday(deps, slackTeamId);
  return deps.db.holiday.findMany({
    where: { slackTeamId, date: { gte: today } },
    orderBy: { date: "asc" },
    take: 100,
  });
}

export type HolidayCommand =
  { kind: "list" } | { kind: "add"; date: string; name: string } | { kind: "remove"; date: string };

/** `list`, `add <date> <name>`, `remove <date>`. */
export function parseHoliday(args: string): Parsed<HolidayCommand> {
  const [action = "", date = "", ...rest] = args.trim().split(/\s+/);
  const name = rest.join(" ").trim();
  switch (action.toLowerCase()) {
    case "":
    case "list":
      return { ok: true, input: { kind: "list" } };
    case "add":
      if (!date || !name)
        return { ok: false, problem: "Give the date and a name, e.g. `2026-12-25 Christmas`." };
      return { ok: true, input: { kind: "add", date, name } };
    case "remove":
      if (!date || name) return { ok: false, problem: "Give the one date to remove." };
      return { ok: true, input: { kind: "remove", date } };
    default:
      return { ok: false, problem: "Say `add`, `list` or `remove`." };
  }
}

export const holidaySubcommands = [
  subcommand<HolidayCommand>({
    name: "holiday",
    aliases: ["holidays"],
    usage: "/cadence holiday add <YYYY-MM-DD> <name> | list | remove <YYYY-MM-DD>",
    description:
      "Workspace holidays: cadences due that day move to the next working day, or skip (admins change, anyone lists).",
    parse: parseHoliday,
    run: async (input, { deps, teamId, actor }) => {
      const holidayDeps: HolidayDeps = {
        db: deps.db,
        clock: deps.clock,
        adminUserIds: deps.config.adminUserIds,
        onScheduleChanged: () => deps.onScheduleChanged(),
      };
      if (input.kind === "list") {
        const holidays = await upcomingHolidays(holidayDeps, teamId);
        if (holidays.length === 0)
          return {
            text: `No upcoming holidays. An admin adds one with ${inlineCode("/cadence holiday add 2026-12-25 Christmas")}.`,
          };
        return {
          text: `Upcoming holidays:\n${holidays.map((h) => `• ${h.date}: ${escapeInline(h.name)}`).join("\n")}`,
        };
      }
      const result =
        input.kind === "add"
          ? await addHoliday(holidayDeps, teamId, await actor(), input)
          : await removeHoliday(holidayDeps, teamId, await actor(), input);
      return { text: result.ok ? `:calendar: ${result.message}` : result.message };
    },
  }),
];
