-- AlterTable
ALTER TABLE "Occurrence" ADD COLUMN "changedBySlackUserId" TEXT;
ALTER TABLE "Occurrence" ADD COLUMN "movedToAt" DATETIME;
ALTER TABLE "Occurrence" ADD COLUMN "note" TEXT;
ALTER TABLE "Occurrence" ADD COLUMN "originalDueAt" DATETIME;

-- CreateTable
CREATE TABLE "CadenceHistory" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "cadenceId" TEXT NOT NULL,
    "changedBySlackUserId" TEXT,
    "changedAt" DATETIME NOT NULL,
    "summary" TEXT NOT NULL,
    "before" JSONB NOT NULL,
    "after" JSONB NOT NULL,
    CONSTRAINT "CadenceHistory_cadenceId_fkey" FOREIGN KEY ("cadenceId") REFERENCES "Cadence" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Holiday" (
    "slackTeamId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdBySlackUserId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("slackTeamId", "date"),
    CONSTRAINT "Holiday_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Absence" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slackTeamId" TEXT NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "startsOn" TEXT NOT NULL,
    "endsOn" TEXT NOT NULL,
    "createdBySlackUserId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    CONSTRAINT "Absence_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Cadence" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slackTeamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "recurrence" JSONB NOT NULL,
    "timezone" TEXT NOT NULL,
    "channelId" TEXT,
    "driSlackUserId" TEXT,
    "backupSlackUserId" TEXT,
    "reminderOffsetsMinutes" JSONB NOT NULL,
    "escalationGraceMinutes" INTEGER NOT NULL DEFAULT 1440,
    "holidayPolicy" TEXT NOT NULL DEFAULT 'move',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "archivedAt" DATETIME,
    "lastCompletedAt" DATETIME,
    "nextDueAt" DATETIME,
    "unassignedSince" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Cadence_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Cadence" ("active", "backupSlackUserId", "channelId", "createdAt", "driSlackUserId", "escalationGraceMinutes", "id", "kind", "lastCompletedAt", "nextDueAt", "recurrence", "reminderOffsetsMinutes", "slackTeamId", "timezone", "title", "unassignedSince", "updatedAt") SELECT "active", "backupSlackUserId", "channelId", "createdAt", "driSlackUserId", "escalationGraceMinutes", "id", "kind", "lastCompletedAt", "nextDueAt", "recurrence", "reminderOffsetsMinutes", "slackTeamId", "timezone", "title", "unassignedSince", "updatedAt" FROM "Cadence";
DROP TABLE "Cadence";
ALTER TABLE "new_Cadence" RENAME TO "Cadence";
CREATE INDEX "Cadence_active_nextDueAt_idx" ON "Cadence"("active", "nextDueAt");
CREATE INDEX "Cadence_slackTeamId_driSlackUserId_idx" ON "Cadence"("slackTeamId", "driSlackUserId");
CREATE INDEX "Cadence_slackTeamId_backupSlackUserId_idx" ON "Cadence"("slackTeamId", "backupSlackUserId");
CREATE UNIQUE INDEX "Cadence_slackTeamId_title_key" ON "Cadence"("slackTeamId", "title");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "CadenceHistory_cadenceId_changedAt_idx" ON "CadenceHistory"("cadenceId", "changedAt");

-- CreateIndex
CREATE INDEX "Absence_slackTeamId_slackUserId_idx" ON "Absence"("slackTeamId", "slackUserId");

