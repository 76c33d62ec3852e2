// The lead write path's hook: after every import, ingest request or CRM sync, the leads it wrote
// (stamped updatedAt = its `now`) are matched against the watch. An untouched recent lead starts
// a watch with its steps' due times; a touch closes an open watch at once, so nothing more is sent.
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/errors.js";
import { arrivesLate, nextStepOf, planFor, stepDueTimes, WATCH_HORIZON_MS } from "./rules.js";
import { calendarOf, loadSlaContext, ownersOf, type SlaContext } from "./store.js";

/** Written leads matched against the watch at a time. */
const PAGE = 5_000;
/** Lead ids looked up per query among the watches. */
const IDS_PER_QUERY = 500;

interface ExistingWatch {
  crmId: string;
  status: string;
  owner: string | null;
  team: string | null;
  source: string | null;
}

interface WrittenLead {
  crmId: string;
  mqlAt: Date;
  firstTouchAt: Date | null;
  owner: string | null;
  team: string | null;
  source: string | null;
}

export interface WatchChanges {
  started: number;
  foundLate: number;
  closed: number;
}

export async function watchWrittenLeads(
  db: Db,
  slackTeamId: string,
  now: Date,
): Promise<WatchChanges> {
  const changes: WatchChanges = { started: 0, foundLate: 0, closed: 0 };
  const context = await loadSlaContext(db, slackTeamId);
  if (!context) return changes;
  // Only two kinds of written lead matter, and neither needs the whole import read back (a large
  // import of old leads writes none of them): recent untouched MQLs, which may start a watch, and
  // leads under an open watch, which a touch closes or a reassignment follows.
  const select = {
    crmId: true,
    mqlAt: true,
    firstTouchAt: true,
    owner: true,
    team: true,
    source: true,
  } as const;
  const recent: WrittenLead[] = await db.lead.findMany({
    where: {
      slackTeamId,
      mqlAt: { gte: new Date(now.getTime() - WATCH_HORIZON_MS) },
      firstTouchAt: null,
      updatedAt: now,
    },
    select,
  });
  const open = (
    await db.slaWatch.findMany({ where: { slackTeamId, status: "open" }, select: { crmId: true } })
  ).map((watch) => watch.crmId);
  const watched: WrittenLead[] = [];
  for (let at = 0; at < open.length; at += IDS_PER_QUERY)
    watched.push(
      ...(await db.lead.findMany({
        where: { slackTeamId, updatedAt: now, crmId: { in: open.slice(at, at + IDS_PER_QUERY) } },
        select,
      })),
    );
  const written = [...new Map([...recent, ...watched].map((lead) => [lead.crmId, lead])).values()];
  for (let at = 0; at < written.length; at += PAGE)
    await watchPage(db, context, written.slice(at, at + PAGE), now, changes);
  return changes;
}

async function watchPage(
  db: Db,
  context: SlaContext,
  written: WrittenLead[],
  now: Date,
  changes: WatchChanges,
): Promise<void> {
  const { slackTeamId } = context;
  const horizon = now.getTime() - WATCH_HORIZON_MS;
  const existing = new Map<string, ExistingWatch>();
  // The ids go in as bound values: a few hundred a query stays under every database's limit.
  for (let at = 0; at < written.length; at += IDS_PER_QUERY)
    for (const watch of await db.slaWatch.findMany({
      where: {
        slackTeamId,
        crmId: { in: written.slice(at, at + IDS_PER_QUERY).map((lead) => lead.crmId) },
      },
      select: { crmId: true, status: true, owner: true, team: true, source: true },
    }))
      existing.set(watch.crmId, watch);
  const fresh = written.filter(
    (lead) => !lead.firstTouchAt && !existing.has(lead.crmId) && lead.mqlAt.getTime() >= horizon,
  );
  const owners = await ownersOf(
    db,
    slackTeamId,
    fresh.map((lead) => lead.owner),
  );
  const rows = fresh.flatMap((lead) => {
    const plan = planFor(context.settings, lead.source);
    if (!plan) return [];
    const calendar = calendarOf(context, owners.get(lead.owner ?? "")?.timezone ?? null);
    const due = stepDueTimes(lead.mqlAt, plan, calendar);
    if (!due) return [];
    const status = arrivesLate(now, due.slaDueAt) ? "late" : "open";
    const next = nextStepOf({ ...due, status, reachedStep: 0, snoozedUntil: null });
    if (status === "late") changes.foundLate += 1;
    else changes.started += 1;
    return [
      {
        slackTeamId,
        crmId: lead.crmId,
        mqlAt: lead.mqlAt,
        arrivedAt: now,
        owner: lead.owner,
        team: lead.team,
        source: lead.source,
        status,
        ...due,
        nextStep: next?.step ?? null,
        nextDueAt: next?.dueAt ?? null,
      },
    ];
  });
  if (rows.length) await createWatches(db, rows);

  for (const lead of written) {
    const watch = existing.get(lead.crmId);
    if (!watch || watch.status !== "open") continue;
    if (lead.firstTouchAt) {
      // The touch stops the watch, and takes the lead out of any batch not yet sent.
      const closed = await db.slaWatch.updateMany({
        where: { slackTeamId, crmId: lead.crmId, status: "open" },
        data: {
          status: "touched",
          touchedAt: lead.firstTouchAt,
          nextStep: null,
          nextDueAt: null,
          batchKey: null,
          batchStep: null,
        },
      });
      changes.closed += closed.count;
    } else if (
      watch.owner !== lead.owner ||
      watch.team !== lead.team ||
      watch.source !== lead.source
    ) {
      // Reassigned: the next step goes to whoever owns the lead now.
      await db.slaWatch.updateMany({
        where: { slackTeamId, crmId: lead.crmId, status: "open" },
        data: { owner: lead.owner, team: lead.team, source: lead.source },
      });
    }
  }
}

type WatchRow = Parameters<Db["slaWatch"]["create"]>[0]["data"];

/** Creates the watches; one another write created meanwhile (the same lead) is left as it is. */
async function createWatches(db: Db, rows: WatchRow[]): Promise<void> {
  try {
    await db.slaWatch.createMany({ data: rows });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    for (const row of rows)
      await db.slaWatch.create({ data: row }).catch((again: unknown) => {
        if (!isUniqueViolation(again)) throw again;
      });
  }
}
