-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "ladder_provisional" BOOLEAN NOT NULL DEFAULT false;
