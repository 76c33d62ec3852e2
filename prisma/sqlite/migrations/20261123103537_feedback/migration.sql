-- CreateTable
CREATE TABLE "FeedbackNote" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slackTeamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "authorSlackUserId" TEXT NOT NULL,
    "authorName" TEXT,
    "month" TEXT NOT NULL,
    "sourceViewId" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "submittedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "FeedbackNote_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FeedbackCollection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slackTeamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "cadenceId" TEXT NOT NULL,
    "deadline" DATETIME NOT NULL,
    "askedUserIds" JSONB NOT NULL,
    "reminderSentAt" DATETIME,
    "participationSentAt" DATETIME,
    "rollUpPostedAt" DATETIME,
    "rollUp" JSONB,
    "summarySource" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FeedbackCollection_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "FeedbackNote_slackTeamId_month_kind_idx" ON "FeedbackNote"("slackTeamId", "month", "kind");

-- CreateIndex
CREATE INDEX "FeedbackNote_slackTeamId_authorSlackUserId_month_idx" ON "FeedbackNote"("slackTeamId", "authorSlackUserId", "month");

-- CreateIndex
CREATE UNIQUE INDEX "FeedbackNote_slackTeamId_sourceViewId_key" ON "FeedbackNote"("slackTeamId", "sourceViewId");

-- CreateIndex
CREATE INDEX "FeedbackCollection_deadline_idx" ON "FeedbackCollection"("deadline");

-- CreateIndex
CREATE UNIQUE INDEX "FeedbackCollection_slackTeamId_kind_month_key" ON "FeedbackCollection"("slackTeamId", "kind", "month");

