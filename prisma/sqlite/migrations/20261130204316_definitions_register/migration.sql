-- CreateTable
CREATE TABLE "DefinitionVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slackTeamId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "terms" JSONB NOT NULL,
    "effectiveOn" TEXT NOT NULL,
    "proposedBySlackUserId" TEXT NOT NULL,
    "proposedAt" DATETIME NOT NULL,
    "marketingApprovedBySlackUserId" TEXT,
    "marketingApprovedAt" DATETIME,
    "salesApprovedBySlackUserId" TEXT,
    "salesApprovedAt" DATETIME,
    "agreedAt" DATETIME,
    "appliedAt" DATETIME,
    "withdrawnAt" DATETIME,
    CONSTRAINT "DefinitionVersion_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReviewDecision" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slackTeamId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "decidedBySlackUserId" TEXT NOT NULL,
    "decidedAt" DATETIME NOT NULL,
    CONSTRAINT "ReviewDecision_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DefinitionVersion_agreedAt_appliedAt_idx" ON "DefinitionVersion"("agreedAt", "appliedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DefinitionVersion_slackTeamId_subject_version_key" ON "DefinitionVersion"("slackTeamId", "subject", "version");

-- CreateIndex
CREATE INDEX "ReviewDecision_slackTeamId_subject_decidedAt_idx" ON "ReviewDecision"("slackTeamId", "subject", "decidedAt");

