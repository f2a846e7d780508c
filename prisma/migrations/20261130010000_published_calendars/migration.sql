-- CreateTable
CREATE TABLE "published_calendars" (
    "year" INTEGER NOT NULL,
    "holidays" TEXT[],
    "workdays" TEXT[],
    "published_by" TEXT NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "published_calendars_pkey" PRIMARY KEY ("year")
);
