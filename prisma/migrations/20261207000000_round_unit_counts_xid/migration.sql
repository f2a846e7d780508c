-- Which transaction last changed a unit's counts in a round: its 64-bit id (pg_current_xact_id()).
-- A board whose counts an API process keeps then reloads only the units whose counts a transaction
-- wrote that its last load's snapshot did not see, instead of every unit of its scope.
-- Rows written before this column existed keep NULL: every load from now on has seen them.
ALTER TABLE "round_units" ADD COLUMN "counts_xid" BIGINT;
ALTER TABLE "round_units" ALTER COLUMN "counts_xid" SET DEFAULT pg_current_xact_id()::text::bigint;

-- Marked by whichever statement changes the counts (today round_unit_counts_refresh), and only when they change.
CREATE FUNCTION round_units_counts_xid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.counts_xid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END $$;

CREATE TRIGGER round_units_counts_xid BEFORE UPDATE ON round_units FOR EACH ROW
  WHEN ((OLD.task_count, OLD.issued_count, OLD.submitted_count, OLD.accepted_count, OLD.returned_count, OLD.overdue_count,
         OLD.waived_count, OLD.escalated_count, OLD.max_escalation_level, OLD.next_due_at)
        IS DISTINCT FROM
        (NEW.task_count, NEW.issued_count, NEW.submitted_count, NEW.accepted_count, NEW.returned_count, NEW.overdue_count,
         NEW.waived_count, NEW.escalated_count, NEW.max_escalation_level, NEW.next_due_at))
  EXECUTE FUNCTION round_units_counts_xid();
