-- CreateTable
CREATE TABLE "CrmConnection" (
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
    "connectedBySlackUserId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CrmConnection_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

