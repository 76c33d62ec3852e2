-- CreateTable
CREATE TABLE "SlaWatch" (
    "slackTeamId" TEXT NOT NULL,
    "crmId" TEXT NOT NULL,
    "mqlAt" DATETIME NOT NULL,
    "arrivedAt" DATETIME NOT NULL,
    "owner" TEXT,
    "team" TEXT,
    "source" TEXT,
    "status" TEXT NOT NULL,
    "slaDueAt" DATETIME NOT NULL,
    "managerDueAt" DATETIME,
    "vpDueAt" DATETIME,
    "reachedStep" INTEGER NOT NULL DEFAULT 0,
    "snoozedUntil" DATETIME,
    "nextStep" TEXT,
    "nextDueAt" DATETIME,
    "batchKey" TEXT,
    "batchStep" TEXT,
    "lastToldAt" DATETIME,
    "touchedAt" DATETIME,

    PRIMARY KEY ("slackTeamId", "crmId")
);

-- CreateTable
CREATE TABLE "SlaRecipient" (
    "slackTeamId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "lastSentAt" DATETIME,
    "batches" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("slackTeamId", "target")
);

-- CreateTable
CREATE TABLE "SalesTeam" (
    "slackTeamId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "managerSlackUserId" TEXT NOT NULL,
    "updatedBySlackUserId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("slackTeamId", "key")
);

-- CreateIndex
CREATE INDEX "SlaWatch_nextDueAt_idx" ON "SlaWatch"("nextDueAt");

-- CreateIndex
CREATE INDEX "SlaWatch_batchKey_idx" ON "SlaWatch"("batchKey");

-- CreateIndex
CREATE INDEX "SlaWatch_slackTeamId_mqlAt_idx" ON "SlaWatch"("slackTeamId", "mqlAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_updatedAt_idx" ON "Lead"("slackTeamId", "updatedAt");

