// A workspace's settings, stored as JSON on Workspace.settings and always read through this schema.
import { z } from "zod";

export const WorkspaceSettingsSchema = z
  .object({
    /** Where escalations and unassigned-cadence notices go. */
    adminChannelId: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/)
      .optional(),
  })
  .catch({});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettingsSchema>;

export function settingsOf(workspace: { settings: unknown }): WorkspaceSettings {
  return WorkspaceSettingsSchema.parse(workspace.settings ?? {});
}
