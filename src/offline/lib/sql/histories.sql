-- Stage "histories": each user's positive training events in time order (then the order column,
-- then the file line), for the builder's quantisation check; users in the order of their first
-- training event in the log (a negative one included). Guests (a null user_id) have no history.
SELECT keyed.user_id, keyed.item_row
FROM (
  SELECT
    training.user_id,
    training.item_row,
    training.weight,
    training.event_time,
    training.event_order,
    training.line,
    MIN(training.line) OVER (PARTITION BY training.user_id) AS first_line
  FROM training
  WHERE training.user_id IS NOT NULL
) AS keyed
WHERE keyed.weight > 0
ORDER BY keyed.first_line, keyed.event_time, keyed.event_order, keyed.line
