-- Documents an event carries (the 督查通报 with a public notice); their bytes are blobs.
CREATE TABLE "notification_attachments" (
    "notification_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "round_id" UUID NOT NULL,
    "office_id" UUID NOT NULL,
    "built_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_attachments_pkey" PRIMARY KEY ("notification_id","position")
);

CREATE INDEX "notification_attachments_round_id_office_id_built_at_idx" ON "notification_attachments"("round_id", "office_id", "built_at");

CREATE INDEX "notification_attachments_sha256_idx" ON "notification_attachments"("sha256");

ALTER TABLE "notification_attachments" ADD CONSTRAINT "notification_attachments_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "notification_attachments" ADD CONSTRAINT "notification_attachments_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "blobs"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;
