// The QBR scorecard: the alignment KPIs for one quarter (MQL acceptance, speed-to-lead SLA
// compliance as the digest computes it, whether the attribution model is agreed, days since each
// definition was reviewed, the diagnostic's tier) and cadence health (occurrences done on time).
// The shape is the contract `cadence qbr --json` prints (README).
import { DEFAULT_SLA_MINUTES } from "../digest/digest.js";
import { byCodePoint, ratio } from "../digest/metrics.js";
import { DigestQueries, Statement } from "../digest/queries.js";
import { localDate } from "../cadences/schedule.js";
import {
  daysSince,
  subjectState,
  SUBJECTS,
  type Agreement,
  type Subject,
} from "../definitions/rules.js";
import { lastReviewedAt, versionsOf } from "../definitions/store.js";
import { latestDiagnosticResult } from "../diagnostic/results.js";
import { settingsOf } from "../workspaces/settings.js";
import { UnknownWorkspaceError } from "../digest/service.js";
import type { ReviewDeps } from "./mql-pack.js";
import type { Quarter } from "./window.js";

export interface HealthRow {
  due: number;
  doneOnTime: number;
  onTimeShare: number | null;
}

export interface QbrScorecard {
  quarter: string;
  window: { from: string; to: string; timezone: string };
  /** The figures are as of this instant: the quarter's end, or now while it runs. */
  asOf: string;
  mqlAcceptance: { accepted: number; rejected: number; rate: number | null };
  speedToLead: { slaMinutes: number; mqls: number; withinSla: number; compliance: number | null };
  attribution: { agreement: Agreement; version: number | null };
  definitions: Array<{
    subject: Subject;
    agreement: Agreement;
    lastReviewedAt: string | null;
    daysSinceReview: number | null;
  }>;
  diagnostic: { quarter: string; tier: string; score: number } | null;
  cadenceHealth: HealthRow & {
    byCadence: Array<HealthRow & { title: string; kind: string }>;
    byDri: Array<HealthRow & { driSlackUserId: string | null }>;
  };
}

const health = (due: number, doneOnTime: number): HealthRow => ({
  due,
  doneOnTime,
  onTimeShare: ratio(doneOnTime, due),
});

