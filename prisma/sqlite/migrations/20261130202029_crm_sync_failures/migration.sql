-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CrmConnection" (
    "slackTeamId" TEXT NOT NULL PRIMARY KEY,
    "provider" TEXT NOT NULL,
    "credentials" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "syncCursor" DATETIME,
    "lastSyncStartedAt" DATETIME,
    "lastSuccessAt" DATETIME,
    "lastError" TEXT,
    "lastErrorAt" DATETIME,
    "recordsRead" INTEGER NOT NULL DEFAULT 0,
    "recordsRefused" INTEGER NOT NULL DEFAULT 0,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "failingSince" DATETIME,
    "failureNoticeSince" DATETIME,
    "connectedBySlackUserId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CrmConnection_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_CrmConnection" ("connectedBySlackUserId", "createdAt", "credentials", "lastError", "lastErrorAt", "lastSuccessAt", "lastSyncStartedAt", "provider", "recordsRead", "recordsRefused", "settings", "slackTeamId", "syncCursor", "updatedAt") SELECT "connectedBySlackUserId", "createdAt", "credentials", "lastError", "lastErrorAt", "lastSuccessAt", "lastSyncStartedAt", "provider", "recordsRead", "recordsRefused", "settings", "slackTeamId", "syncCursor", "updatedAt" FROM "CrmConnection";
DROP TABLE "CrmConnection";
ALTER TABLE "new_CrmConnection" RENAME TO "CrmConnection";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

