-- CreateTable
CREATE TABLE "FeedbackNote" (
    "id" TEXT NOT NULL,
    "slackTeamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "authorSlackUserId" TEXT NOT NULL,
    "authorName" TEXT,
    "month" TEXT NOT NULL,
    "sourceViewId" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedbackNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeedbackCollection" (
    "id" TEXT NOT NULL,
    "slackTeamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "cadenceId" TEXT NOT NULL,
    "deadline" TIMESTAMP(3) NOT NULL,
    "askedUserIds" JSONB NOT NULL,
    "reminderSentAt" TIMESTAMP(3),
    "participationSentAt" TIMESTAMP(3),
    "rollUpPostedAt" TIMESTAMP(3),
    "rollUp" JSONB,
    "summarySource" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FeedbackCollection_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "FeedbackNote" ADD CONSTRAINT "FeedbackNote_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeedbackCollection" ADD CONSTRAINT "FeedbackCollection_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

