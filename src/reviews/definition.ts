// The definition a pack opens with: the version in force and where the agreement stands.
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { localDate } from "../cadences/schedule.js";
import { subjectState, type Agreement, type Subject } from "../definitions/rules.js";
import { versionsOf } from "../definitions/store.js";

export interface PackDefinition {
  agreement: Agreement;
  current: {
    version: number;
    text: string;
    effectiveOn: string;
    terms: unknown;
    marketingApprovedBy: string | null;
    salesApprovedBy: string | null;
    agreedAt: string | null;
  } | null;
}

export async function packDefinition(
  deps: { db: Db; clock: Clock },
  slackTeamId: string,
  timezone: string,
  subject: Subject,
): Promise<PackDefinition> {
  const versions = await versionsOf(deps.db, slackTeamId, subject);
  const state = subjectState(subject, versions, localDate(deps.clock.now(), timezone));
  const v = state.current;
  return {
    agreement: state.agreement,
    current: v && {
      version: v.version,
      text: v.text,
      effectiveOn: v.effectiveOn,
      terms: v.terms,
      marketingApprovedBy: v.marketingApprovedBySlackUserId,
      salesApprovedBy: v.salesApprovedBySlackUserId,
      agreedAt: v.agreedAt?.toISOString() ?? null,
    },
  };
}
