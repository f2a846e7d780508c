-- Round counts per office subtree: for each round and each office with any of the round's units
-- in its subtree, the sums of those units' counts (round_units). Kept by triggers on round_units
-- and on units (a unit moved to another office), in the writer's own transaction, so an office
-- reads its round's counts from one row instead of summing one row per unit (20,000 in a
-- national round).
CREATE TABLE "round_office_counts" (
    "round_id" UUID NOT NULL,
    "office_id" UUID NOT NULL,
    "units" INTEGER NOT NULL DEFAULT 0,
    "waiting_units" INTEGER NOT NULL DEFAULT 0,
    "task_count" INTEGER NOT NULL DEFAULT 0,
    "submitted_count" INTEGER NOT NULL DEFAULT 0,
    "accepted_count" INTEGER NOT NULL DEFAULT 0,
    "returned_count" INTEGER NOT NULL DEFAULT 0,
    "overdue_count" INTEGER NOT NULL DEFAULT 0,
    "waived_count" INTEGER NOT NULL DEFAULT 0,
    "escalated_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "round_office_counts_pkey" PRIMARY KEY ("round_id","office_id")
);

ALTER TABLE "round_office_counts" ADD CONSTRAINT "round_office_counts_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "rounds"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "round_office_counts" ADD CONSTRAINT "round_office_counts_office_id_fkey" FOREIGN KEY ("office_id") REFERENCES "offices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Adds changes of units' counts to the rows of every office above each unit (its own included).
-- Each element of the arrays is one change: the round, the unit's office, and the change of
-- each count. Rows are written in key order, so concurrent writers lock them in the same order.
CREATE FUNCTION round_office_counts_add(
  p_round uuid[], p_office uuid[], p_units int[], p_waiting int[], p_tasks int[], p_submitted int[],
  p_accepted int[], p_returned int[], p_overdue int[], p_waived int[], p_escalated int[]
) RETURNS void
LANGUAGE sql AS $$
  WITH RECURSIVE d AS (
    SELECT * FROM unnest(p_round, p_office, p_units, p_waiting, p_tasks, p_submitted, p_accepted, p_returned, p_overdue, p_waived, p_escalated)
      AS x(round_id, office_id, units, waiting, tasks, submitted, accepted, returned, overdue, waived, escalated)
  ), up(origin, office_id) AS (
    SELECT DISTINCT office_id, office_id FROM d
    UNION ALL
    SELECT up.origin, o.parent_id FROM up JOIN offices o ON o.id = up.office_id WHERE o.parent_id IS NOT NULL
  )
  INSERT INTO round_office_counts AS c
    (round_id, office_id, units, waiting_units, task_count, submitted_count, accepted_count, returned_count, overdue_count, waived_count, escalated_count)
  SELECT d.round_id, up.office_id, sum(d.units), sum(d.waiting), sum(d.tasks), sum(d.submitted), sum(d.accepted),
         sum(d.returned), sum(d.overdue), sum(d.waived), sum(d.escalated)
  FROM d JOIN up ON up.origin = d.office_id
  GROUP BY d.round_id, up.office_id
  ORDER BY d.round_id, up.office_id
  ON CONFLICT (round_id, office_id) DO UPDATE SET
    units = c.units + excluded.units,
    waiting_units = c.waiting_units + excluded.waiting_units,
    task_count = c.task_count + excluded.task_count,
    submitted_count = c.submitted_count + excluded.submitted_count,
    accepted_count = c.accepted_count + excluded.accepted_count,
    returned_count = c.returned_count + excluded.returned_count,
    overdue_count = c.overdue_count + excluded.overdue_count,
    waived_count = c.waived_count + excluded.waived_count,
    escalated_count = c.escalated_count + excluded.escalated_count
$$;

