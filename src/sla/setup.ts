// What admins change about the speed-to-lead watch: working hours, escalation steps and their
// recipients, the sources watched, the CRM link, and each team's manager. Anyone may read it.
import { isCadenceAdmin, type Actor } from "../cadences/rules.js";
import type { Db } from "../db/client.js";
import { refuse, type Result } from "../refusals.js";
import { escapeInline } from "../slack/mrkdwn.js";
import { settingsOf, updateSettings, type WorkspaceSettings } from "../workspaces/settings.js";
import { formatWorkingHours, type WorkingHours } from "./clock.js";
import { planFor, RESERVED_SOURCE_KEYS, stepsOrderProblem, workingHoursOf } from "./rules.js";
import type { SlaDelays, SlaEscalation } from "./settings.js";
import { teamKey } from "./store.js";

export type SlaSetupChange =
  | { change: "show" }
  | { change: "hours"; hours: WorkingHours }
  | { change: "step"; step: "manager" | "vp"; minutes: number | null }
  | { change: "vp"; vpSlackUserId: string | null }
  | { change: "sources"; sources: string[] | null }
  | { change: "source-delays"; source: string; delays: SlaDelays | null }
  | { change: "crm-link"; pattern: string | null }
  | { change: "team"; team: string; managerSlackUserId: string | null };

export interface SetupDeps {
  db: Db;
  adminUserIds: readonly string[];
}

export async function changeSlaSetup(
  deps: SetupDeps,
  slackTeamId: string,
  actor: Actor,
  change: SlaSetupChange,
): Promise<Result<{ message: string }>> {
  const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId } });
  if (!workspace) return refuse("unknown-workspace");
  if (change.change === "show")
    return { ok: true, message: await describeSetup(deps.db, slackTeamId, settingsOf(workspace)) };
  if (!isCadenceAdmin(actor, deps.adminUserIds)) return refuse("not-admin");
  if (change.change === "team")
    return { ok: true, message: await setTeam(deps.db, slackTeamId, actor, change) };
  const settings = settingsOf(workspace);
  const escalation: SlaEscalation = { ...settings.slaEscalation };
  const save = (patch: Partial<WorkspaceSettings>) => updateSettings(deps.db, slackTeamId, patch);
  switch (change.change) {
    case "hours":
      await save({
        slaHours:
          change.hours.kind === "always"
            ? "always"
            : {
                days: [...change.hours.days],
                startMinute: change.hours.startMinute,
                endMinute: change.hours.endMinute,
              },
      });
      return {
        ok: true,
        message: `The SLA clock now runs ${formatWorkingHours(change.hours)}, in each lead owner's timezone. Leads that arrive from now on follow it.`,
      };
    case "step": {
      const next = { ...escalation, [`${change.step}Minutes`]: change.minutes };
      const problem = orderProblem({ ...settings, slaEscalation: next });
      if (problem) return problem;
      await save({ slaEscalation: next });
      return {
        ok: true,
        message:
          change.minutes === null
            ? `The ${stepName(change.step)} step is off: nobody is told there.`
            : `The ${stepName(change.step)} step is now ${delayText(change.minutes)} of working time after the MQL.`,
      };
    }
    case "vp":
      await save({
        slaEscalation: { ...escalation, vpSlackUserId: change.vpSlackUserId ?? undefined },
      });
      return {
        ok: true,
        message: change.vpSlackUserId
          ? `<@${change.vpSlackUserId}> now hears of leads still untouched at the VP step.`
          : "The VP step now goes to the admin channel.",
      };
    case "sources":
      await save({ slaEscalation: { ...escalation, sources: change.sources ?? undefined } });
      return {
        ok: true,
        message: change.sources
          ? `Only leads from ${change.sources.map((s) => `*${escapeInline(s, 80)}*`).join(", ")} are watched from now on.`
          : "Leads from every source are watched from now on.",
      };
    case "source-delays": {
      const key = change.source.trim().toLowerCase();
      if (RESERVED_SOURCE_KEYS.has(key)) return refuse("sla-source-reserved", { source: key });
      // Built from entries, never assigned by key: no source name can reach a prototype.
      const perSource: Record<string, SlaDelays> = Object.fromEntries([
        ...Object.entries(escalation.perSource ?? {}).filter(([source]) => source !== key),
        ...(change.delays ? [[key, change.delays] as const] : []),
      ]);
      const next = { ...settings, slaEscalation: { ...escalation, perSource } };
      const plan = planFor(
        { ...next, slaEscalation: { ...next.slaEscalation, sources: undefined } },
        key,
      )!;
      const problem = stepsOrderProblem(plan);
      if (problem)
        return refuse("sla-steps-out-of-order", { problem, source: change.source.trim() });
      await save({ slaEscalation: { ...escalation, perSource } });
      return {
        ok: true,
        message: `Leads from *${escapeInline(change.source, 80)}*: ${planText(plan)}.`,
      };
    }
    case "crm-link":
      await save({ crmRecordUrl: change.pattern ?? undefined });
      return {
        ok: true,
        message: change.pattern
          ? `Speed-to-lead DMs now link each lead to ${escapeInline(change.pattern, 200)}.`
          : "Speed-to-lead DMs no longer link to the CRM.",
      };
  }
}

