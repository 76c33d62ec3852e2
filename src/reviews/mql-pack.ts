// The MQL-definition review's data pack: the definition in force, then over the last 90 days the
// acceptance rate by month and by source, rejection reasons by month, MQL-to-won conversion by
// source, and the firmographics of won deals against rejected MQLs. The shape is the contract
// `cadence review mql --json` prints (README).
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { DatabaseProvider } from "../db/provider.js";
import { ratio, rejectionReasons, type RejectionReason } from "../digest/metrics.js";
import { DigestQueries } from "../digest/queries.js";
import { UnknownWorkspaceError } from "../digest/service.js";
import { packDefinition, type PackDefinition } from "./definition.js";
import { ReviewQueries } from "./queries.js";
import {
  acceptance,
  acceptanceByKey,
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
  const digest = new DigestQueries(deps.db, deps.provider, slackTeamId);
  const q = new ReviewQueries(deps.db, deps.provider, slackTeamId);
  const [
    definition,
    accepted,
    rejected,
    acceptedBySource,
    rejectedBySource,
    reasons,
    conversion,
    won,
    rejectedFirms,
  ] = await Promise.all([
    packDefinition(deps, slackTeamId, timezone, "mql"),
    digest.countBy("acceptedAt", months),
    digest.countBy("rejectedAt", months),
    q.countByKey("acceptedAt", span, "source"),
    q.countByKey("rejectedAt", span, "source"),
    q.countByPeriodAndKey("rejectedAt", months, "rejectionReason"),
    q.mqlsWonBySource(span),
    q.firmographics("closedWonAt", span),
    q.firmographics("rejectedAt", span),
  ]);
  return {
    kind: "mql",
    window: { from: span.from, to: span.to, timezone, days: MQL_REVIEW_DAYS },
    definition,
    acceptanceByMonth: months.map((m, i) => ({
      month: m.month,
      ...acceptance(accepted[i]!, rejected[i]!),
    })),
    acceptanceBySource: acceptanceByKey(acceptedBySource, rejectedBySource).map(
      ({ key, ...row }) => ({
        source: key,
        ...row,
      }),
    ),
    rejectionReasonsByMonth: months.map((m, i) => ({
      month: m.month,
      reasons: rejectionReasons(
        reasons.filter((r) => r.period === i).map((r) => ({ reason: r.key, count: r.count })),
      ),
    })),
    conversionBySource: conversion
      .map((c) => ({
        source: keyOf(c.key),
        mqls: c.mqls,
        won: c.won,
        conversion: ratio(c.won, c.mqls),
      }))
      .sort((a, b) => b.mqls - a.mqls || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)),
    firmographics: { won: firmographicsOf(won), rejected: firmographicsOf(rejectedFirms) },
  };
}
