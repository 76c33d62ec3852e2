// The definitions register's use cases: read it, propose a version, approve one, and put agreed
// versions in force on their effective date (the SLA and the rejection threshold are workspace
// settings the rest of Cadence reads, so a version in force writes them).
import { DateTime } from "luxon";
import type { Clock } from "../clock.js";
import { localDate } from "../cadences/schedule.js";
import type { Db } from "../db/client.js";
import { refuse, type Result } from "../refusals.js";
import { settingsOf, updateSettings, type WorkspaceSettings } from "../workspaces/settings.js";
import {
  approvalProblem,
  MAX_TEXT_CHARS,
  sidesApprovedBy,
  subjectState,
  SUBJECTS,
  TermsSchemas,
  termsOf,
  type ApprovalSide,
  type Owners,
  type Subject,
  type SubjectState,
  type Version,
} from "./rules.js";
import { findVersion, versionsOf } from "./store.js";

export interface DefinitionsDeps {
  db: Db;
  clock: Clock;
}

export interface Register {
  timezone: string;
  today: string;
  owners: Owners;
  subjects: SubjectState[];
}

async function workspaceOf(db: Db, slackTeamId: string) {
  const workspace = await db.workspace.findUnique({ where: { slackTeamId } });
  if (!workspace) return null;
  const settings = settingsOf(workspace);
  return { timezone: workspace.timezone, settings, owners: ownersOf(settings) };
}

export const ownersOf = (settings: WorkspaceSettings): Owners => ({
  marketingLeadSlackUserId: settings.marketingLeadSlackUserId,
  salesLeadSlackUserId: settings.salesLeadSlackUserId,
});

/** Every definition's state today: in force, scheduled, waiting for approval. */
export async function definitionsRegister(
  deps: DefinitionsDeps,
  slackTeamId: string,
): Promise<Register | null> {
  const workspace = await workspaceOf(deps.db, slackTeamId);
  if (!workspace) return null;
  const today = localDate(deps.clock.now(), workspace.timezone);
  const versions = await versionsOf(deps.db, slackTeamId);
  return {
    timezone: workspace.timezone,
    today,
    owners: workspace.owners,
    subjects: SUBJECTS.map((subject) => subjectState(subject, versions, today)),
  };
}

/** The version of `subject` in force at `at` (its effective date reached), or null. */
export async function currentVersion(
  deps: DefinitionsDeps,
  slackTeamId: string,
  subject: Subject,
  at: Date = deps.clock.now(),
): Promise<Version | null> {
  const workspace = await workspaceOf(deps.db, slackTeamId);
  if (!workspace) return null;
  const versions = await versionsOf(deps.db, slackTeamId, subject);
  return subjectState(subject, versions, localDate(at, workspace.timezone)).current;
}

export interface Proposal {
  subject: Subject;
  text: string;
  terms: unknown;
  effectiveOn: string;
}

/**
 * Records a proposed version (numbered after the last one); an older proposal of the same
 * definition still waiting is withdrawn, so the approvers only ever see one.
 */
export async function proposeVersion(
  deps: DefinitionsDeps,
  slackTeamId: string,
  proposedBySlackUserId: string,
  proposal: Proposal,
): Promise<Result<{ version: Version; owners: Owners; withdrawn: number }>> {
  const workspace = await workspaceOf(deps.db, slackTeamId);
  if (!workspace) return refuse("unknown-workspace");
  const text = proposal.text.trim();
  if (!text) return refuse("definition-text-missing");
  if (text.length > MAX_TEXT_CHARS)
    return refuse("definition-text-too-long", { max: MAX_TEXT_CHARS });
  const today = localDate(deps.clock.now(), workspace.timezone);
  // The shape alone would let 2027-02-30 through: it must be a day on the calendar too.
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(proposal.effectiveOn) ||
    !DateTime.fromISO(proposal.effectiveOn, { zone: "utc" }).isValid
  )
    return refuse("bad-date", { text: proposal.effectiveOn });
  if (proposal.effectiveOn < today) return refuse("definition-effective-past", { today });
  const terms = TermsSchemas[proposal.subject].parse(proposal.terms ?? {});
  const now = deps.clock.now();
  const create = () =>
    deps.db.$transaction(async (tx) => {
      const withdrawn = await tx.definitionVersion.updateMany({
        where: { slackTeamId, subject: proposal.subject, agreedAt: null, withdrawnAt: null },
        data: { withdrawnAt: now },
      });
      const last = await tx.definitionVersion.aggregate({
        where: { slackTeamId, subject: proposal.subject },
        _max: { version: true },
      });
      const row = await tx.definitionVersion.create({
        data: {
          slackTeamId,
          subject: proposal.subject,
          version: (last._max.version ?? 0) + 1,
          text,
          terms,
          effectiveOn: proposal.effectiveOn,
          proposedBySlackUserId,
          proposedAt: now,
        },
      });
      return { row, withdrawn: withdrawn.count };
    });
  // Two proposals at the same instant race for the version number: the loser tries once more.
  const { row, withdrawn } = await create().catch(() => create());
  return {
    ok: true,
    version: { ...row, subject: proposal.subject },
    owners: workspace.owners,
    withdrawn,
  };
}

export interface Approval {
  version: Version;
  sides: ApprovalSide[];
  /** Both sides have now approved. */
  agreed: boolean;
  /** Agreed and its effective date has come: it is in force now. */
  inForce: boolean;
  owners: Owners;
}

