// The capabilities Slack reaches: each wires its listeners (register) and contributes its
// `/cadence` subcommands; the router (./cadence-command.ts) is registered last, over all of them.
import type { App } from "@slack/bolt";
import * as cadences from "../cadences/listeners.js";
import * as calendar from "../calendar/listeners.js";
import * as crm from "../crm/subcommands.js";
import * as diagnostic from "../diagnostic/listeners.js";
import * as definitions from "../definitions/listeners.js";
import * as digest from "../digest/listeners.js";
import * as feedback from "../feedback/listeners.js";
import * as funnel from "../funnel/listeners.js";
import * as help from "../help/listeners.js";
import * as home from "../home/listeners.js";
import * as reviews from "../reviews/listeners.js";
import * as sla from "../sla/listeners.js";
import * as installations from "../installations/listeners.js";
import * as workspaces from "../workspaces/listeners.js";
import { registerCadenceCommand } from "./cadence-command.js";
import type { AppDeps } from "./deps.js";
import { SubcommandTable, type Subcommand } from "./subcommands.js";

export interface Capability {
  register?: (app: App, deps: AppDeps) => void;
  subcommands?: readonly Subcommand[];
}

// Also the order of `/cadence help`: the cadences first, then settings, import and digest.
const PARTS: Capability[] = [
  help,
  home,
  cadences,
  calendar,
  workspaces,
  funnel,
  sla,
  crm,
  digest,
  feedback,
  diagnostic,
  definitions,
  reviews,
  installations,
];

/** Every `/cadence` subcommand, in the order the help lists them. */
export const SUBCOMMANDS = new SubcommandTable(PARTS.flatMap((part) => part.subcommands ?? []));

/** Each capability wires its own listeners; a test checks them against the manifest. */
export const CAPABILITIES: Array<{ register(app: App, deps: AppDeps): void }> = [
  ...PARTS.filter((part) => part.register).map((part) => ({
    register: (app: App, deps: AppDeps) => part.register!(app, deps),
  })),
  { register: (app, deps) => registerCadenceCommand(app, deps, SUBCOMMANDS) },
];
