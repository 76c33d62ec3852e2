-- CreateTable
CREATE TABLE "Cadence" (
    "id" TEXT NOT NULL,
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
    "lastCompletedAt" TIMESTAMP(3),
    "nextDueAt" TIMESTAMP(3),
    "unassignedSince" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cadence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DriChange" (
    "id" TEXT NOT NULL,
    "cadenceId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "fromSlackUserId" TEXT,
    "toSlackUserId" TEXT,
    "changedBySlackUserId" TEXT,
    "reason" TEXT NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DriChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Occurrence" (
    "id" TEXT NOT NULL,
    "cadenceId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "channelId" TEXT,
    "messageTs" TEXT,
    "postedAt" TIMESTAMP(3),
    "doneAt" TIMESTAMP(3),
    "doneBySlackUserId" TEXT,
    "escalatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Occurrence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Claim" (
    "key" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "leaseUntil" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "doneAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Claim_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "CalendarFeed" (
    "id" TEXT NOT NULL,
    "slackTeamId" TEXT NOT NULL,
    "slackUserId" TEXT,
    "tokenHash" TEXT NOT NULL,
    "createdBySlackUserId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "CalendarFeed_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "Cadence" ADD CONSTRAINT "Cadence_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriChange" ADD CONSTRAINT "DriChange_cadenceId_fkey" FOREIGN KEY ("cadenceId") REFERENCES "Cadence"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Occurrence" ADD CONSTRAINT "Occurrence_cadenceId_fkey" FOREIGN KEY ("cadenceId") REFERENCES "Cadence"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarFeed" ADD CONSTRAINT "CalendarFeed_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