-- A round unit's share of the counts, signed: +1 as it is, -1 to take it away.
CREATE FUNCTION round_office_counts_share(p_sign int, p_rows jsonb) RETURNS void
LANGUAGE sql AS $$
  SELECT round_office_counts_add(
    array_agg(r.round_id), array_agg(r.office_id), array_agg(p_sign), array_agg(p_sign * (r.task_count = 0)::int),
    array_agg(p_sign * r.task_count), array_agg(p_sign * r.submitted_count), array_agg(p_sign * r.accepted_count),
    array_agg(p_sign * r.returned_count), array_agg(p_sign * r.overdue_count), array_agg(p_sign * r.waived_count),
    array_agg(p_sign * r.escalated_count))
  FROM jsonb_to_recordset(p_rows) AS r(round_id uuid, office_id uuid, task_count int, submitted_count int, accepted_count int,
                                       returned_count int, overdue_count int, waived_count int, escalated_count int)
  HAVING count(*) > 0
$$;

CREATE FUNCTION round_units_office_counts_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM round_office_counts_share(1, (SELECT jsonb_agg(to_jsonb(n) || jsonb_build_object('office_id', u.office_id)) FROM new_rows n JOIN units u ON u.id = n.unit_id));
  RETURN NULL;
END $$;

CREATE FUNCTION round_units_office_counts_after_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM round_office_counts_share(-1, (SELECT jsonb_agg(to_jsonb(o) || jsonb_build_object('office_id', u.office_id)) FROM old_rows o JOIN units u ON u.id = o.unit_id));
  RETURN NULL;
END $$;

-- Only rows whose counts changed (not issued_at, closed_at, next_due_at or the highest level).
CREATE FUNCTION round_units_office_counts_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE r uuid[]; f uuid[]; w int[]; t int[]; s int[]; a int[]; rt int[]; ov int[]; wv int[]; e int[];
BEGIN
  SELECT array_agg(n.round_id), array_agg(u.office_id),
         array_agg((n.task_count = 0)::int - (o.task_count = 0)::int), array_agg(n.task_count - o.task_count),
         array_agg(n.submitted_count - o.submitted_count), array_agg(n.accepted_count - o.accepted_count),
         array_agg(n.returned_count - o.returned_count), array_agg(n.overdue_count - o.overdue_count),
         array_agg(n.waived_count - o.waived_count), array_agg(n.escalated_count - o.escalated_count)
    INTO r, f, w, t, s, a, rt, ov, wv, e
    FROM new_rows n JOIN old_rows o ON o.round_id = n.round_id AND o.unit_id = n.unit_id JOIN units u ON u.id = n.unit_id
   WHERE (n.task_count, n.submitted_count, n.accepted_count, n.returned_count, n.overdue_count, n.waived_count, n.escalated_count)
         IS DISTINCT FROM (o.task_count, o.submitted_count, o.accepted_count, o.returned_count, o.overdue_count, o.waived_count, o.escalated_count);
  IF r IS NOT NULL THEN
    PERFORM round_office_counts_add(r, f, array_fill(0, ARRAY[cardinality(r)]), w, t, s, a, rt, ov, wv, e);
  END IF;
  RETURN NULL;
END $$;

-- A unit moved to another office takes its share of every round with it.
CREATE FUNCTION units_office_counts_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM round_office_counts_share(-1, (
    SELECT jsonb_agg(to_jsonb(ru) || jsonb_build_object('office_id', o.office_id))
      FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN round_units ru ON ru.unit_id = o.id
     WHERE n.office_id IS DISTINCT FROM o.office_id));
  PERFORM round_office_counts_share(1, (
    SELECT jsonb_agg(to_jsonb(ru) || jsonb_build_object('office_id', n.office_id))
      FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN round_units ru ON ru.unit_id = o.id
     WHERE n.office_id IS DISTINCT FROM o.office_id));
  RETURN NULL;
END $$;

CREATE TRIGGER round_units_office_counts_insert AFTER INSERT ON round_units REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION round_units_office_counts_after_insert();
CREATE TRIGGER round_units_office_counts_update AFTER UPDATE ON round_units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION round_units_office_counts_after_update();
CREATE TRIGGER round_units_office_counts_delete AFTER DELETE ON round_units REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION round_units_office_counts_after_delete();
CREATE TRIGGER units_office_counts_update AFTER UPDATE ON units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION units_office_counts_after_update();

-- Rounds recorded before these counts existed.
SELECT round_office_counts_share(1, (SELECT jsonb_agg(to_jsonb(ru) || jsonb_build_object('office_id', u.office_id)) FROM round_units ru JOIN units u ON u.id = ru.unit_id));
