-- Stage "sequences": what the behaviour embeddings learn from. Each sequence is the training events
-- of one session or one user (params.sequence_grouping), in time order (then the order column, then
-- the file line); sequences come in the order of their first training event in the log. Events
-- with no session (or no user) belong to no sequence.
SELECT keyed.group_key, keyed.item_row, keyed.weight
FROM (
  SELECT
    grouped.group_key,
    grouped.item_row,
    grouped.weight,
    grouped.event_time,
    grouped.event_order,
    grouped.line,
    MIN(grouped.line) OVER (PARTITION BY grouped.group_key) AS first_line
  FROM (
    SELECT
      CASE WHEN p.sequence_grouping = 'session' THEN t.session_id ELSE t.user_id END AS group_key,
      t.item_row,
      t.weight,
      t.event_time,
      t.event_order,
      t.line
    FROM training AS t
    CROSS JOIN params AS p
  ) AS grouped
  WHERE grouped.group_key IS NOT NULL
) AS keyed
ORDER BY keyed.first_line, keyed.event_time, keyed.event_order, keyed.line
