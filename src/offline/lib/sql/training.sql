-- Stage "training": the training events, every usable event but those held out for evaluation.
--
-- Reads events(item_row, user_id, session_id, event_time, event_order, weight, line), one row
-- per usable event of the log (user_id, session_id: the ids as read, null for none), and the one-row
-- params(holdout_last, train_before, sequence_grouping, half_life_ms).
-- The builder keeps the result as the table training, which the later stages read (the split).
-- Held out: each user's last holdout_last events, by time, then the order column, then the file
-- line; and, when train_before is not null, every event at or after it (guests included).
SELECT
  ranked.item_row,
  ranked.user_id,
  ranked.session_id,
  ranked.event_time,
  ranked.event_order,
  ranked.weight,
  ranked.line
FROM (
  SELECT
    events.item_row,
    events.user_id,
    events.session_id,
    events.event_time,
    events.event_order,
    events.weight,
    events.line,
    ROW_NUMBER() OVER (PARTITION BY events.user_id ORDER BY events.event_time DESC, events.event_order DESC, events.line DESC) AS from_last
  FROM events
) AS ranked
CROSS JOIN params
WHERE NOT (ranked.user_id IS NOT NULL AND ranked.from_last <= params.holdout_last)
  AND (params.train_before IS NULL OR ranked.event_time < params.train_before)
