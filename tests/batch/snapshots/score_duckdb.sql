WITH "t28" AS (
  SELECT
    "t12"."record_id",
    "t12"."subject_id",
    "t12"."furnisher_id",
    "t12"."occurred_on",
    "t12"."amount_minor",
    "t12"."fields",
    "t12"."category",
    "t12"."month",
    "t12"."case"
  FROM (
    SELECT
      "t1"."record_id",
      "t1"."subject_id",
      "t1"."furnisher_id",
      "t1"."occurred_on",
      "t1"."amount_minor",
      "t1"."fields",
      "t1"."category",
      "t1"."month",
      NULLIF(REGEXP_EXTRACT("t1"."fields", '"case_number":"([^"]*)"', 1), '') AS "case"
    FROM "parquet_1" AS "t1"
    WHERE
      "t1"."category" = 'court.judgment'
      AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
  ) AS "t12"
  ANTI JOIN (
    SELECT DISTINCT
      "t1"."subject_id",
      NULLIF(REGEXP_EXTRACT("t1"."fields", '"case_number":"([^"]*)"', 1), '') AS "case"
    FROM "parquet_1" AS "t1"
    WHERE
      "t1"."category" = 'court.fulfilment'
      AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
  ) AS "t13"
    ON "t12"."subject_id" = "t13"."subject_id" AND "t12"."case" = "t13"."case"
)
SELECT
  "t65"."subject_id",
  "t65"."late_30_24m",
  "t65"."late_90_24m",
  "t65"."months_since_late_30",
  "t65"."defaults_60m",
  "t65"."history_months",
  "t65"."card_utilisation",
  "t65"."open_judgments",
  "t65"."open_judgment_amount",
  "t65"."penalties_24m",
  "t65"."tax_arrears_open",
  "t65"."bills_on_time_pct",
  "t65"."tax_on_time_pct",
  "t65"."identity_level",
  "t65"."score",
  "t65"."history",
  "t65"."capacity",
  "t65"."compliance",
  "t65"."payments",
  "t65"."identity",
  CASE
    WHEN "t65"."score" >= 700
    THEN 'excellent'
    WHEN "t65"."score" >= 650
    THEN 'very good'
    WHEN "t65"."score" >= 600
    THEN 'good'
    WHEN "t65"."score" >= 550
    THEN 'fair'
    ELSE 'poor'
  END AS "band",
  CASE
    WHEN (
      "t65"."r_late_30_24m" = 0
    ) AND (
      "t65"."k_late_30_24m" >= 13
    )
    THEN 'late_30_24m'
    WHEN (
      "t65"."r_late_90_24m" = 0
    ) AND (
      "t65"."k_late_90_24m" >= 13
    )
    THEN 'late_90_24m'
    WHEN (
      "t65"."r_months_since_late_30" = 0
    )
    AND (
      "t65"."k_months_since_late_30" >= 13
    )
    THEN 'months_since_late_30'
    WHEN (
      "t65"."r_defaults_60m" = 0
    ) AND (
      "t65"."k_defaults_60m" >= 13
    )
    THEN 'defaults_60m'
    WHEN (
      "t65"."r_history_months" = 0
    ) AND (
      "t65"."k_history_months" >= 13
    )
    THEN 'history_months'
    WHEN (
      "t65"."r_card_utilisation" = 0
    ) AND (
      "t65"."k_card_utilisation" >= 13
    )
    THEN 'card_utilisation'
    WHEN (
      "t65"."r_open_judgments" = 0
    ) AND (
      "t65"."k_open_judgments" >= 13
    )
    THEN 'open_judgments'
    WHEN (
      "t65"."r_open_judgment_amount" = 0
    )
    AND (
      "t65"."k_open_judgment_amount" >= 13
    )
    THEN 'open_judgment_amount'
    WHEN (
      "t65"."r_penalties_24m" = 0
    ) AND (
      "t65"."k_penalties_24m" >= 13
    )
    THEN 'penalties_24m'
    WHEN (
      "t65"."r_tax_arrears_open" = 0
    ) AND (
      "t65"."k_tax_arrears_open" >= 13
    )
    THEN 'tax_arrears_open'
    WHEN (
      "t65"."r_bills_on_time_pct" = 0
    ) AND (
      "t65"."k_bills_on_time_pct" >= 13
    )
    THEN 'bills_on_time_pct'
    WHEN (
      "t65"."r_tax_on_time_pct" = 0
    ) AND (
      "t65"."k_tax_on_time_pct" >= 13
    )
    THEN 'tax_on_time_pct'
    WHEN (
      "t65"."r_identity_level" = 0
    ) AND (
      "t65"."k_identity_level" >= 13
    )
    THEN 'identity_level'
    ELSE CAST(NULL AS TEXT)
  END AS "reason_1",
  CASE
    WHEN (
      "t65"."r_late_30_24m" = 0
    ) AND (
      "t65"."k_late_30_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_late_30_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_late_90_24m" = 0
    ) AND (
      "t65"."k_late_90_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_late_90_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_months_since_late_30" = 0
    )
    AND (
      "t65"."k_months_since_late_30" >= 13
    )
    THEN CAST(FLOOR("t65"."k_months_since_late_30" / 13) AS BIGINT)
    WHEN (
      "t65"."r_defaults_60m" = 0
    ) AND (
      "t65"."k_defaults_60m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_defaults_60m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_history_months" = 0
    ) AND (
      "t65"."k_history_months" >= 13
    )
    THEN CAST(FLOOR("t65"."k_history_months" / 13) AS BIGINT)
    WHEN (
      "t65"."r_card_utilisation" = 0
    ) AND (
      "t65"."k_card_utilisation" >= 13
    )
    THEN CAST(FLOOR("t65"."k_card_utilisation" / 13) AS BIGINT)
    WHEN (
      "t65"."r_open_judgments" = 0
    ) AND (
      "t65"."k_open_judgments" >= 13
    )
    THEN CAST(FLOOR("t65"."k_open_judgments" / 13) AS BIGINT)
    WHEN (
      "t65"."r_open_judgment_amount" = 0
    )
    AND (
      "t65"."k_open_judgment_amount" >= 13
    )
    THEN CAST(FLOOR("t65"."k_open_judgment_amount" / 13) AS BIGINT)
    WHEN (
      "t65"."r_penalties_24m" = 0
    ) AND (
      "t65"."k_penalties_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_penalties_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_tax_arrears_open" = 0
    ) AND (
      "t65"."k_tax_arrears_open" >= 13
    )
    THEN CAST(FLOOR("t65"."k_tax_arrears_open" / 13) AS BIGINT)
    WHEN (
      "t65"."r_bills_on_time_pct" = 0
    ) AND (
      "t65"."k_bills_on_time_pct" >= 13
    )
    THEN CAST(FLOOR("t65"."k_bills_on_time_pct" / 13) AS BIGINT)
    WHEN (
      "t65"."r_tax_on_time_pct" = 0
    ) AND (
      "t65"."k_tax_on_time_pct" >= 13
    )
    THEN CAST(FLOOR("t65"."k_tax_on_time_pct" / 13) AS BIGINT)
    WHEN (
      "t65"."r_identity_level" = 0
    ) AND (
      "t65"."k_identity_level" >= 13
    )
    THEN CAST(FLOOR("t65"."k_identity_level" / 13) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_1",
  CASE
    WHEN (
      "t65"."r_late_30_24m" = 1
    ) AND (
      "t65"."k_late_30_24m" >= 13
    )
    THEN 'late_30_24m'
    WHEN (
      "t65"."r_late_90_24m" = 1
    ) AND (
      "t65"."k_late_90_24m" >= 13
    )
    THEN 'late_90_24m'
    WHEN (
      "t65"."r_months_since_late_30" = 1
    )
    AND (
      "t65"."k_months_since_late_30" >= 13
    )
    THEN 'months_since_late_30'
    WHEN (
      "t65"."r_defaults_60m" = 1
    ) AND (
      "t65"."k_defaults_60m" >= 13
    )
    THEN 'defaults_60m'
    WHEN (
      "t65"."r_history_months" = 1
    ) AND (
      "t65"."k_history_months" >= 13
    )
    THEN 'history_months'
    WHEN (
      "t65"."r_card_utilisation" = 1
    ) AND (
      "t65"."k_card_utilisation" >= 13
    )
    THEN 'card_utilisation'
    WHEN (
      "t65"."r_open_judgments" = 1
    ) AND (
      "t65"."k_open_judgments" >= 13
    )
    THEN 'open_judgments'
    WHEN (
      "t65"."r_open_judgment_amount" = 1
    )
    AND (
      "t65"."k_open_judgment_amount" >= 13
    )
    THEN 'open_judgment_amount'
    WHEN (
      "t65"."r_penalties_24m" = 1
    ) AND (
      "t65"."k_penalties_24m" >= 13
    )
    THEN 'penalties_24m'
    WHEN (
      "t65"."r_tax_arrears_open" = 1
    ) AND (
      "t65"."k_tax_arrears_open" >= 13
    )
    THEN 'tax_arrears_open'
    WHEN (
      "t65"."r_bills_on_time_pct" = 1
    ) AND (
      "t65"."k_bills_on_time_pct" >= 13
    )
    THEN 'bills_on_time_pct'
    WHEN (
      "t65"."r_tax_on_time_pct" = 1
    ) AND (
      "t65"."k_tax_on_time_pct" >= 13
    )
    THEN 'tax_on_time_pct'
    WHEN (
      "t65"."r_identity_level" = 1
    ) AND (
      "t65"."k_identity_level" >= 13
    )
    THEN 'identity_level'
    ELSE CAST(NULL AS TEXT)
  END AS "reason_2",
  CASE
    WHEN (
      "t65"."r_late_30_24m" = 1
    ) AND (
      "t65"."k_late_30_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_late_30_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_late_90_24m" = 1
    ) AND (
      "t65"."k_late_90_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_late_90_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_months_since_late_30" = 1
    )
    AND (
      "t65"."k_months_since_late_30" >= 13
    )
    THEN CAST(FLOOR("t65"."k_months_since_late_30" / 13) AS BIGINT)
    WHEN (
      "t65"."r_defaults_60m" = 1
    ) AND (
      "t65"."k_defaults_60m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_defaults_60m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_history_months" = 1
    ) AND (
      "t65"."k_history_months" >= 13
    )
    THEN CAST(FLOOR("t65"."k_history_months" / 13) AS BIGINT)
    WHEN (
      "t65"."r_card_utilisation" = 1
    ) AND (
      "t65"."k_card_utilisation" >= 13
    )
    THEN CAST(FLOOR("t65"."k_card_utilisation" / 13) AS BIGINT)
    WHEN (
      "t65"."r_open_judgments" = 1
    ) AND (
      "t65"."k_open_judgments" >= 13
    )
    THEN CAST(FLOOR("t65"."k_open_judgments" / 13) AS BIGINT)
    WHEN (
      "t65"."r_open_judgment_amount" = 1
    )
    AND (
      "t65"."k_open_judgment_amount" >= 13
    )
    THEN CAST(FLOOR("t65"."k_open_judgment_amount" / 13) AS BIGINT)
    WHEN (
      "t65"."r_penalties_24m" = 1
    ) AND (
      "t65"."k_penalties_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_penalties_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_tax_arrears_open" = 1
    ) AND (
      "t65"."k_tax_arrears_open" >= 13
    )
    THEN CAST(FLOOR("t65"."k_tax_arrears_open" / 13) AS BIGINT)
    WHEN (
      "t65"."r_bills_on_time_pct" = 1
    ) AND (
      "t65"."k_bills_on_time_pct" >= 13
    )
    THEN CAST(FLOOR("t65"."k_bills_on_time_pct" / 13) AS BIGINT)
    WHEN (
      "t65"."r_tax_on_time_pct" = 1
    ) AND (
      "t65"."k_tax_on_time_pct" >= 13
    )
    THEN CAST(FLOOR("t65"."k_tax_on_time_pct" / 13) AS BIGINT)
    WHEN (
      "t65"."r_identity_level" = 1
    ) AND (
      "t65"."k_identity_level" >= 13
    )
    THEN CAST(FLOOR("t65"."k_identity_level" / 13) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_2",
  CASE
    WHEN (
      "t65"."r_late_30_24m" = 2
    ) AND (
      "t65"."k_late_30_24m" >= 13
    )
    THEN 'late_30_24m'
    WHEN (
      "t65"."r_late_90_24m" = 2
    ) AND (
      "t65"."k_late_90_24m" >= 13
    )
    THEN 'late_90_24m'
    WHEN (
      "t65"."r_months_since_late_30" = 2
    )
    AND (
      "t65"."k_months_since_late_30" >= 13
    )
    THEN 'months_since_late_30'
    WHEN (
      "t65"."r_defaults_60m" = 2
    ) AND (
      "t65"."k_defaults_60m" >= 13
    )
    THEN 'defaults_60m'
    WHEN (
      "t65"."r_history_months" = 2
    ) AND (
      "t65"."k_history_months" >= 13
    )
    THEN 'history_months'
    WHEN (
      "t65"."r_card_utilisation" = 2
    ) AND (
      "t65"."k_card_utilisation" >= 13
    )
    THEN 'card_utilisation'
    WHEN (
      "t65"."r_open_judgments" = 2
    ) AND (
      "t65"."k_open_judgments" >= 13
    )
    THEN 'open_judgments'
    WHEN (
      "t65"."r_open_judgment_amount" = 2
    )
    AND (
      "t65"."k_open_judgment_amount" >= 13
    )
    THEN 'open_judgment_amount'
    WHEN (
      "t65"."r_penalties_24m" = 2
    ) AND (
      "t65"."k_penalties_24m" >= 13
    )
    THEN 'penalties_24m'
    WHEN (
      "t65"."r_tax_arrears_open" = 2
    ) AND (
      "t65"."k_tax_arrears_open" >= 13
    )
    THEN 'tax_arrears_open'
    WHEN (
      "t65"."r_bills_on_time_pct" = 2
    ) AND (
      "t65"."k_bills_on_time_pct" >= 13
    )
    THEN 'bills_on_time_pct'
    WHEN (
      "t65"."r_tax_on_time_pct" = 2
    ) AND (
      "t65"."k_tax_on_time_pct" >= 13
    )
    THEN 'tax_on_time_pct'
    WHEN (
      "t65"."r_identity_level" = 2
    ) AND (
      "t65"."k_identity_level" >= 13
    )
    THEN 'identity_level'
    ELSE CAST(NULL AS TEXT)
  END AS "reason_3",
  CASE
    WHEN (
      "t65"."r_late_30_24m" = 2
    ) AND (
      "t65"."k_late_30_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_late_30_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_late_90_24m" = 2
    ) AND (
      "t65"."k_late_90_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_late_90_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_months_since_late_30" = 2
    )
    AND (
      "t65"."k_months_since_late_30" >= 13
    )
    THEN CAST(FLOOR("t65"."k_months_since_late_30" / 13) AS BIGINT)
    WHEN (
      "t65"."r_defaults_60m" = 2
    ) AND (
      "t65"."k_defaults_60m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_defaults_60m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_history_months" = 2
    ) AND (
      "t65"."k_history_months" >= 13
    )
    THEN CAST(FLOOR("t65"."k_history_months" / 13) AS BIGINT)
    WHEN (
      "t65"."r_card_utilisation" = 2
    ) AND (
      "t65"."k_card_utilisation" >= 13
    )
    THEN CAST(FLOOR("t65"."k_card_utilisation" / 13) AS BIGINT)
    WHEN (
      "t65"."r_open_judgments" = 2
    ) AND (
      "t65"."k_open_judgments" >= 13
    )
    THEN CAST(FLOOR("t65"."k_open_judgments" / 13) AS BIGINT)
    WHEN (
      "t65"."r_open_judgment_amount" = 2
    )
    AND (
      "t65"."k_open_judgment_amount" >= 13
    )
    THEN CAST(FLOOR("t65"."k_open_judgment_amount" / 13) AS BIGINT)
    WHEN (
      "t65"."r_penalties_24m" = 2
    ) AND (
      "t65"."k_penalties_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_penalties_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_tax_arrears_open" = 2
    ) AND (
      "t65"."k_tax_arrears_open" >= 13
    )
    THEN CAST(FLOOR("t65"."k_tax_arrears_open" / 13) AS BIGINT)
    WHEN (
      "t65"."r_bills_on_time_pct" = 2
    ) AND (
      "t65"."k_bills_on_time_pct" >= 13
    )
    THEN CAST(FLOOR("t65"."k_bills_on_time_pct" / 13) AS BIGINT)
    WHEN (
      "t65"."r_tax_on_time_pct" = 2
    ) AND (
      "t65"."k_tax_on_time_pct" >= 13
    )
    THEN CAST(FLOOR("t65"."k_tax_on_time_pct" / 13) AS BIGINT)
    WHEN (
      "t65"."r_identity_level" = 2
    ) AND (
      "t65"."k_identity_level" >= 13
    )
    THEN CAST(FLOOR("t65"."k_identity_level" / 13) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_3",
  CASE
    WHEN (
      "t65"."r_late_30_24m" = 3
    ) AND (
      "t65"."k_late_30_24m" >= 13
    )
    THEN 'late_30_24m'
    WHEN (
      "t65"."r_late_90_24m" = 3
    ) AND (
      "t65"."k_late_90_24m" >= 13
    )
    THEN 'late_90_24m'
    WHEN (
      "t65"."r_months_since_late_30" = 3
    )
    AND (
      "t65"."k_months_since_late_30" >= 13
    )
    THEN 'months_since_late_30'
    WHEN (
      "t65"."r_defaults_60m" = 3
    ) AND (
      "t65"."k_defaults_60m" >= 13
    )
    THEN 'defaults_60m'
    WHEN (
      "t65"."r_history_months" = 3
    ) AND (
      "t65"."k_history_months" >= 13
    )
    THEN 'history_months'
    WHEN (
      "t65"."r_card_utilisation" = 3
    ) AND (
      "t65"."k_card_utilisation" >= 13
    )
    THEN 'card_utilisation'
    WHEN (
      "t65"."r_open_judgments" = 3
    ) AND (
      "t65"."k_open_judgments" >= 13
    )
    THEN 'open_judgments'
    WHEN (
      "t65"."r_open_judgment_amount" = 3
    )
    AND (
      "t65"."k_open_judgment_amount" >= 13
    )
    THEN 'open_judgment_amount'
    WHEN (
      "t65"."r_penalties_24m" = 3
    ) AND (
      "t65"."k_penalties_24m" >= 13
    )
    THEN 'penalties_24m'
    WHEN (
      "t65"."r_tax_arrears_open" = 3
    ) AND (
      "t65"."k_tax_arrears_open" >= 13
    )
    THEN 'tax_arrears_open'
    WHEN (
      "t65"."r_bills_on_time_pct" = 3
    ) AND (
      "t65"."k_bills_on_time_pct" >= 13
    )
    THEN 'bills_on_time_pct'
    WHEN (
      "t65"."r_tax_on_time_pct" = 3
    ) AND (
      "t65"."k_tax_on_time_pct" >= 13
    )
    THEN 'tax_on_time_pct'
    WHEN (
      "t65"."r_identity_level" = 3
    ) AND (
      "t65"."k_identity_level" >= 13
    )
    THEN 'identity_level'
    ELSE CAST(NULL AS TEXT)
  END AS "reason_4",
  CASE
    WHEN (
      "t65"."r_late_30_24m" = 3
    ) AND (
      "t65"."k_late_30_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_late_30_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_late_90_24m" = 3
    ) AND (
      "t65"."k_late_90_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_late_90_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_months_since_late_30" = 3
    )
    AND (
      "t65"."k_months_since_late_30" >= 13
    )
    THEN CAST(FLOOR("t65"."k_months_since_late_30" / 13) AS BIGINT)
    WHEN (
      "t65"."r_defaults_60m" = 3
    ) AND (
      "t65"."k_defaults_60m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_defaults_60m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_history_months" = 3
    ) AND (
      "t65"."k_history_months" >= 13
    )
    THEN CAST(FLOOR("t65"."k_history_months" / 13) AS BIGINT)
    WHEN (
      "t65"."r_card_utilisation" = 3
    ) AND (
      "t65"."k_card_utilisation" >= 13
    )
    THEN CAST(FLOOR("t65"."k_card_utilisation" / 13) AS BIGINT)
    WHEN (
      "t65"."r_open_judgments" = 3
    ) AND (
      "t65"."k_open_judgments" >= 13
    )
    THEN CAST(FLOOR("t65"."k_open_judgments" / 13) AS BIGINT)
    WHEN (
      "t65"."r_open_judgment_amount" = 3
    )
    AND (
      "t65"."k_open_judgment_amount" >= 13
    )
    THEN CAST(FLOOR("t65"."k_open_judgment_amount" / 13) AS BIGINT)
    WHEN (
      "t65"."r_penalties_24m" = 3
    ) AND (
      "t65"."k_penalties_24m" >= 13
    )
    THEN CAST(FLOOR("t65"."k_penalties_24m" / 13) AS BIGINT)
    WHEN (
      "t65"."r_tax_arrears_open" = 3
    ) AND (
      "t65"."k_tax_arrears_open" >= 13
    )
    THEN CAST(FLOOR("t65"."k_tax_arrears_open" / 13) AS BIGINT)
    WHEN (
      "t65"."r_bills_on_time_pct" = 3
    ) AND (
      "t65"."k_bills_on_time_pct" >= 13
    )
    THEN CAST(FLOOR("t65"."k_bills_on_time_pct" / 13) AS BIGINT)
    WHEN (
      "t65"."r_tax_on_time_pct" = 3
    ) AND (
      "t65"."k_tax_on_time_pct" >= 13
    )
    THEN CAST(FLOOR("t65"."k_tax_on_time_pct" / 13) AS BIGINT)
    WHEN (
      "t65"."r_identity_level" = 3
    ) AND (
      "t65"."k_identity_level" >= 13
    )
    THEN CAST(FLOOR("t65"."k_identity_level" / 13) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_4"
FROM (
  SELECT
    "t64"."subject_id",
    "t64"."late_30_24m",
    "t64"."late_90_24m",
    "t64"."months_since_late_30",
    "t64"."defaults_60m",
    "t64"."history_months",
    "t64"."card_utilisation",
    "t64"."open_judgments",
    "t64"."open_judgment_amount",
    "t64"."penalties_24m",
    "t64"."tax_arrears_open",
    "t64"."bills_on_time_pct",
    "t64"."tax_on_time_pct",
    "t64"."identity_level",
    "t64"."score",
    "t64"."history",
    "t64"."capacity",
    "t64"."compliance",
    "t64"."payments",
    "t64"."identity",
    RANDOM() AS "_b3",
    "t64"."k_late_30_24m",
    "t64"."k_late_90_24m",
    "t64"."k_months_since_late_30",
    "t64"."k_defaults_60m",
    "t64"."k_history_months",
    "t64"."k_card_utilisation",
    "t64"."k_open_judgments",
    "t64"."k_open_judgment_amount",
    "t64"."k_penalties_24m",
    "t64"."k_tax_arrears_open",
    "t64"."k_bills_on_time_pct",
    "t64"."k_tax_on_time_pct",
    "t64"."k_identity_level",
    0 + CAST("t64"."k_late_90_24m" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_late_30_24m" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_late_30_24m" AS BIGINT) AS "r_late_30_24m",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_late_90_24m" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_late_90_24m" AS BIGINT) AS "r_late_90_24m",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_months_since_late_30" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_months_since_late_30" AS BIGINT) AS "r_months_since_late_30",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_defaults_60m" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_defaults_60m" AS BIGINT) AS "r_defaults_60m",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_history_months" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_history_months" AS BIGINT) AS "r_history_months",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_card_utilisation" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_card_utilisation" AS BIGINT) AS "r_card_utilisation",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_open_judgments" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_open_judgments" AS BIGINT) AS "r_open_judgments",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_open_judgment_amount" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_open_judgment_amount" AS BIGINT) AS "r_open_judgment_amount",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_penalties_24m" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_penalties_24m" AS BIGINT) AS "r_penalties_24m",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_tax_arrears_open" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_tax_arrears_open" AS BIGINT) AS "r_tax_arrears_open",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_bills_on_time_pct" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_bills_on_time_pct" AS BIGINT) AS "r_bills_on_time_pct",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_tax_on_time_pct" AS BIGINT) + CAST("t64"."k_identity_level" > "t64"."k_tax_on_time_pct" AS BIGINT) AS "r_tax_on_time_pct",
    0 + CAST("t64"."k_late_30_24m" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_late_90_24m" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_months_since_late_30" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_defaults_60m" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_history_months" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_card_utilisation" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_open_judgments" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_open_judgment_amount" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_penalties_24m" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_tax_arrears_open" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_bills_on_time_pct" > "t64"."k_identity_level" AS BIGINT) + CAST("t64"."k_tax_on_time_pct" > "t64"."k_identity_level" AS BIGINT) AS "r_identity_level"
  FROM (
    SELECT
      "t63"."subject_id",
      "t63"."late_30_24m",
      "t63"."late_90_24m",
      "t63"."months_since_late_30",
      "t63"."defaults_60m",
      "t63"."history_months",
      "t63"."card_utilisation",
      "t63"."open_judgments",
      "t63"."open_judgment_amount",
      "t63"."penalties_24m",
      "t63"."tax_arrears_open",
      "t63"."bills_on_time_pct",
      "t63"."tax_on_time_pct",
      "t63"."identity_level",
      CASE
        WHEN CASE
          WHEN (
            534 + "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months" + "t63"."p_card_utilisation" + "t63"."p_open_judgments" + "t63"."p_open_judgment_amount" + "t63"."p_penalties_24m" + "t63"."p_tax_arrears_open" + "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct" + "t63"."p_identity_level"
          ) IS NULL
          THEN 534 + "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months" + "t63"."p_card_utilisation" + "t63"."p_open_judgments" + "t63"."p_open_judgment_amount" + "t63"."p_penalties_24m" + "t63"."p_tax_arrears_open" + "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct" + "t63"."p_identity_level"
          ELSE LEAST(
            950,
            534 + "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months" + "t63"."p_card_utilisation" + "t63"."p_open_judgments" + "t63"."p_open_judgment_amount" + "t63"."p_penalties_24m" + "t63"."p_tax_arrears_open" + "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct" + "t63"."p_identity_level"
          )
        END IS NULL
        THEN CASE
          WHEN (
            534 + "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months" + "t63"."p_card_utilisation" + "t63"."p_open_judgments" + "t63"."p_open_judgment_amount" + "t63"."p_penalties_24m" + "t63"."p_tax_arrears_open" + "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct" + "t63"."p_identity_level"
          ) IS NULL
          THEN 534 + "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months" + "t63"."p_card_utilisation" + "t63"."p_open_judgments" + "t63"."p_open_judgment_amount" + "t63"."p_penalties_24m" + "t63"."p_tax_arrears_open" + "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct" + "t63"."p_identity_level"
          ELSE LEAST(
            950,
            534 + "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months" + "t63"."p_card_utilisation" + "t63"."p_open_judgments" + "t63"."p_open_judgment_amount" + "t63"."p_penalties_24m" + "t63"."p_tax_arrears_open" + "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct" + "t63"."p_identity_level"
          )
        END
        ELSE GREATEST(
          350,
          CASE
            WHEN (
              534 + "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months" + "t63"."p_card_utilisation" + "t63"."p_open_judgments" + "t63"."p_open_judgment_amount" + "t63"."p_penalties_24m" + "t63"."p_tax_arrears_open" + "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct" + "t63"."p_identity_level"
            ) IS NULL
            THEN 534 + "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months" + "t63"."p_card_utilisation" + "t63"."p_open_judgments" + "t63"."p_open_judgment_amount" + "t63"."p_penalties_24m" + "t63"."p_tax_arrears_open" + "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct" + "t63"."p_identity_level"
            ELSE LEAST(
              950,
              534 + "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months" + "t63"."p_card_utilisation" + "t63"."p_open_judgments" + "t63"."p_open_judgment_amount" + "t63"."p_penalties_24m" + "t63"."p_tax_arrears_open" + "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct" + "t63"."p_identity_level"
            )
          END
        )
      END AS "score",
      CAST(FLOOR(
        (
          (
            (
              "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months"
            ) - -33
          ) * 100
        ) / 99
      ) AS BIGINT) + CAST((
        (
          (
            (
              (
                (
                  "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months"
                ) - -33
              ) * 100
            ) - (
              CAST(FLOOR(
                (
                  (
                    (
                      "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months"
                    ) - -33
                  ) * 100
                ) / 99
              ) AS BIGINT) * 99
            )
          ) * 2
        ) > 99
      )
      OR (
        (
          (
            (
              (
                (
                  (
                    "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months"
                  ) - -33
                ) * 100
              ) - (
                CAST(FLOOR(
                  (
                    (
                      (
                        "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months"
                      ) - -33
                    ) * 100
                  ) / 99
                ) AS BIGINT) * 99
              )
            ) * 2
          ) = 99
        )
        AND (
          (
            CAST(FLOOR(
              (
                (
                  (
                    "t63"."p_late_30_24m" + "t63"."p_late_90_24m" + "t63"."p_months_since_late_30" + "t63"."p_defaults_60m" + "t63"."p_history_months"
                  ) - -33
                ) * 100
              ) / 99
            ) AS BIGINT) % 2
          ) = 1
        )
      ) AS BIGINT) AS "history",
      CAST(FLOOR((
        (
          "t63"."p_card_utilisation" - -29
        ) * 100
      ) / 40) AS BIGINT) + CAST((
        (
          (
            (
              (
                "t63"."p_card_utilisation" - -29
              ) * 100
            ) - (
              CAST(FLOOR((
                (
                  "t63"."p_card_utilisation" - -29
                ) * 100
              ) / 40) AS BIGINT) * 40
            )
          ) * 2
        ) > 40
      )
      OR (
        (
          (
            (
              (
                (
                  "t63"."p_card_utilisation" - -29
                ) * 100
              ) - (
                CAST(FLOOR((
                  (
                    "t63"."p_card_utilisation" - -29
                  ) * 100
                ) / 40) AS BIGINT) * 40
              )
            ) * 2
          ) = 40
        )
        AND (
          (
            CAST(FLOOR((
              (
                "t63"."p_card_utilisation" - -29
              ) * 100
            ) / 40) AS BIGINT) % 2
          ) = 1
        )
      ) AS BIGINT) AS "capacity",
      100 AS "compliance",
      CAST(FLOOR(
        (
          (
            (
              "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct"
            ) - -2
          ) * 100
        ) / 3
      ) AS BIGINT) + CAST((
        (
          (
            (
              (
                (
                  "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct"
                ) - -2
              ) * 100
            ) - (
              CAST(FLOOR(
                (
                  (
                    (
                      "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct"
                    ) - -2
                  ) * 100
                ) / 3
              ) AS BIGINT) * 3
            )
          ) * 2
        ) > 3
      )
      OR (
        (
          (
            (
              (
                (
                  (
                    "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct"
                  ) - -2
                ) * 100
              ) - (
                CAST(FLOOR(
                  (
                    (
                      (
                        "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct"
                      ) - -2
                    ) * 100
                  ) / 3
                ) AS BIGINT) * 3
              )
            ) * 2
          ) = 3
        )
        AND (
          (
            CAST(FLOOR(
              (
                (
                  (
                    "t63"."p_bills_on_time_pct" + "t63"."p_tax_on_time_pct"
                  ) - -2
                ) * 100
              ) / 3
            ) AS BIGINT) % 2
          ) = 1
        )
      ) AS BIGINT) AS "payments",
      100 AS "identity",
      RANDOM() AS "_b2",
      (
        (
          42 - "t63"."p_late_30_24m"
        ) * 13
      ) + 12 AS "k_late_30_24m",
      (
        (
          2 - "t63"."p_late_90_24m"
        ) * 13
      ) + 11 AS "k_late_90_24m",
      (
        (
          3 - "t63"."p_months_since_late_30"
        ) * 13
      ) + 10 AS "k_months_since_late_30",
      (
        (
          0 - "t63"."p_defaults_60m"
        ) * 13
      ) + 9 AS "k_defaults_60m",
      (
        (
          19 - "t63"."p_history_months"
        ) * 13
      ) + 8 AS "k_history_months",
      (
        (
          11 - "t63"."p_card_utilisation"
        ) * 13
      ) + 7 AS "k_card_utilisation",
      (
        (
          0 - "t63"."p_open_judgments"
        ) * 13
      ) + 6 AS "k_open_judgments",
      (
        (
          0 - "t63"."p_open_judgment_amount"
        ) * 13
      ) + 5 AS "k_open_judgment_amount",
      (
        (
          0 - "t63"."p_penalties_24m"
        ) * 13
      ) + 4 AS "k_penalties_24m",
      (
        (
          0 - "t63"."p_tax_arrears_open"
        ) * 13
      ) + 3 AS "k_tax_arrears_open",
      (
        (
          1 - "t63"."p_bills_on_time_pct"
        ) * 13
      ) + 2 AS "k_bills_on_time_pct",
      (
        (
          0 - "t63"."p_tax_on_time_pct"
        ) * 13
      ) + 1 AS "k_tax_on_time_pct",
      (
        (
          0 - "t63"."p_identity_level"
        ) * 13
      ) + 0 AS "k_identity_level"
    FROM (
      SELECT
        "t62"."subject_id",
        "t62"."late_30_24m",
        "t62"."late_90_24m",
        "t62"."months_since_late_30",
        "t62"."defaults_60m",
        "t62"."history_months",
        "t62"."card_utilisation",
        "t62"."open_judgments",
        "t62"."open_judgment_amount",
        "t62"."penalties_24m",
        "t62"."tax_arrears_open",
        "t62"."bills_on_time_pct",
        "t62"."tax_on_time_pct",
        "t62"."identity_level",
        RANDOM() AS "_b1",
        CASE
          WHEN "t62"."late_30_24m" IS NULL
          THEN 0
          WHEN "t62"."late_30_24m" < 0.5
          THEN 42
          WHEN "t62"."late_30_24m" < 1.5
          THEN 16
          WHEN "t62"."late_30_24m" < 2.5
          THEN 1
          WHEN "t62"."late_30_24m" < 3.5
          THEN -12
          ELSE -17
        END AS "p_late_30_24m",
        CASE
          WHEN "t62"."late_90_24m" IS NULL
          THEN 0
          WHEN "t62"."late_90_24m" < 0.5
          THEN 2
          WHEN "t62"."late_90_24m" < 2.5
          THEN -1
          ELSE -4
        END AS "p_late_90_24m",
        CASE
          WHEN "t62"."months_since_late_30" IS NULL
          THEN 0
          WHEN "t62"."months_since_late_30" < 6.5
          THEN 3
          WHEN "t62"."months_since_late_30" < 20.0
          THEN 1
          ELSE -7
        END AS "p_months_since_late_30",
        CASE WHEN "t62"."defaults_60m" IS NULL THEN 0 ELSE 0 END AS "p_defaults_60m",
        CASE
          WHEN "t62"."history_months" IS NULL
          THEN 0
          WHEN "t62"."history_months" < 74.0
          THEN -5
          ELSE 19
        END AS "p_history_months",
        CASE
          WHEN "t62"."card_utilisation" IS NULL
          THEN 0
          WHEN "t62"."card_utilisation" < 0.17872796952724457
          THEN 11
          WHEN "t62"."card_utilisation" < 0.25231048464775085
          THEN 10
          WHEN "t62"."card_utilisation" < 0.5216807126998901
          THEN 0
          WHEN "t62"."card_utilisation" < 0.7797325253486633
          THEN -13
          ELSE -29
        END AS "p_card_utilisation",
        CASE
          WHEN "t62"."open_judgments" IS NULL
          THEN 0
          WHEN "t62"."open_judgments" < 0.5
          THEN 0
          ELSE 0
        END AS "p_open_judgments",
        CASE
          WHEN "t62"."open_judgment_amount" IS NULL
          THEN 0
          WHEN "t62"."open_judgment_amount" < 2500.0
          THEN 0
          ELSE 0
        END AS "p_open_judgment_amount",
        CASE WHEN "t62"."penalties_24m" IS NULL THEN 0 ELSE 0 END AS "p_penalties_24m",
        CASE WHEN "t62"."tax_arrears_open" IS NULL THEN 0 ELSE 0 END AS "p_tax_arrears_open",
        CASE
          WHEN "t62"."bills_on_time_pct" IS NULL
          THEN 0
          WHEN "t62"."bills_on_time_pct" < 45.5
          THEN -2
          WHEN "t62"."bills_on_time_pct" < 54.0
          THEN -1
          WHEN "t62"."bills_on_time_pct" < 70.5
          THEN -1
          ELSE 1
        END AS "p_bills_on_time_pct",
        CASE WHEN "t62"."tax_on_time_pct" IS NULL THEN 0 ELSE 0 END AS "p_tax_on_time_pct",
        CASE
          WHEN "t62"."identity_level" IS NULL
          THEN 0
          WHEN "t62"."identity_level" < 1.5
          THEN 0
          ELSE 0
        END AS "p_identity_level"
      FROM (
        SELECT
          "t3"."subject_id",
          COALESCE("t34"."late_30_24m", 0) AS "late_30_24m",
          COALESCE("t35"."late_90_24m", 0) AS "late_90_24m",
          "t55"."months_since_late_30",
          COALESCE("t26"."defaults_60m", 0) AS "defaults_60m",
          "t46"."history_months",
          "t61"."card_utilisation",
          COALESCE("t49"."open_judgments", 0) AS "open_judgments",
          COALESCE("t58"."open_judgment_amount", 0) AS "open_judgment_amount",
          COALESCE("t27"."penalties_24m", 0) AS "penalties_24m",
          COALESCE("t36"."tax_arrears_open", 0) AS "tax_arrears_open",
          "t57"."bills_on_time_pct",
          "t52"."tax_on_time_pct",
          COALESCE("t42"."identity_level", 0) AS "identity_level"
        FROM (
          SELECT
            "t0"."subject_id"
          FROM "parquet_2" AS "t0"
        ) AS "t3"
        LEFT OUTER JOIN (
          SELECT
            "t23"."subject_id",
            "t23"."value" AS "late_30_24m"
          FROM (
            SELECT
              "t16"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'loan.repayment'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
                AND CAST(NULLIF(REGEXP_EXTRACT("t1"."fields", '"days_late":(-?[0-9]+)', 1), '') AS BIGINT) >= 30
            ) AS "t16"
            GROUP BY
              1
          ) AS "t23"
        ) AS "t34"
          ON "t3"."subject_id" = "t34"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t24"."subject_id",
            "t24"."value" AS "late_90_24m"
          FROM (
            SELECT
              "t18"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'loan.repayment'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
                AND CAST(NULLIF(REGEXP_EXTRACT("t1"."fields", '"days_late":(-?[0-9]+)', 1), '') AS BIGINT) >= 90
            ) AS "t18"
            GROUP BY
              1
          ) AS "t24"
        ) AS "t35"
          ON "t3"."subject_id" = "t35"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t44"."subject_id",
            "t44"."value" AS "months_since_late_30"
          FROM (
            SELECT
              "t17"."subject_id",
              24318 - (
                (
                  CAST(EXTRACT(year FROM MAX("t17"."occurred_on")) AS BIGINT) * 12
                ) + CAST(EXTRACT(month FROM MAX("t17"."occurred_on")) AS BIGINT)
              ) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'loan.repayment'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND CAST(NULLIF(REGEXP_EXTRACT("t1"."fields", '"days_late":(-?[0-9]+)', 1), '') AS BIGINT) >= 30
            ) AS "t17"
            GROUP BY
              1
          ) AS "t44"
        ) AS "t55"
          ON "t3"."subject_id" = "t55"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t14"."subject_id",
            "t14"."value" AS "defaults_60m"
          FROM (
            SELECT
              "t4"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'loan.default'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
            ) AS "t4"
            GROUP BY
              1
          ) AS "t14"
        ) AS "t26"
          ON "t3"."subject_id" = "t26"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t37"."subject_id",
            "t37"."value" AS "history_months"
          FROM (
            SELECT
              "t5"."subject_id",
              24318 - (
                (
                  CAST(EXTRACT(year FROM MIN("t5"."occurred_on")) AS BIGINT) * 12
                ) + CAST(EXTRACT(month FROM MIN("t5"."occurred_on")) AS BIGINT)
              ) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'loan.opened' AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
            ) AS "t5"
            GROUP BY
              1
          ) AS "t37"
        ) AS "t46"
          ON "t3"."subject_id" = "t46"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t59"."subject_id",
            "t59"."balance" / NULLIF("t59"."cap", 0) AS "card_utilisation"
          FROM (
            SELECT
              "t51"."subject_id",
              SUM("t51"."amount_minor") AS "balance",
              SUM("t51"."credit_limit") AS "cap"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t20"."record_id",
                  "t20"."subject_id",
                  "t20"."furnisher_id",
                  "t20"."occurred_on",
                  "t20"."amount_minor",
                  "t20"."fields",
                  "t20"."category",
                  "t20"."month",
                  "t20"."account",
                  "t20"."credit_limit",
                  ROW_NUMBER() OVER (
                    PARTITION BY "t20"."subject_id", "t20"."account"
                    ORDER BY "t20"."occurred_on" DESC, "t20"."record_id" DESC
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  ) - 1 AS "n"
                FROM (
                  SELECT
                    "t1"."record_id",
                    "t1"."subject_id",
                    "t1"."furnisher_id",
                    "t1"."occurred_on",
                    "t1"."amount_minor",
                    "t1"."fields",
                    "t1"."category",
                    "t1"."month",
                    NULLIF(REGEXP_EXTRACT("t1"."fields", '"account_id":"([^"]*)"', 1), '') AS "account",
                    CAST(ROUND(
                      CAST(NULLIF(REGEXP_EXTRACT("t1"."fields", '"credit_limit":"?(-?[0-9]+(\.[0-9]+)?)"?', 1), '') AS DOUBLE) * 100,
                      0
                    ) AS BIGINT) AS "credit_limit"
                  FROM "parquet_1" AS "t1"
                  WHERE
                    "t1"."category" = 'card.utilisation'
                    AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                    AND "t1"."occurred_on" > MAKE_DATE(2025, 6, 30)
                ) AS "t20"
              ) AS "t40"
              WHERE
                "t40"."n" = 0
            ) AS "t51"
            GROUP BY
              1
          ) AS "t59"
        ) AS "t61"
          ON "t3"."subject_id" = "t61"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t39"."subject_id",
            "t39"."value" AS "open_judgments"
          FROM (
            SELECT
              "t33"."subject_id",
              COUNT(*) AS "value"
            FROM "t28" AS "t33"
            GROUP BY
              1
          ) AS "t39"
        ) AS "t49"
          ON "t3"."subject_id" = "t49"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t50"."subject_id",
            "t50"."value" AS "open_judgment_amount"
          FROM (
            SELECT
              "t33"."subject_id",
              CAST(FLOOR((
                COALESCE(SUM("t33"."amount_minor"), 0)
              ) / (
                100
              )) AS BIGINT) AS "value"
            FROM "t28" AS "t33"
            GROUP BY
              1
          ) AS "t50"
        ) AS "t58"
          ON "t3"."subject_id" = "t58"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t15"."subject_id",
            "t15"."value" AS "penalties_24m"
          FROM (
            SELECT
              "t6"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'penalty.imposed'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
            ) AS "t6"
            GROUP BY
              1
          ) AS "t15"
        ) AS "t27"
          ON "t3"."subject_id" = "t27"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t25"."subject_id",
            "t25"."value" AS "tax_arrears_open"
          FROM (
            SELECT
              "t19"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'tax.arrears'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND (
                  (
                    NULLIF(REGEXP_EXTRACT("t1"."fields", '"settled_on":"([^"]*)"', 1), '') IS NULL
                  )
                  OR (
                    NULLIF(REGEXP_EXTRACT("t1"."fields", '"settled_on":"([^"]*)"', 1), '') > '2026-06-30'
                  )
                )
            ) AS "t19"
            GROUP BY
              1
          ) AS "t25"
        ) AS "t36"
          ON "t3"."subject_id" = "t36"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t47"."subject_id",
            "t47"."value" AS "bills_on_time_pct"
          FROM (
            SELECT
              "t7"."subject_id",
              CAST(FLOOR(
                (
                  SUM(
                    CAST(CAST(NULLIF(REGEXP_EXTRACT("t7"."fields", '"days_late":(-?[0-9]+)', 1), '') AS BIGINT) = 0 AS BIGINT)
                  ) * 100
                ) / COUNT(*)
              ) AS BIGINT) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'bill.payment'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
            ) AS "t7"
            GROUP BY
              1
          ) AS "t47"
        ) AS "t57"
          ON "t3"."subject_id" = "t57"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t41"."subject_id",
            "t41"."value" AS "tax_on_time_pct"
          FROM (
            SELECT
              "t8"."subject_id",
              CAST(FLOOR(
                (
                  SUM(
                    CAST(REGEXP_EXTRACT("t8"."fields", '"on_time":(true|false)', 1) = 'true' AS BIGINT)
                  ) * 100
                ) / COUNT(*)
              ) AS BIGINT) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'tax.filing'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
            ) AS "t8"
            GROUP BY
              1
          ) AS "t41"
        ) AS "t52"
          ON "t3"."subject_id" = "t52"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t29"."subject_id",
            "t29"."value" AS "identity_level"
          FROM (
            SELECT
              "t9"."subject_id",
              MAX(
                CAST(NULLIF(REGEXP_EXTRACT("t9"."fields", '"level":(-?[0-9]+)', 1), '') AS BIGINT)
              ) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'identity.verification'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
            ) AS "t9"
            GROUP BY
              1
          ) AS "t29"
        ) AS "t42"
          ON "t3"."subject_id" = "t42"."subject_id"
      ) AS "t62"
    ) AS "t63"
  ) AS "t64"
) AS "t65"