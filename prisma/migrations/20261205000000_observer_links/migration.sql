-- The token behind each observer's current personal link.
ALTER TABLE "observers" ADD COLUMN "link_token_id" UUID;
CREATE UNIQUE INDEX "observers_link_token_id_key" ON "observers"("link_token_id");
