-- AlterTable
ALTER TABLE "Claim" ADD COLUMN "lastError" TEXT;
ALTER TABLE "Claim" ADD COLUMN "nextAttemptAt" DATETIME;

-- CreateIndex
CREATE INDEX "Claim_status_doneAt_idx" ON "Claim"("status", "doneAt");

