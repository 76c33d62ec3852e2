-- DropIndex
DROP INDEX "Lead_slackTeamId_mqlAt_idx";

-- DropIndex
DROP INDEX "Lead_slackTeamId_acceptedAt_idx";

-- DropIndex
DROP INDEX "Lead_slackTeamId_rejectedAt_idx";

-- DropIndex
DROP INDEX "Lead_slackTeamId_closedWonAt_idx";

-- DropIndex
DROP INDEX "Lead_slackTeamId_closedLostAt_idx";

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_mqlAt_covering_idx" ON "Lead"("slackTeamId", "mqlAt", "source", "closedWonAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_acceptedAt_covering_idx" ON "Lead"("slackTeamId", "acceptedAt", "source");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_rejectedAt_covering_idx" ON "Lead"("slackTeamId", "rejectedAt", "source", "rejectionReason", "industry", "companySize", "country");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_closedWonAt_covering_idx" ON "Lead"("slackTeamId", "closedWonAt", "industry", "companySize", "country", "amount", "mqlAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_closedLostAt_covering_idx" ON "Lead"("slackTeamId", "closedLostAt", "industry", "companySize", "country");

