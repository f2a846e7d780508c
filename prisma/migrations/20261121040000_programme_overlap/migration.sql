-- AlterTable
ALTER TABLE "programmes" ADD COLUMN     "overlap" TEXT NOT NULL DEFAULT 'skip';
