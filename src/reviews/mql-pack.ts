// The MQL-definition review's data pack: the definition in force, then over the last 90 days the
// acceptance rate by month and by source, rejection reasons by month, MQL-to-won conversion by
// source, and the firmographics of won deals against rejected MQLs. The shape is the contract
// `cadence review mql --json` prints (README).
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { DatabaseProvider } from "../db/provider.js";
import { ratio, rejectionReasons, type RejectionReason } from "../digest/metrics.js";
import { UnknownWorkspaceError } from "../digest/service.js";
import { packDefinition, type PackDefinition } from "./definition.js";
import { ReviewQueries } from "./queries.js";
import {
  acceptance,
  acceptanceByKey,
  DIMENSIONS,
  firmographicsOf,
  keyOf,
  type AcceptanceRow,
  type Firmographics,
} from "./rules.js";
import { lastDays, monthsOf } from "./window.js";

export const MQL_REVIEW_DAYS = 90;

export interface ReviewDeps {
  db: Db;
  provider: DatabaseProvider;
  clock: Clock;
}

export interface MqlPack {
  kind: "mql";
  window: { from: string; to: string; timezone: string; days: number };
  definition: PackDefinition;
  acceptanceByMonth: Array<{ month: string } & AcceptanceRow>;
  acceptanceBySource: Array<{ source: string } & AcceptanceRow>;
  rejectionReasonsByMonth: Array<{ month: string; reasons: RejectionReason[] }>;
  conversionBySource: Array<{
    source: string;
    mqls: number;
    won: number;
    conversion: number | null;
  }>;
  firmographics: { won: Firmographics; rejected: Firmographics };
}

export async function workspaceZone(db: Db, slackTeamId: string): Promise<string> {
  const workspace = await db.workspace.findUnique({ where: { slackTeamId } });
  if (!workspace) throw new UnknownWorkspaceError(`No workspace ${slackTeamId} in this database.`);
  return workspace.timezone;
}

export async function buildMqlPack(deps: ReviewDeps, slackTeamId: string): Promise<MqlPack> {
  const timezone = await workspaceZone(deps.db, slackTeamId);
  const span = lastDays(deps.clock.now(), timezone, MQL_REVIEW_DAYS);
  const months = monthsOf(span);
  const q = new ReviewQueries(deps.db, deps.provider, slackTeamId);
  // Four scans: the accepted, the rejected (by month, source, reason and firmographics at once),
  // the window's MQLs by source, and the won.
  const [definition, accepted, rejected, conversion, won] = await Promise.all([
    packDefinition(deps, slackTeamId, timezone, "mql"),
    q.groupedCounts("acceptedAt", months, ["source"]),
    q.groupedCounts("rejectedAt", months, ["source", "rejectionReason", ...DIMENSIONS]),
    q.mqlsWonBySource(span),
    q.firmographics("closedWonAt", span),
  ]);
  const inMonth = (rows: ReadonlyArray<{ period: number; count: number }>, i: number) =>
    rows.filter((r) => r.period === i).reduce((n, r) => n + r.count, 0);
  const bySource = (rows: ReadonlyArray<{ source: string | null; count: number }>) =>
    rows.map((r) => ({ key: r.source, count: r.count }));
  return {
    kind: "mql",
    window: { from: span.from, to: span.to, timezone, days: MQL_REVIEW_DAYS },
    definition,
    acceptanceByMonth: months.map((m, i) => ({
      month: m.month,
      ...acceptance(inMonth(accepted, i), inMonth(rejected, i)),
    })),
    acceptanceBySource: acceptanceByKey(bySource(accepted), bySource(rejected)).map(
      ({ key, ...row }) => ({
        source: key,
        ...row,
      }),
    ),
    rejectionReasonsByMonth: months.map((m, i) => ({
      month: m.month,
      reasons: rejectionReasons(mergeReasons(rejected.filter((r) => r.period === i))),
    })),
    conversionBySource: conversion
      .map((c) => ({
        source: keyOf(c.key),
        mqls: c.mqls,
        won: c.won,
        conversion: ratio(c.won, c.mqls),
      }))
      .sort((a, b) => b.mqls - a.mqls || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)),
    firmographics: { won: firmographicsOf(won), rejected: firmographicsOf(rejected) },
  };
}

/** Rejections counted by reason (the scan also split them by source and firmographics). */
function mergeReasons(rows: ReadonlyArray<{ rejectionReason: string | null; count: number }>) {
  const byReason = new Map<string | null, number>();
  for (const r of rows)
    byReason.set(r.rejectionReason, (byReason.get(r.rejectionReason) ?? 0) + r.count);
  return [...byReason].map(([reason, count]) => ({ reason, count }));
}
