// What every capability's register(app, deps) receives: the shared plumbing, never globals.
import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { LeadDatabase } from "../funnel/bulk-writer.js";
import type { Logger } from "../logger.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  db: Db;
  /** The same database for bulk writes through its driver (lead imports). */
  database: LeadDatabase;
  clock: Clock;
  /** Tells the scheduler a due date may have moved. */
  onScheduleChanged(): void;
}
