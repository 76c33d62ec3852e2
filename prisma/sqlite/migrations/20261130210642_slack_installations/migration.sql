-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "enterpriseId" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "uninstalledAt" DATETIME;

-- CreateTable
CREATE TABLE "SlackInstallation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "enterpriseId" TEXT,
    "teamId" TEXT,
    "isEnterpriseInstall" BOOLEAN NOT NULL DEFAULT false,
    "teamName" TEXT,
    "enterpriseName" TEXT,
    "appId" TEXT,
    "botId" TEXT NOT NULL,
    "botUserId" TEXT NOT NULL,
    "botScopes" TEXT NOT NULL,
    "botToken" TEXT NOT NULL,
    "botRefreshToken" TEXT,
    "botTokenExpiresAt" DATETIME,
    "installerUserId" TEXT NOT NULL,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OAuthState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "installOptions" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SlackInstallation_enterpriseId_idx" ON "SlackInstallation"("enterpriseId");

