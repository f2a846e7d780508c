-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "observer_id" UUID;

-- CreateIndex
CREATE INDEX "notifications_observer_id_idx" ON "notifications"("observer_id");
