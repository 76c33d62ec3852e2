// Use cases of the speed-to-lead watch that people reach: snoozing a lead, the live board, the
// Home tab's figures. (The sweep is ./watch.ts, the write path's hook ./arrivals.ts.)
import { DateTime } from "luxon";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { refuse, type Result } from "../refusals.js";
import { escapeInline } from "../slack/mrkdwn.js";
import {
  compliance,
  nextStepOf,
  outcomeOf,
  planFor,
  SNOOZE_MS,
  stepDueTimes,
  WATCH_HORIZON_MS,
  type SlaOutcome,
} from "./rules.js";
import { calendarOf, loadSlaContext, ownersOf, teamKey, type SlaContext } from "./store.js";
import type { BoardLine, OpenBreach } from "./views.js";

/** "Snooze 10 min": the owner is reminded then, if the lead is still untouched. */
export async function snoozeLead(
  deps: { db: Db; clock: Clock },
  slackTeamId: string,
  crmId: string,
): Promise<Result<{ message: string; until: Date }>> {
  const now = deps.clock.now();
  const where = { slackTeamId_crmId: { slackTeamId, crmId } };
  const watch = await deps.db.slaWatch.findUnique({ where });
  if (!watch) return refuse("sla-lead-not-watched", { crmId });
  if (watch.status !== "open") return refuse("sla-lead-touched", { crmId });
  const until = new Date(now.getTime() + SNOOZE_MS);
  // A step already in a batch being sent keeps its place; the batch's end schedules the reminder.
  const next = watch.batchKey ? null : nextStepOf({ ...watch, snoozedUntil: until });
  const updated = await deps.db.slaWatch.updateMany({
    where: { slackTeamId, crmId, status: "open", batchKey: watch.batchKey },
    data: {
      snoozedUntil: until,
      ...(watch.batchKey ? {} : { nextStep: next?.step ?? null, nextDueAt: next?.dueAt ?? null }),
    },
  });
  if (updated.count === 0) return refuse("sla-lead-touched", { crmId });
  return {
    ok: true,
    until,
    message: `Snoozed: if ${escapeInline(crmId, 100)} is still untouched in 10 minutes, I'll remind you.`,
  };
}

export interface SlaFigures {
  today: string;
  /** Every team's line (the workspace's first), or only the asker's teams. */
  lines: BoardLine[];
  open: OpenBreach[];
}

interface TodayLead {
  crmId: string;
  mqlAt: Date;
  firstTouchAt: Date | null;
  owner: string | null;
  team: string | null;
  source: string | null;
}

/** Whose figures: every team's or only the viewer's teams; everyone's open breaches or theirs. */
export interface FiguresScope {
  slackUserId?: string;
  allTeams: boolean;
}

/**
 * Today's compliance (leads with an MQL time today in the workspace's timezone) by team, and the
 * open breaches, as `scope` allows.
 */
