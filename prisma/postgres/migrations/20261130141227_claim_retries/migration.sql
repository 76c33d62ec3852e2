-- AlterTable
ALTER TABLE "Claim" ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Claim_status_doneAt_idx" ON "Claim"("status", "doneAt");

