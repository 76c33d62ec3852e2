// What firing a cadence needs, apart from firing.ts: the handlers it calls (./handlers.ts and the
// capabilities they reach) import this type without importing the runner back.
import type { DatabaseProvider } from "../db/provider.js";
import type { SummaryConfig } from "../feedback/summary.js";
import type { DeliveryDeps } from "../scheduler/deliver-once.js";
import type { CatchUpPolicy } from "./rules.js";

export interface FiringDeps extends DeliveryDeps {
  /** Which SQL dialect the database speaks (the digest aggregates in SQL). */
  provider: DatabaseProvider;
  /** The language model for the feedback roll-up's summary; without one it is computed. */
  summary?: SummaryConfig;
  policy: CatchUpPolicy & DeliveryDeps["policy"];
}
