-- DropIndex
DROP INDEX "Lead_slackTeamId_closedWonAt_idx";

-- DropIndex
DROP INDEX "Lead_slackTeamId_closedLostAt_idx";

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_closedWonAt_covering_idx" ON "Lead"("slackTeamId", "closedWonAt", "industry", "companySize", "country", "amount", "mqlAt");

-- CreateIndex
CREATE INDEX "Lead_slackTeamId_closedLostAt_covering_idx" ON "Lead"("slackTeamId", "closedLostAt", "industry", "companySize", "country");

