-- AlterTable
ALTER TABLE "Cadence" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "holidayPolicy" TEXT NOT NULL DEFAULT 'move';

-- AlterTable
ALTER TABLE "Occurrence" ADD COLUMN     "changedBySlackUserId" TEXT,
ADD COLUMN     "movedToAt" TIMESTAMP(3),
ADD COLUMN     "note" TEXT,
ADD COLUMN     "originalDueAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CadenceHistory" (
    "id" TEXT NOT NULL,
    "cadenceId" TEXT NOT NULL,
    "changedBySlackUserId" TEXT,
    "changedAt" TIMESTAMP(3) NOT NULL,
    "summary" TEXT NOT NULL,
    "before" JSONB NOT NULL,
    "after" JSONB NOT NULL,

    CONSTRAINT "CadenceHistory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Holiday" (
    "slackTeamId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdBySlackUserId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Holiday_pkey" PRIMARY KEY ("slackTeamId","date")
);

-- CreateTable
CREATE TABLE "Absence" (
    "id" TEXT NOT NULL,
    "slackTeamId" TEXT NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "startsOn" TEXT NOT NULL,
    "endsOn" TEXT NOT NULL,
    "createdBySlackUserId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "Absence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CadenceHistory_cadenceId_changedAt_idx" ON "CadenceHistory"("cadenceId", "changedAt");

-- CreateIndex
CREATE INDEX "Absence_slackTeamId_slackUserId_idx" ON "Absence"("slackTeamId", "slackUserId");

-- AddForeignKey
ALTER TABLE "CadenceHistory" ADD CONSTRAINT "CadenceHistory_cadenceId_fkey" FOREIGN KEY ("cadenceId") REFERENCES "Cadence"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Holiday" ADD CONSTRAINT "Holiday_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Absence" ADD CONSTRAINT "Absence_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