export async function buildQbrScorecard(
  deps: ReviewDeps,
  slackTeamId: string,
  quarter: Quarter,
): Promise<QbrScorecard> {
  const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId } });
  if (!workspace) throw new UnknownWorkspaceError(`No workspace ${slackTeamId} in this database.`);
  const asOf = new Date(Math.min(deps.clock.now().getTime(), quarter.end.getTime()));
  const slaMinutes = settingsOf(workspace).slaMinutes ?? DEFAULT_SLA_MINUTES;
  const q = new DigestQueries(deps.db, deps.provider, slackTeamId);
  const [accepted, rejected, sla, versions, reviewed, diagnostic, cadences] = await Promise.all([
    q.countBy("acceptedAt", [quarter]),
    q.countBy("rejectedAt", [quarter]),
    q.mqlsWithinSla([quarter], slaMinutes),
    versionsOf(deps.db, slackTeamId),
    lastReviewedAt(deps.db, slackTeamId, asOf),
    latestDiagnosticResult(deps.db, slackTeamId, quarter.end),
    cadenceHealthRows(deps, slackTeamId, quarter),
  ]);
  // The last day the scorecard covers: a quarter that has ended is read on its last day.
  const today = localDate(new Date(asOf.getTime() - 1), quarter.timezone);
  // As of the quarter's end: versions proposed later do not count.
  const known = versions.filter((v) => v.proposedAt <= asOf);
  const states = SUBJECTS.map((subject) => {
    const state = subjectState(
      subject,
      known.map((v) => (v.agreedAt && v.agreedAt > asOf ? { ...v, agreedAt: null } : v)),
      today,
    );
    return state;
  });
  const attribution = states.find((s) => s.subject === "attribution")!;
  const byDri = new Map<string | null, { due: number; done: number }>();
  for (const row of cadences) {
    const entry = byDri.get(row.driSlackUserId) ?? { due: 0, done: 0 };
    entry.due += row.due;
    entry.done += row.doneOnTime;
    byDri.set(row.driSlackUserId, entry);
  }
  const total = cadences.reduce(
    (sum, row) => ({ due: sum.due + row.due, done: sum.done + row.doneOnTime }),
    { due: 0, done: 0 },
  );
  return {
    quarter: quarter.quarter,
    window: { from: quarter.from, to: quarter.to, timezone: quarter.timezone },
    asOf: asOf.toISOString(),
    mqlAcceptance: {
      accepted: accepted[0]!,
      rejected: rejected[0]!,
      rate: ratio(accepted[0]!, accepted[0]! + rejected[0]!),
    },
    speedToLead: {
      slaMinutes,
      mqls: sla[0]!.mqls,
      withinSla: sla[0]!.withinSla,
      compliance: ratio(sla[0]!.withinSla, sla[0]!.mqls),
    },
    attribution: {
      agreement: attribution.agreement,
      version: attribution.current?.version ?? null,
    },
    definitions: states.map((s) => ({
      subject: s.subject,
      agreement: s.agreement,
      lastReviewedAt: reviewed[s.subject]?.toISOString() ?? null,
      daysSinceReview: daysSince(reviewed[s.subject], asOf),
    })),
    diagnostic,
    cadenceHealth: {
      ...health(total.due, total.done),
      byCadence: cadences
        .map((row) => ({ title: row.title, kind: row.kind, ...health(row.due, row.doneOnTime) }))
        .sort((a, b) => byCodePoint(a.title, b.title)),
      byDri: [...byDri]
        .map(([driSlackUserId, e]) => ({ driSlackUserId, ...health(e.due, e.done) }))
        .sort((a, b) => byCodePoint(a.driSlackUserId ?? "~", b.driSlackUserId ?? "~")),
    },
  };
}

/**
 * Per cadence (with its current DRI): occurrences due in the quarter, and those marked done by
 * the end of its escalation grace. Skipped and moved dates are not due (a moved one is due at
 * its new time).
 */
async function cadenceHealthRows(deps: ReviewDeps, slackTeamId: string, quarter: Quarter) {
  const sql = new Statement(deps.provider);
  const onTime =
    deps.provider === "sqlite"
      ? `unixepoch(o."doneAt", 'subsec') <= unixepoch(o."dueAt", 'subsec') + c."escalationGraceMinutes" * 60`
      : `o."doneAt" <= o."dueAt" + c."escalationGraceMinutes" * INTERVAL '1 minute'`;
  const text = `SELECT c."id", c."title", c."kind", c."driSlackUserId", COUNT(*) AS "due",
      SUM(CASE WHEN o."status" = 'done' AND o."doneAt" IS NOT NULL AND ${onTime} THEN 1 ELSE 0 END) AS "onTime"
    FROM "Occurrence" o JOIN "Cadence" c ON c."id" = o."cadenceId"
    WHERE c."slackTeamId" = ${sql.value(slackTeamId)} AND o."dueAt" >= ${sql.instant(quarter.start)} AND o."dueAt" < ${sql.instant(quarter.end)}
      AND o."status" NOT IN ('skipped', 'moved')
    GROUP BY c."id", c."title", c."kind", c."driSlackUserId"`;
  const rows = await deps.db.$queryRawUnsafe<
    Array<{
      title: string;
      kind: string;
      driSlackUserId: string | null;
      due: unknown;
      onTime: unknown;
    }>
  >(text, ...sql.params);
  return rows.map((r) => ({
    title: r.title,
    kind: r.kind,
    driSlackUserId: r.driSlackUserId,
    due: Number(r.due),
    doneOnTime: Number(r.onTime ?? 0),
  }));
}
