-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "include_subtree" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "kinds" TEXT[];

-- AlterTable
ALTER TABLE "notification_deliveries" ADD COLUMN     "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "notification_deliveries_webhook_id_delivered_at_idx" ON "notification_deliveries"("webhook_id", "delivered_at");
