-- AlterTable
ALTER TABLE "CrmConnection" ADD COLUMN     "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failingSince" TIMESTAMP(3),
ADD COLUMN     "failureNoticeSince" TIMESTAMP(3);

