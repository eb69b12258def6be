-- Stage "popularity": each item's time-decayed weighted count, the popularity prior before scaling:
--   sum over the item's training events of weight * 0.5^(max(now - event_time, 0) / half_life_ms)
-- with now the latest training event, so events after it (none) and at it count fully. A null
-- half_life_ms means no decay: the plain weighted count. Items without training events are absent.
SELECT
  t.item_row,
  SUM(
    t.weight * CASE
      WHEN p.half_life_ms IS NULL THEN 1
      ELSE POWER(0.5, GREATEST(latest.event_time - t.event_time, 0) / p.half_life_ms)
    END
  ) AS decayed_count
FROM training AS t
CROSS JOIN params AS p
CROSS JOIN (SELECT MAX(training.event_time) AS event_time FROM training) AS latest
GROUP BY t.item_row
