-- CreateTable
CREATE TABLE "DiagnosticRound" (
    "id" TEXT NOT NULL,
    "slackTeamId" TEXT NOT NULL,
    "quarter" TEXT NOT NULL,
    "cadenceId" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "remindAt" TIMESTAMP(3) NOT NULL,
    "closesAt" TIMESTAMP(3) NOT NULL,
    "asksSentAt" TIMESTAMP(3),
    "reminderSentAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "results" JSONB,
    "score" DOUBLE PRECISION,
    "tier" TEXT,
    "resultsPostedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DiagnosticRound_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiagnosticInvite" (
    "roundId" TEXT NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "answered" BOOLEAN NOT NULL DEFAULT false,
    "answerViewId" TEXT,

    CONSTRAINT "DiagnosticInvite_pkey" PRIMARY KEY ("roundId","slackUserId")
);

-- CreateTable
CREATE TABLE "DiagnosticAnswer" (
    "id" TEXT NOT NULL,
    "roundId" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "pattern" TEXT NOT NULL,
    "score" INTEGER NOT NULL,

    CONSTRAINT "DiagnosticAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DiagnosticRound_closesAt_idx" ON "DiagnosticRound"("closesAt");

-- CreateIndex
CREATE UNIQUE INDEX "DiagnosticRound_slackTeamId_quarter_key" ON "DiagnosticRound"("slackTeamId", "quarter");

-- CreateIndex
CREATE INDEX "DiagnosticAnswer_roundId_side_idx" ON "DiagnosticAnswer"("roundId", "side");

-- AddForeignKey
ALTER TABLE "DiagnosticRound" ADD CONSTRAINT "DiagnosticRound_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiagnosticInvite" ADD CONSTRAINT "DiagnosticInvite_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "DiagnosticRound"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiagnosticAnswer" ADD CONSTRAINT "DiagnosticAnswer_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "DiagnosticRound"("id") ON DELETE CASCADE ON UPDATE CASCADE;

