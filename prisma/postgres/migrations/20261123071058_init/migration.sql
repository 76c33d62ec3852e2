-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Workspace" (
    "slackTeamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "botUserId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("slackTeamId")
);

-- CreateTable
CREATE TABLE "Person" (
    "slackTeamId" TEXT NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "displayName" TEXT,
    "email" TEXT,
    "timezone" TEXT,
    "managerSlackUserId" TEXT,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "isOwner" BOOLEAN NOT NULL DEFAULT false,
    "isBot" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "deactivatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("slackTeamId","slackUserId")
);

-- CreateIndex
CREATE INDEX "Person_slackTeamId_active_idx" ON "Person"("slackTeamId", "active");

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_slackTeamId_fkey" FOREIGN KEY ("slackTeamId") REFERENCES "Workspace"("slackTeamId") ON DELETE CASCADE ON UPDATE CASCADE;

