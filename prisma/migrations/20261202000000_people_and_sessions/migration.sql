-- People who sign in as themselves, their sessions and invitations; roles and expiry for tokens;
-- and the person (or token) named on launches, submissions and reviews.

-- CreateEnum
CREATE TYPE "PersonRole" AS ENUM ('admin', 'supervisor', 'viewer', 'unit_contact');

-- CreateEnum
CREATE TYPE "TokenRole" AS ENUM ('full', 'admin', 'supervisor', 'viewer');

-- AlterTable
ALTER TABLE "api_tokens"
  ADD COLUMN "role" "TokenRole" NOT NULL DEFAULT 'full',
  ADD COLUMN "expires_at" TIMESTAMPTZ(3),
  ADD COLUMN "created_by" TEXT;

-- AlterTable
ALTER TABLE "rounds" ADD COLUMN "launched_by" TEXT;

-- AlterTable
ALTER TABLE "submissions" ADD COLUMN "submitted_by" TEXT, ADD COLUMN "reviewed_by" TEXT;

-- CreateTable
CREATE TABLE "people" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "role" "PersonRole" NOT NULL,
    "office_id" UUID,
    "unit_id" UUID,
    "password_hash" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,
    "deactivated_at" TIMESTAMPTZ(3),

    CONSTRAINT "people_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "person_id" UUID NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "method" TEXT NOT NULL DEFAULT 'password',

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invitations" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "person_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "people_username_key" ON "people"("username");

-- CreateIndex
CREATE INDEX "people_office_id_idx" ON "people"("office_id");

-- CreateIndex
CREATE INDEX "people_unit_id_idx" ON "people"("unit_id");

-- CreateIndex
CREATE INDEX "sessions_person_id_idx" ON "sessions"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations"("token_hash");

-- CreateIndex
CREATE INDEX "invitations_person_id_idx" ON "invitations"("person_id");

-- AddForeignKey
ALTER TABLE "people" ADD CONSTRAINT "people_office_id_fkey" FOREIGN KEY ("office_id") REFERENCES "offices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "people" ADD CONSTRAINT "people_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
