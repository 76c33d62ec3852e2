-- CreateTable
CREATE TABLE "Lead" (
    "slackTeamId" TEXT NOT NULL,
    "crmId" TEXT NOT NULL,
    "mqlAt" TIMESTAMP(3) NOT NULL,
    "firstTouchAt" TIMESTAMP(3),
    "acceptedAt" TIMESTAMP(3),
    "rejectedAt" TIMESTAMP(3),
    "rejectionReason" TEXT,
    "opportunityAt" TIMESTAMP(3),
    "closedWonAt" TIMESTAMP(3),
    "closedLostAt" TIMESTAMP(3),
    "amount" DECIMAL(65,30),
    "owner" TEXT,
    "team" TEXT,
    "source" TEXT,
    "sourcedBy" TEXT NOT NULL DEFAULT 'marketing',
    "influenced" BOOLEAN NOT NULL DEFAULT false,
    "industry" TEXT,
    "companySize" TEXT,
    "country" TEXT,
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lead_pkey" PRIMARY KEY ("slackTeamId","crmId")
);

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_mqlAt_idx" ON "Lead"("slackTeamId", "mqlAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_acceptedAt_idx" ON "Lead"("slackTeamId", "acceptedAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_rejectedAt_idx" ON "Lead"("slackTeamId", "rejectedAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_opportunityAt_idx" ON "Lead"("slackTeamId", "opportunityAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_closedWonAt_idx" ON "Lead"("slackTeamId", "closedWonAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_closedLostAt_idx" ON "Lead"("slackTeamId", "closedLostAt");

-- AddForeignKey
ALTER TABLE "Lead" ADD CONSTRAINT "Lead_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

