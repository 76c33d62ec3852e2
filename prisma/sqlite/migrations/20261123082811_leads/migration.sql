-- CreateTable
CREATE TABLE "Lead" (
    "slackTeamId" TEXT NOT NULL,
    "crmId" TEXT NOT NULL,
    "mqlAt" DATETIME NOT NULL,
    "firstTouchAt" DATETIME,
    "acceptedAt" DATETIME,
    "rejectedAt" DATETIME,
    "rejectionReason" TEXT,
    "opportunityAt" DATETIME,
    "closedWonAt" DATETIME,
    "closedLostAt" DATETIME,
    "amount" DECIMAL,
    "owner" TEXT,
    "team" TEXT,
    "source" TEXT,
    "sourcedBy" TEXT NOT NULL DEFAULT 'marketing',
    "influenced" BOOLEAN NOT NULL DEFAULT false,
    "industry" TEXT,
    "companySize" TEXT,
    "country" TEXT,
    "contentHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("slackTeamId", "crmId"),
    CONSTRAINT "Lead_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
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