export async function slaFigures(
  db: Db,
  slackTeamId: string,
  now: Date,
  scope: FiguresScope,
): Promise<SlaFigures | null> {
  const context = await loadSlaContext(db, slackTeamId);
  if (!context) return null;
  const startOfDay = DateTime.fromJSDate(now, { zone: context.timezone }).startOf("day");
  const leads: TodayLead[] = await db.lead.findMany({
    where: { slackTeamId, mqlAt: { gte: startOfDay.toJSDate(), lte: now } },
    select: { crmId: true, mqlAt: true, firstTouchAt: true, owner: true, team: true, source: true },
  });
  const watches = new Map(
    (
      await db.slaWatch.findMany({
        where: { slackTeamId, mqlAt: { gte: startOfDay.toJSDate(), lte: now } },
        select: { crmId: true, slaDueAt: true, status: true, touchedAt: true },
      })
    ).map((w) => [w.crmId, w]),
  );
  const owners = await ownersOf(
    db,
    slackTeamId,
    leads.map((lead) => lead.owner),
  );
  const mine = scope.slackUserId ? await viewerKeys(db, slackTeamId, scope.slackUserId) : null;
  const outcomes: Array<{ team: string; outcome: SlaOutcome }> = [];
  for (const lead of leads) {
    const outcome = leadOutcome(context, lead, watches.get(lead.crmId), owners, now);
    if (outcome) outcomes.push({ team: lead.team ?? "(no team)", outcome });
  }
  const myTeams =
    mine && !scope.allTeams
      ? new Set(
          leads
            .filter((lead) => lead.owner && mine.owners.has(lead.owner.toLowerCase()))
            .map((lead) => teamKey(lead.team ?? "(no team)"))
            .concat(mine.managedTeams.map(teamKey)),
        )
      : null;
  const teams = [...new Set(outcomes.map((o) => o.team))]
    .filter((team) => !myTeams || myTeams.has(teamKey(team)))
    .sort();
  const lines: BoardLine[] = [
    ...(myTeams
      ? []
      : [{ label: "Everyone", compliance: compliance(outcomes.map((o) => o.outcome)) }]),
    ...teams.map((team) => ({
      label: team,
      compliance: compliance(outcomes.filter((o) => o.team === team).map((o) => o.outcome)),
    })),
  ];
  return {
    today: startOfDay.toISODate()!,
    lines,
    open: await openBreaches(db, slackTeamId, now, mine?.owners ?? null),
  };
}

function leadOutcome(
  context: SlaContext,
  lead: TodayLead,
  watch: { slaDueAt: Date; status: string; touchedAt: Date | null } | undefined,
  owners: Awaited<ReturnType<typeof ownersOf>>,
  now: Date,
): SlaOutcome | null {
  if (watch) return outcomeOf({ ...watch, touchedAt: watch.touchedAt ?? lead.firstTouchAt }, now);
  // A lead that arrived already touched was never watched: its SLA is worked out the same way.
  const plan = planFor(context.settings, lead.source);
  if (!plan) return null;
  const calendar = calendarOf(context, owners.get(lead.owner ?? "")?.timezone ?? null);
  const due = stepDueTimes(lead.mqlAt, plan, calendar);
  if (!due) return null;
  return outcomeOf({ slaDueAt: due.slaDueAt, touchedAt: lead.firstTouchAt, status: "open" }, now);
}

/** What identifies a viewer in leads (their id, their email) and the teams they manage. */
async function viewerKeys(db: Db, slackTeamId: string, slackUserId: string) {
  const person = await db.person.findUnique({
    where: { slackTeamId_slackUserId: { slackTeamId, slackUserId } },
    select: { email: true },
  });
  const managed = await db.salesTeam.findMany({
    where: { slackTeamId, managerSlackUserId: slackUserId },
    select: { name: true },
  });
  return {
    owners: new Set([
      slackUserId.toLowerCase(),
      ...(person?.email ? [person.email.toLowerCase()] : []),
    ]),
    managedTeams: managed.map((t) => t.name),
  };
}

/** Untouched leads past their SLA within the watch's horizon, newest first. */
async function openBreaches(
  db: Db,
  slackTeamId: string,
  now: Date,
  owners: ReadonlySet<string> | null,
): Promise<OpenBreach[]> {
  const rows = await db.slaWatch.findMany({
    where: {
      slackTeamId,
      status: "open",
      mqlAt: { gte: new Date(now.getTime() - WATCH_HORIZON_MS) },
      slaDueAt: { lte: now },
    },
    orderBy: { mqlAt: "desc" },
  });
  const mine = owners
    ? rows.filter((row) => row.owner && owners.has(row.owner.toLowerCase()))
    : rows;
  const people = await ownersOf(
    db,
    slackTeamId,
    mine.map((row) => row.owner),
  );
  return mine.map((row) => ({
    crmId: row.crmId,
    source: row.source,
    ownerSlackUserId: people.get(row.owner ?? "")?.slackUserId ?? null,
    ownerText: row.owner,
    mqlAt: row.mqlAt,
    reachedStep: row.reachedStep,
  }));
}
