// A workspace's settings, stored as JSON on Workspace.settings and always read through this schema.
import { z } from "zod";

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
    /** Monthly MQL rejection rate above which, two months running, the MQL review is due early (default 0.30). */
    rejectionThreshold: z.number().min(0).max(1).optional(),
  })
  .catch({});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettingsSchema>;

export function settingsOf(workspace: { settings: unknown }): WorkspaceSettings {
  return WorkspaceSettingsSchema.parse(workspace.settings ?? {});
}
