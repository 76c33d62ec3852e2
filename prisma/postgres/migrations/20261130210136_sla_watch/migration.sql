-- CreateTable
CREATE TABLE "SlaWatch" (
    "slackTeamId" TEXT NOT NULL,
    "crmId" TEXT NOT NULL,
    "mqlAt" TIMESTAMP(3) NOT NULL,
    "arrivedAt" TIMESTAMP(3) NOT NULL,
    "owner" TEXT,
    "team" TEXT,
    "source" TEXT,
    "status" TEXT NOT NULL,
    "slaDueAt" TIMESTAMP(3) NOT NULL,
    "managerDueAt" TIMESTAMP(3),
    "vpDueAt" TIMESTAMP(3),
    "reachedStep" INTEGER NOT NULL DEFAULT 0,
    "snoozedUntil" TIMESTAMP(3),
    "nextStep" TEXT,
    "nextDueAt" TIMESTAMP(3),
    "batchKey" TEXT,
    "batchStep" TEXT,
    "lastToldAt" TIMESTAMP(3),
    "touchedAt" TIMESTAMP(3),

    CONSTRAINT "SlaWatch_pkey" PRIMARY KEY ("slackTeamId","crmId")
);

-- CreateTable
CREATE TABLE "SlaRecipient" (
    "slackTeamId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "lastSentAt" TIMESTAMP(3),
    "batches" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SlaRecipient_pkey" PRIMARY KEY ("slackTeamId","target")
);

-- CreateTable
CREATE TABLE "SalesTeam" (
    "slackTeamId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "managerSlackUserId" TEXT NOT NULL,
    "updatedBySlackUserId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SalesTeam_pkey" PRIMARY KEY ("slackTeamId","key")
);

-- CreateIndex
CREATE INDEX "SlaWatch_nextDueAt_idx" ON "SlaWatch"("nextDueAt");

-- CreateIndex
CREATE INDEX "SlaWatch_batchKey_idx" ON "SlaWatch"("batchKey");

-- CreateIndex
CREATE INDEX "SlaWatch_slackTeamId_mqlAt_idx" ON "SlaWatch"("slackTeamId", "mqlAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_updatedAt_idx" ON "Lead"("slackTeamId", "updatedAt");

