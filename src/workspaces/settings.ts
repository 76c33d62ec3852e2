// A workspace's settings, stored as JSON on Workspace.settings and always read through this schema.
import { z } from "zod";
import type { Db } from "../db/client.js";
import { SlaEscalationSchema, SlaHoursSchema } from "../sla/settings.js";

export const WorkspaceSettingsSchema = z
  .object({
    /** Where escalations and unassigned-cadence notices go. */
    adminChannelId: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/)
      .optional(),
    /** Speed-to-lead SLA in minutes (default 5). */
    slaMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .optional(),
    /** Speed to lead's working hours (src/sla/clock.ts); default Mon-Fri 08:00-18:00. */
    slaHours: SlaHoursSchema.optional().catch(undefined),
    /** Speed to lead's escalation steps, recipients and watched sources (src/sla/rules.ts). */
    slaEscalation: SlaEscalationSchema.optional().catch(undefined),
    /** A link to a lead's record in the CRM, with {id} where the lead's CRM id goes. */
    crmRecordUrl: z
      .string()
      .regex(/^https?:\/\/\S*\{id\}\S*$/)
      .optional()
      .catch(undefined),
    /** Monthly MQL rejection rate above which, two months running, the MQL review is due early (default 0.30). */
    rejectionThreshold: z.number().min(0).max(1).optional(),
    /** The AEs asked for feedback each month: a user group, or else a channel's members. */
    salesUserGroupId: z
      .string()
      .regex(/^S[A-Z0-9]+$/)
      .optional(),
    salesChannelId: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/)
      .optional(),
    /** The marketing team asked for the quarterly alignment diagnostic (the sales group too). */
    marketingUserGroupId: z
      .string()
      .regex(/^S[A-Z0-9]+$/)
      .optional(),
    /** Where the monthly feedback roll-up is posted. */
    marketingChannelId: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/)
      .optional(),
    /** The marketing and sales leads: each approves new versions of the shared definitions. */
    marketingLeadSlackUserId: z
      .string()
      .regex(/^[UW][A-Z0-9]+$/)
      .optional(),
    salesLeadSlackUserId: z
      .string()
      .regex(/^[UW][A-Z0-9]+$/)
      .optional(),
    /** Days AEs have to send their notes after a collection opens (default 7). */
    feedbackDays: z.number().int().min(3).max(28).optional(),
    /** The picklists the feedback modals offer (defaults in src/feedback/types.ts). */
    winReasons: z.array(z.string().min(1)).optional(),
    lossReasons: z.array(z.string().min(1)).optional(),
    competitors: z.array(z.string().min(1)).optional(),
    assets: z
      .array(z.object({ name: z.string().min(1), url: z.string().url().optional() }))
      .optional(),
  })
  .catch({});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettingsSchema>;

export function settingsOf(workspace: { settings: unknown }): WorkspaceSettings {
  return WorkspaceSettingsSchema.parse(workspace.settings ?? {});
}

/** Changes some settings and keeps the rest. */
export async function updateSettings(
  db: Db,
  slackTeamId: string,
  patch: Partial<WorkspaceSettings>,
): Promise<WorkspaceSettings> {
  const workspace = await db.workspace.findUniqueOrThrow({ where: { slackTeamId } });
  const settings = WorkspaceSettingsSchema.parse({ ...settingsOf(workspace), ...patch });
  await db.workspace.update({ where: { slackTeamId }, data: { settings } });
  return settings;
}