/** Records the approval of the marketing lead, the sales lead, or both (one person leading both). */
export async function approveVersion(
  deps: DefinitionsDeps,
  slackTeamId: string,
  slackUserId: string,
  versionId: string,
): Promise<Result<Approval>> {
  const workspace = await workspaceOf(deps.db, slackTeamId);
  if (!workspace) return refuse("unknown-workspace");
  const version = await findVersion(deps.db, slackTeamId, versionId);
  if (!version) return refuse("definition-version-gone");
  const { owners } = workspace;
  const problem = approvalProblem(owners, version, slackUserId);
  if (problem) return approvalRefusal(problem, owners);
  const sides = sidesApprovedBy(owners, version, slackUserId);
  const now = deps.clock.now();
  for (const side of sides) {
    // Conditional updates: a double click, or the other side at the same instant, cannot undo
    // an approval or approve a withdrawn version.
    const open = { id: version.id, agreedAt: null, withdrawnAt: null };
    if (side === "marketing")
      await deps.db.definitionVersion.updateMany({
        where: { ...open, marketingApprovedAt: null },
        data: { marketingApprovedAt: now, marketingApprovedBySlackUserId: slackUserId },
      });
    else
      await deps.db.definitionVersion.updateMany({
        where: { ...open, salesApprovedAt: null },
        data: { salesApprovedAt: now, salesApprovedBySlackUserId: slackUserId },
      });
  }
  const agreed = await deps.db.definitionVersion.updateMany({
    where: {
      id: version.id,
      agreedAt: null,
      withdrawnAt: null,
      marketingApprovedAt: { not: null },
      salesApprovedAt: { not: null },
    },
    data: { agreedAt: now },
  });
  const updated = (await findVersion(deps.db, slackTeamId, version.id)) ?? version;
  if (updated.withdrawnAt) return refuse("definition-withdrawn");
  let inForce = false;
  if (agreed.count === 1) {
    await putDueVersionsInForce(deps, slackTeamId);
    inForce = updated.effectiveOn <= localDate(now, workspace.timezone);
  }
  return { ok: true, version: updated, sides, agreed: agreed.count === 1, inForce, owners };
}

function approvalRefusal(problem: NonNullable<ReturnType<typeof approvalProblem>>, owners: Owners) {
  switch (problem) {
    case "withdrawn":
      return refuse("definition-withdrawn");
    case "already-agreed":
      return refuse("definition-already-agreed");
    case "no-owners":
      return refuse("definition-no-owners");
    case "already-approved":
      return refuse("definition-already-approved");
    case "not-an-owner":
      return refuse("definition-not-owner", {
        marketing: owners.marketingLeadSlackUserId ?? "",
        sales: owners.salesLeadSlackUserId ?? "",
      });
  }
}

/**
 * Puts agreed versions whose effective date has come in force: the SLA's minutes and the MQL
 * definition's rejection threshold become the workspace's settings. Only the version in force
 * writes them, so an older version agreed late never overwrites a newer one.
 */
export async function putDueVersionsInForce(
  deps: DefinitionsDeps,
  slackTeamId?: string,
): Promise<number> {
  const due = await deps.db.definitionVersion.findMany({
    where: { agreedAt: { not: null }, appliedAt: null, ...(slackTeamId ? { slackTeamId } : {}) },
    select: { id: true, slackTeamId: true, subject: true, effectiveOn: true },
  });
  let applied = 0;
  for (const teamId of new Set(due.map((d) => d.slackTeamId))) {
    const workspace = await workspaceOf(deps.db, teamId);
    if (!workspace) continue;
    const today = localDate(deps.clock.now(), workspace.timezone);
    const ready = due.filter((d) => d.slackTeamId === teamId && d.effectiveOn <= today);
    if (!ready.length) continue;
    const versions = await versionsOf(deps.db, teamId);
    const patch: Partial<WorkspaceSettings> = {};
    for (const subject of new Set(ready.map((d) => d.subject as Subject))) {
      const current = subjectState(subject, versions, today).current;
      if (!current || !ready.some((d) => d.id === current.id)) continue;
      if (subject === "sla") patch.slaMinutes = termsOf("sla", current.terms).minutes;
      if (subject === "mql") {
        const threshold = termsOf("mql", current.terms).rejectionThreshold;
        if (threshold !== undefined) patch.rejectionThreshold = threshold;
      }
    }
    await deps.db.$transaction(async (tx) => {
      if (Object.keys(patch).length) await updateSettings(tx as Db, teamId, patch);
      await tx.definitionVersion.updateMany({
        where: { id: { in: ready.map((d) => d.id) }, appliedAt: null },
        data: { appliedAt: deps.clock.now() },
      });
    });
    applied += ready.length;
  }
  return applied;
}

/** Names the marketing or sales lead (admins only; checked by the caller). */
export async function setLead(
  db: Db,
  slackTeamId: string,
  side: ApprovalSide,
  slackUserId: string,
): Promise<void> {
  await updateSettings(
    db,
    slackTeamId,
    side === "marketing"
      ? { marketingLeadSlackUserId: slackUserId }
      : { salesLeadSlackUserId: slackUserId },
  );
}

/** Records what an MQL or ICP review decided. */
export async function recordReviewDecision(
  deps: DefinitionsDeps,
  slackTeamId: string,
  subject: "mql" | "icp",
  outcome: "confirmed" | "proposed",
  decidedBySlackUserId: string,
): Promise<void> {
  await deps.db.reviewDecision.create({
    data: { slackTeamId, subject, outcome, decidedBySlackUserId, decidedAt: deps.clock.now() },
  });
}
