-- Stage "summary": the counts the build report gives for the split, and how many users have a
-- history (a positive training event) for the histories stage's sample (one row). A stage over an
-- empty training table gives a null ungrouped_events and latest_time.
SELECT
  logged.usable_events,
  logged.users,
  kept.training_events,
  kept.ungrouped_events,
  kept.items_with_events,
  kept.latest_time,
  kept.users_with_history
FROM (
  SELECT
    COUNT(*) AS usable_events,
    COUNT(DISTINCT events.user_id) AS users
  FROM events
) AS logged
CROSS JOIN (
  SELECT
    COUNT(*) AS training_events,
    SUM(CASE WHEN (CASE WHEN p.sequence_grouping = 'session' THEN t.session_id ELSE t.user_id END) IS NULL THEN 1 ELSE 0 END) AS ungrouped_events,
    COUNT(DISTINCT CASE WHEN t.weight > 0 THEN t.item_row END) AS items_with_events,
    MAX(t.event_time) AS latest_time,
    COUNT(DISTINCT CASE WHEN t.weight > 0 THEN t.user_id END) AS users_with_history
  FROM training AS t
  CROSS JOIN params AS p
) AS kept
