-- The write cost of the per-unit count triggers (migration 20261201010000_round_unit_counts), measured
-- in the database alone: 700 units x 30 tasks written as the activities write them, one statement per
-- unit (issue 30 tasks; turn them overdue; raise their escalation level). Run it in a scratch database
-- with the migrations applied and bench/count-triggers-seed.sql loaded, with the triggers and again
-- after dropping them (DROP TRIGGER tasks_counts_insert|tasks_counts_update|tasks_counts_delete ON tasks),
-- alternating; it prints the milliseconds of each phase. Results: bench/RESULTS.md.
-- One statement per unit, as the activities write: issue 30 tasks, turn them overdue, raise their level.
TRUNCATE tasks CASCADE;
UPDATE round_units SET task_count = 0, issued_count = 0, overdue_count = 0, escalated_count = 0, max_escalation_level = NULL, next_due_at = NULL;
VACUUM ANALYZE tasks; VACUUM ANALYZE round_units;
DO $$
DECLARE u record; t0 timestamptz; t1 timestamptz; t2 timestamptz; t3 timestamptz;
BEGIN
  t0 := clock_timestamp();
  FOR u IN SELECT id FROM units ORDER BY code LOOP
    INSERT INTO tasks (id, round_id, unit_id, template_id, code, title, category, weight, evidence_required, due_date, due_at)
      SELECT gen_random_uuid(), '00000000-0000-4000-8003-000000000001', u.id, tt.id, tt.code, tt.title, tt.category, 1, '{}', '2026-12-01', now() - interval '1 day' FROM task_templates tt;
  END LOOP;
  t1 := clock_timestamp();
  FOR u IN SELECT id FROM units ORDER BY code LOOP
    UPDATE tasks SET status = 'overdue' WHERE unit_id = u.id AND round_id = '00000000-0000-4000-8003-000000000001' AND status IN ('issued', 'returned');
  END LOOP;
  t2 := clock_timestamp();
  FOR u IN SELECT id FROM units ORDER BY code LOOP
    UPDATE tasks SET escalation_level = 'overdue' WHERE unit_id = u.id AND round_id = '00000000-0000-4000-8003-000000000001';
  END LOOP;
  t3 := clock_timestamp();
  RAISE NOTICE 'insert % ms, overdue % ms, level % ms',
    round(extract(epoch FROM t1 - t0) * 1000), round(extract(epoch FROM t2 - t1) * 1000), round(extract(epoch FROM t3 - t2) * 1000);
END $$;
SELECT sum(task_count) AS counted, sum(overdue_count) AS overdue FROM round_units;
