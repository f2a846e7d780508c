-- Per-unit counts of a round, kept by triggers on tasks in the writer's own transaction, so
-- round counts and the supervision board read one row per unit instead of counting tasks.
ALTER TABLE "round_units"
  ADD COLUMN "task_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "issued_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "submitted_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "accepted_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "returned_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "overdue_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "waived_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "escalated_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "max_escalation_level" "EscalationLevel",
  ADD COLUMN "next_due_at" TIMESTAMPTZ(3);

-- Recounts the given (round, unit) pairs from their tasks. The rows are locked first and counted
-- in a later statement, whose snapshot then includes whatever a concurrent writer committed.
CREATE FUNCTION round_unit_counts_refresh(p_rounds uuid[], p_units uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM round_units ru
    JOIN unnest(p_rounds, p_units) AS k(round_id, unit_id) ON ru.round_id = k.round_id AND ru.unit_id = k.unit_id
    ORDER BY ru.round_id, ru.unit_id
    FOR UPDATE OF ru;
  UPDATE round_units ru SET
    task_count = c.total,
    issued_count = c.issued,
    submitted_count = c.submitted,
    accepted_count = c.accepted,
    returned_count = c.returned,
    overdue_count = c.overdue,
    waived_count = c.waived,
    escalated_count = c.escalated,
    max_escalation_level = c.max_level,
    next_due_at = c.next_due
  FROM (
    SELECT k.round_id, k.unit_id,
      count(t.id)::int AS total,
      count(t.id) FILTER (WHERE t.status = 'issued')::int AS issued,
      count(t.id) FILTER (WHERE t.status = 'submitted')::int AS submitted,
      count(t.id) FILTER (WHERE t.status = 'accepted')::int AS accepted,
      count(t.id) FILTER (WHERE t.status = 'returned')::int AS returned,
      count(t.id) FILTER (WHERE t.status = 'overdue')::int AS overdue,
      count(t.id) FILTER (WHERE t.status = 'waived')::int AS waived,
      count(t.id) FILTER (WHERE t.escalation_level IN ('escalated', 'public_notice'))::int AS escalated,
      max(t.escalation_level) AS max_level,
      min(t.due_at) FILTER (WHERE t.status IN ('issued', 'returned')) AS next_due
    FROM (SELECT DISTINCT * FROM unnest(p_rounds, p_units) AS x(round_id, unit_id)) k
    LEFT JOIN tasks t ON t.round_id = k.round_id AND t.unit_id = k.unit_id
    GROUP BY k.round_id, k.unit_id
  ) c
  WHERE ru.round_id = c.round_id AND ru.unit_id = c.unit_id;
END $$;

CREATE FUNCTION tasks_counts_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE r uuid[]; u uuid[];
BEGIN
  SELECT array_agg(round_id), array_agg(unit_id) INTO r, u FROM (SELECT DISTINCT round_id, unit_id FROM new_rows) k;
  IF r IS NOT NULL THEN PERFORM round_unit_counts_refresh(r, u); END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION tasks_counts_after_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE r uuid[]; u uuid[];
BEGIN
  SELECT array_agg(round_id), array_agg(unit_id) INTO r, u FROM (SELECT DISTINCT round_id, unit_id FROM old_rows) k;
  IF r IS NOT NULL THEN PERFORM round_unit_counts_refresh(r, u); END IF;
  RETURN NULL;
END $$;

-- Only changes of what the counts read (status, escalation level, due instant, owner) recount.
CREATE FUNCTION tasks_counts_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE r uuid[]; u uuid[];
BEGIN
  SELECT array_agg(round_id), array_agg(unit_id) INTO r, u FROM (
    SELECT n.round_id, n.unit_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.status IS DISTINCT FROM o.status OR n.escalation_level IS DISTINCT FROM o.escalation_level
         OR n.due_at IS DISTINCT FROM o.due_at OR n.round_id IS DISTINCT FROM o.round_id OR n.unit_id IS DISTINCT FROM o.unit_id
    UNION
    SELECT o.round_id, o.unit_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.round_id IS DISTINCT FROM o.round_id OR n.unit_id IS DISTINCT FROM o.unit_id
  ) k;
  IF r IS NOT NULL THEN PERFORM round_unit_counts_refresh(r, u); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER tasks_counts_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tasks_counts_after_insert();
CREATE TRIGGER tasks_counts_update AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tasks_counts_after_update();
CREATE TRIGGER tasks_counts_delete AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tasks_counts_after_delete();

-- Rounds recorded before the counts existed.
SELECT round_unit_counts_refresh(array_agg(round_id), array_agg(unit_id)) FROM round_units;
