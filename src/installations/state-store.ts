// OAuth states in the database, so that the install started on one replica can finish on another
// behind a load balancer. A state is a random id signed with SLACK_STATE_SECRET; it is good once,
// for STATE_TTL_MS.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { InstallURLOptions, StateStore } from "@slack/oauth";
import { z } from "zod";
import type { Db } from "../db/client.js";

export const STATE_TTL_MS = 10 * 60_000;

const InstallOptionsSchema = z.object({
  scopes: z.union([z.string(), z.array(z.string())]),
  teamId: z.string().optional(),
  redirectUri: z.string().optional(),
  userScopes: z.union([z.string(), z.array(z.string())]).optional(),
  metadata: z.string().optional(),
});

export class InvalidStateError extends Error {
  override name = "InvalidStateError";
}

const sign = (secret: string, id: string) =>
  createHmac("sha256", secret).update(`cadence-oauth-state:${id}`).digest("base64url");

export function databaseStateStore(db: Db, secret: string): StateStore {
  return {
    async generateStateParam(installOptions, now) {
      const id = randomBytes(18).toString("base64url");
      // States never used (a person who closed the tab) go as new ones are made.
      await db.oAuthState.deleteMany({
        where: { createdAt: { lt: new Date(now.getTime() - STATE_TTL_MS) } },
      });
      await db.oAuthState.create({
        data: { id, installOptions: { ...installOptions }, createdAt: now },
      });
      return `${id}.${sign(secret, id)}`;
    },
    async verifyStateParam(now, state): Promise<InstallURLOptions> {
      const [id = "", signature = ""] = state.split(".");
      const expected = Buffer.from(sign(secret, id));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new InvalidStateError("the state parameter is not one Cadence made");
      const row = await db.oAuthState.findUnique({ where: { id } });
      // deleteMany's count makes the state good once even when two requests race with it.
      const { count } = await db.oAuthState.deleteMany({ where: { id } });
      if (!row || count === 0) throw new InvalidStateError("the state parameter was already used");
      if (now.getTime() - row.createdAt.getTime() > STATE_TTL_MS)
        throw new InvalidStateError("the state parameter has expired: start the install again");
      return InstallOptionsSchema.parse(row.installOptions);
    },
  };
}
