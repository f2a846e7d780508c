-- AlterTable
ALTER TABLE "rounds" ADD COLUMN     "catalogue_version_id" UUID;

-- CreateTable
CREATE TABLE "catalogues" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "office_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalogues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalogue_versions" (
    "id" UUID NOT NULL,
    "catalogue_id" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "title" TEXT,
    "published_by" TEXT NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalogue_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalogue_items" (
    "id" UUID NOT NULL,
    "version_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "parent_code" TEXT,
    "title" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "template_id" UUID,

    CONSTRAINT "catalogue_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalogue_crosswalk" (
    "version_id" UUID NOT NULL,
    "from_code" TEXT NOT NULL,
    "to_codes" TEXT[],
    "change" TEXT NOT NULL,
    "stated" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "catalogue_crosswalk_pkey" PRIMARY KEY ("version_id","from_code")
);

-- CreateIndex
CREATE INDEX "rounds_catalogue_version_id_idx" ON "rounds"("catalogue_version_id");

-- CreateIndex
CREATE UNIQUE INDEX "catalogues_code_key" ON "catalogues"("code");

-- CreateIndex
CREATE UNIQUE INDEX "catalogue_versions_catalogue_id_version_key" ON "catalogue_versions"("catalogue_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "catalogue_versions_catalogue_id_seq_key" ON "catalogue_versions"("catalogue_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "catalogue_items_template_id_key" ON "catalogue_items"("template_id");

-- CreateIndex
CREATE UNIQUE INDEX "catalogue_items_version_id_code_key" ON "catalogue_items"("version_id", "code");

-- AddForeignKey
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_catalogue_version_id_fkey" FOREIGN KEY ("catalogue_version_id") REFERENCES "catalogue_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalogues" ADD CONSTRAINT "catalogues_office_id_fkey" FOREIGN KEY ("office_id") REFERENCES "offices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalogue_versions" ADD CONSTRAINT "catalogue_versions_catalogue_id_fkey" FOREIGN KEY ("catalogue_id") REFERENCES "catalogues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalogue_items" ADD CONSTRAINT "catalogue_items_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "catalogue_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalogue_items" ADD CONSTRAINT "catalogue_items_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "task_templates"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalogue_crosswalk" ADD CONSTRAINT "catalogue_crosswalk_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "catalogue_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
