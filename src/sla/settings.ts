// The speed-to-lead settings' shapes, as stored in Workspace.settings (src/workspaces/settings.ts).
// Each is read leniently: a value that no longer parses falls back to the defaults, alone.
import { z } from "zod";

/** Minutes of working time after the MQL; at most a working month. */
const Delay = z
  .number()
  .positive()
  .max(31 * 24 * 60);

export const SlaHoursSchema = z.union([
  z.literal("always"),
  z.object({
    days: z.array(z.number().int().min(1).max(7)).min(1),
    startMinute: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
    endMinute: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
  }),
]);

/** One set of delays: null turns a step off, unset keeps the default. */
export const SlaDelaysSchema = z.object({
  slaMinutes: Delay.optional(),
  managerMinutes: Delay.nullable().optional(),
  vpMinutes: Delay.nullable().optional(),
});
export type SlaDelays = z.infer<typeof SlaDelaysSchema>;

export const SlaEscalationSchema = SlaDelaysSchema.omit({ slaMinutes: true }).extend({
  /** The VP Sales; without one the VP step goes to the admin channel. */
  vpSlackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]+$/)
    .optional(),
  /** Only leads from these sources are watched (matched without case); every lead when unset. */
  sources: z.array(z.string().min(1)).optional(),
  /** Delays for one source (its name lowercased), over the workspace's. */
  perSource: z.record(z.string(), SlaDelaysSchema).optional(),
});
export type SlaEscalation = z.infer<typeof SlaEscalationSchema>;
