-- One office, 30 templates, 700 units and a round holding them, for bench/count-triggers.sql.
INSERT INTO offices (id, code, name, level, path) VALUES ('00000000-0000-4000-8000-000000000001', 'bench', '基准', 'province', '/bench/');
INSERT INTO task_templates (id, code, office_id, category, title, weight, due_working_days)
  SELECT ('00000000-0000-4000-8001-' || lpad(g::text, 12, '0'))::uuid, 't' || g, '00000000-0000-4000-8000-000000000001', '基准', '任务' || g, 1, 5 FROM generate_series(1, 30) g;
INSERT INTO units (id, code, name, kind, office_id)
  SELECT ('00000000-0000-4000-8002-' || lpad(g::text, 12, '0'))::uuid, 'u' || g, '单位' || g, 'sme', '00000000-0000-4000-8000-000000000001' FROM generate_series(1, 700) g;
INSERT INTO rounds (id, office_id, title, period, spec, launched_at, closes_at, unit_count)
  VALUES ('00000000-0000-4000-8003-000000000001', '00000000-0000-4000-8000-000000000001', '基准', 'bench', '{}', now(), now() + interval '30 days', 700);
INSERT INTO round_units (round_id, unit_id) SELECT '00000000-0000-4000-8003-000000000001', id FROM units;
