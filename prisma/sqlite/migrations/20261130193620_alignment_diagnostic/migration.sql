-- CreateTable
CREATE TABLE "DiagnosticRound" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slackTeamId" TEXT NOT NULL,
    "quarter" TEXT NOT NULL,
    "cadenceId" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "remindAt" DATETIME NOT NULL,
    "closesAt" DATETIME NOT NULL,
    "asksSentAt" DATETIME,
    "reminderSentAt" DATETIME,
    "closedAt" DATETIME,
    "results" JSONB,
    "score" REAL,
    "tier" TEXT,
    "resultsPostedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DiagnosticRound_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace" ("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DiagnosticInvite" (
    "roundId" TEXT NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "answered" BOOLEAN NOT NULL DEFAULT false,
    "answerViewId" TEXT,

    PRIMARY KEY ("roundId", "slackUserId"),
    CONSTRAINT "DiagnosticInvite_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "DiagnosticRound" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DiagnosticAnswer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "roundId" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "pattern" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    CONSTRAINT "DiagnosticAnswer_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "DiagnosticRound" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DiagnosticRound_closesAt_idx" ON "DiagnosticRound"("closesAt");

-- CreateIndex
CREATE UNIQUE INDEX "DiagnosticRound_slackTeamId_quarter_key" ON "DiagnosticRound"("slackTeamId", "quarter");

-- CreateIndex
CREATE INDEX "DiagnosticAnswer_roundId_side_idx" ON "DiagnosticAnswer"("roundId", "side");

