-- CreateTable
CREATE TABLE "Cadence" (
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
    "active" BOOLEAN NOT NULL DEFAULT true,
    "lastCompletedAt" DATETIME,
    "nextDueAt" DATETIME,
    "unassignedSince" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Cadence_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DriChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "cadenceId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "fromSlackUserId" TEXT,
    "toSlackUserId" TEXT,
    "changedBySlackUserId" TEXT,
    "reason" TEXT NOT NULL,
    "changedAt" DATETIME NOT NULL,
    CONSTRAINT "DriChange_cadenceId_fkey" FOREIGN KEY ("cadenceId") REFERENCES "Cadence" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Occurrence" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "cadenceId" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "channelId" TEXT,
    "messageTs" TEXT,
    "postedAt" DATETIME,
    "doneAt" DATETIME,
    "doneBySlackUserId" TEXT,
    "escalatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Occurrence_cadenceId_fkey" FOREIGN KEY ("cadenceId") REFERENCES "Cadence" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Claim" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "leaseUntil" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "doneAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "CalendarFeed" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slackTeamId" TEXT NOT NULL,
    "slackUserId" TEXT,
    "tokenHash" TEXT NOT NULL,
    "createdBySlackUserId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME,
    CONSTRAINT "CalendarFeed_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Cadence_active_nextDueAt_idx" ON "Cadence"("active", "nextDueAt");

-- CreateIndex
CREATE INDEX "Cadence_slackTeamId_driSlackUserId_idx" ON "Cadence"("slackTeamId", "driSlackUserId");

-- CreateIndex
CREATE INDEX "Cadence_slackTeamId_backupSlackUserId_idx" ON "Cadence"("slackTeamId", "backupSlackUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Cadence_slackTeamId_title_key" ON "Cadence"("slackTeamId", "title");

-- CreateIndex
CREATE INDEX "DriChange_cadenceId_changedAt_idx" ON "DriChange"("cadenceId", "changedAt");

-- CreateIndex
CREATE INDEX "Occurrence_status_dueAt_idx" ON "Occurrence"("status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Occurrence_cadenceId_dueAt_key" ON "Occurrence"("cadenceId", "dueAt");

-- CreateIndex
CREATE INDEX "Claim_status_leaseUntil_idx" ON "Claim"("status", "leaseUntil");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarFeed_tokenHash_key" ON "CalendarFeed"("tokenHash");

-- CreateIndex
CREATE INDEX "CalendarFeed_slackTeamId_slackUserId_idx" ON "CalendarFeed"("slackTeamId", "slackUserId");