async function setTeam(
  db: Db,
  slackTeamId: string,
  actor: Actor,
  change: { team: string; managerSlackUserId: string | null },
): Promise<string> {
  const key = teamKey(change.team);
  const name = escapeInline(change.team, 80);
  if (!change.managerSlackUserId) {
    const removed = await db.salesTeam.deleteMany({ where: { slackTeamId, key } });
    return removed.count
      ? `Team *${name}* has no manager set any more: its breaches go to each owner's manager in Slack.`
      : `Team *${name}* had no manager set. Nothing was changed.`;
  }
  const data = {
    name: change.team.trim(),
    managerSlackUserId: change.managerSlackUserId,
    updatedBySlackUserId: actor.slackUserId,
  };
  await db.salesTeam.upsert({
    where: { slackTeamId_key: { slackTeamId, key } },
    create: { slackTeamId, key, ...data },
    update: data,
  });
  return `<@${change.managerSlackUserId}> now hears of team *${name}*'s leads still untouched at the manager step.`;
}

/** A change that would put some plan's steps out of order (the default's, or a source's). */
function orderProblem(settings: WorkspaceSettings): Result<{ message: string }> | null {
  const escalation = { ...settings.slaEscalation, sources: undefined };
  for (const source of [null, ...Object.keys(escalation.perSource ?? {})]) {
    const problem = stepsOrderProblem(planFor({ ...settings, slaEscalation: escalation }, source)!);
    if (problem) return refuse("sla-steps-out-of-order", { problem, source });
  }
  return null;
}

const stepName = (step: "manager" | "vp") => (step === "vp" ? "VP" : "manager");

export function delayText(minutes: number): string {
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

function planText(plan: {
  slaMinutes: number;
  managerMinutes: number | null;
  vpMinutes: number | null;
}) {
  const step = (minutes: number | null) => (minutes === null ? "off" : delayText(minutes));
  return `owner at ${step(plan.slaMinutes)}, manager at ${step(plan.managerMinutes)}, VP at ${step(plan.vpMinutes)}`;
}

async function describeSetup(
  db: Db,
  slackTeamId: string,
  settings: WorkspaceSettings,
): Promise<string> {
  const escalation = settings.slaEscalation ?? {};
  const teams = await db.salesTeam.findMany({ where: { slackTeamId }, orderBy: { key: "asc" } });
  const perSource = Object.keys(escalation.perSource ?? {}).sort();
  return [
    `*Speed to lead:* ${planText(planFor({ ...settings, slaEscalation: { ...escalation, sources: undefined } }, null)!)} (working time from the MQL).`,
    `*Working hours:* ${formatWorkingHours(workingHoursOf(settings))}, in each owner's timezone; the workspace's holidays are skipped.`,
    `*VP step goes to:* ${escalation.vpSlackUserId ? `<@${escalation.vpSlackUserId}>` : settings.adminChannelId ? `the admin channel <#${settings.adminChannelId}>` : "nobody yet (set a VP or an admin channel)"}.`,
    `*Sources watched:* ${escalation.sources ? escalation.sources.map((s) => escapeInline(s, 80)).join(", ") : "all"}.`,
    ...perSource.map(
      (source) =>
        `• *${escapeInline(source, 80)}*: ${planText(planFor(settings, source) ?? { slaMinutes: 0, managerMinutes: null, vpMinutes: null })}`,
    ),
    `*Team managers:* ${teams.length ? teams.map((t) => `${escapeInline(t.name, 80)} <@${t.managerSlackUserId}>`).join(", ") : "none set (each owner's manager in Slack is told)"}.`,
    `*CRM link:* ${settings.crmRecordUrl ? escapeInline(settings.crmRecordUrl, 200) : "none"}.`,
  ].join("\n");
}
