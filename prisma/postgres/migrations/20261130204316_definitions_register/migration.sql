-- CreateTable
CREATE TABLE "DefinitionVersion" (
    "id" TEXT NOT NULL,
    "slackTeamId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "terms" JSONB NOT NULL,
    "effectiveOn" TEXT NOT NULL,
    "proposedBySlackUserId" TEXT NOT NULL,
    "proposedAt" TIMESTAMP(3) NOT NULL,
    "marketingApprovedBySlackUserId" TEXT,
    "marketingApprovedAt" TIMESTAMP(3),
    "salesApprovedBySlackUserId" TEXT,
    "salesApprovedAt" TIMESTAMP(3),
    "agreedAt" TIMESTAMP(3),
    "appliedAt" TIMESTAMP(3),
    "withdrawnAt" TIMESTAMP(3),

    CONSTRAINT "DefinitionVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewDecision" (
    "id" TEXT NOT NULL,
    "slackTeamId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "decidedBySlackUserId" TEXT NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewDecision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DefinitionVersion_agreedAt_appliedAt_idx" ON "DefinitionVersion"("agreedAt", "appliedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DefinitionVersion_slackTeamId_subject_version_key" ON "DefinitionVersion"("slackTeamId", "subject", "version");

-- CreateIndex
CREATE INDEX "ReviewDecision_slackTeamId_subject_decidedAt_idx" ON "ReviewDecision"("slackTeamId", "subject", "decidedAt");

-- AddForeignKey
ALTER TABLE "DefinitionVersion" ADD CONSTRAINT "DefinitionVersion_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewDecision" ADD CONSTRAINT "ReviewDecision_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

