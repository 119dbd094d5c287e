WITH "t32" AS (
  SELECT
    "t13"."record_id",
    "t13"."subject_id",
    "t13"."furnisher_id",
    "t13"."occurred_on",
    "t13"."amount_minor",
    "t13"."fields",
    "t13"."category",
    "t13"."month",
    "t13"."case"
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
      AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
  ) AS "t13"
  ANTI JOIN (
    SELECT DISTINCT
      "t1"."subject_id",
      NULLIF(REGEXP_EXTRACT("t1"."fields", '"case_number":"([^"]*)"', 1), '') AS "case"
    FROM "parquet_1" AS "t1"
    WHERE
      "t1"."category" = 'court.fulfilment'
      AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
      AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
  ) AS "t14"
    ON "t13"."subject_id" = "t14"."subject_id" AND "t13"."case" = "t14"."case"
)
SELECT
  "t69"."subject_id",
  "t69"."late_30_24m",
  "t69"."late_90_24m",
  "t69"."months_since_late_30",
  "t69"."defaults_60m",
  "t69"."history_months",
  "t69"."card_utilisation",
  "t69"."open_judgments",
  "t69"."open_judgment_amount",
  "t69"."penalties_24m",
  "t69"."breaches_24m",
  "t69"."tax_arrears_open",
  "t69"."bills_on_time_pct",
  "t69"."tax_on_time_pct",
  "t69"."identity_level",
  "t69"."score",
  "t69"."history",
  "t69"."capacity",
  "t69"."compliance",
  "t69"."payments",
  "t69"."identity",
  CASE
    WHEN "t69"."score" >= 700
    THEN 'excellent'
    WHEN "t69"."score" >= 650
    THEN 'very good'
    WHEN "t69"."score" >= 600
    THEN 'good'
    WHEN "t69"."score" >= 550
    THEN 'fair'
    ELSE 'poor'
  END AS "band",
  CASE
    WHEN (
      "t69"."r_late_30_24m" = 0
    ) AND (
      "t69"."k_late_30_24m" >= 14
    )
    THEN 'late_30_24m'
    WHEN (
      "t69"."r_late_90_24m" = 0
    ) AND (
      "t69"."k_late_90_24m" >= 14
    )
    THEN 'late_90_24m'
    WHEN (
      "t69"."r_months_since_late_30" = 0
    )
    AND (
      "t69"."k_months_since_late_30" >= 14
    )
    THEN 'months_since_late_30'
    WHEN (
      "t69"."r_defaults_60m" = 0
    ) AND (
      "t69"."k_defaults_60m" >= 14
    )
    THEN 'defaults_60m'
    WHEN (
      "t69"."r_history_months" = 0
    ) AND (
      "t69"."k_history_months" >= 14
    )
    THEN 'history_months'
    WHEN (
      "t69"."r_card_utilisation" = 0
    ) AND (
      "t69"."k_card_utilisation" >= 14
    )
    THEN 'card_utilisation'
    WHEN (
      "t69"."r_open_judgments" = 0
    ) AND (
      "t69"."k_open_judgments" >= 14
    )
    THEN 'open_judgments'
    WHEN (
      "t69"."r_open_judgment_amount" = 0
    )
    AND (
      "t69"."k_open_judgment_amount" >= 14
    )
    THEN 'open_judgment_amount'
    WHEN (
      "t69"."r_penalties_24m" = 0
    ) AND (
      "t69"."k_penalties_24m" >= 14
    )
    THEN 'penalties_24m'
    WHEN (
      "t69"."r_breaches_24m" = 0
    ) AND (
      "t69"."k_breaches_24m" >= 14
    )
    THEN 'breaches_24m'
    WHEN (
      "t69"."r_tax_arrears_open" = 0
    ) AND (
      "t69"."k_tax_arrears_open" >= 14
    )
    THEN 'tax_arrears_open'
    WHEN (
      "t69"."r_bills_on_time_pct" = 0
    ) AND (
      "t69"."k_bills_on_time_pct" >= 14
    )
    THEN 'bills_on_time_pct'
    WHEN (
      "t69"."r_tax_on_time_pct" = 0
    ) AND (
      "t69"."k_tax_on_time_pct" >= 14
    )
    THEN 'tax_on_time_pct'
    WHEN (
      "t69"."r_identity_level" = 0
    ) AND (
      "t69"."k_identity_level" >= 14
    )
    THEN 'identity_level'
    ELSE CAST(NULL AS TEXT)
  END AS "reason_1",
  CASE
    WHEN (
      "t69"."r_late_30_24m" = 0
    ) AND (
      "t69"."k_late_30_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_late_30_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_late_90_24m" = 0
    ) AND (
      "t69"."k_late_90_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_late_90_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_months_since_late_30" = 0
    )
    AND (
      "t69"."k_months_since_late_30" >= 14
    )
    THEN CAST(FLOOR("t69"."k_months_since_late_30" / 14) AS BIGINT)
    WHEN (
      "t69"."r_defaults_60m" = 0
    ) AND (
      "t69"."k_defaults_60m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_defaults_60m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_history_months" = 0
    ) AND (
      "t69"."k_history_months" >= 14
    )
    THEN CAST(FLOOR("t69"."k_history_months" / 14) AS BIGINT)
    WHEN (
      "t69"."r_card_utilisation" = 0
    ) AND (
      "t69"."k_card_utilisation" >= 14
    )
    THEN CAST(FLOOR("t69"."k_card_utilisation" / 14) AS BIGINT)
    WHEN (
      "t69"."r_open_judgments" = 0
    ) AND (
      "t69"."k_open_judgments" >= 14
    )
    THEN CAST(FLOOR("t69"."k_open_judgments" / 14) AS BIGINT)
    WHEN (
      "t69"."r_open_judgment_amount" = 0
    )
    AND (
      "t69"."k_open_judgment_amount" >= 14
    )
    THEN CAST(FLOOR("t69"."k_open_judgment_amount" / 14) AS BIGINT)
    WHEN (
      "t69"."r_penalties_24m" = 0
    ) AND (
      "t69"."k_penalties_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_penalties_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_breaches_24m" = 0
    ) AND (
      "t69"."k_breaches_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_breaches_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_tax_arrears_open" = 0
    ) AND (
      "t69"."k_tax_arrears_open" >= 14
    )
    THEN CAST(FLOOR("t69"."k_tax_arrears_open" / 14) AS BIGINT)
    WHEN (
      "t69"."r_bills_on_time_pct" = 0
    ) AND (
      "t69"."k_bills_on_time_pct" >= 14
    )
    THEN CAST(FLOOR("t69"."k_bills_on_time_pct" / 14) AS BIGINT)
    WHEN (
      "t69"."r_tax_on_time_pct" = 0
    ) AND (
      "t69"."k_tax_on_time_pct" >= 14
    )
    THEN CAST(FLOOR("t69"."k_tax_on_time_pct" / 14) AS BIGINT)
    WHEN (
      "t69"."r_identity_level" = 0
    ) AND (
      "t69"."k_identity_level" >= 14
    )
    THEN CAST(FLOOR("t69"."k_identity_level" / 14) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_1",
  CASE
    WHEN (
      "t69"."r_late_30_24m" = 1
    ) AND (
      "t69"."k_late_30_24m" >= 14
    )
    THEN 'late_30_24m'
    WHEN (
      "t69"."r_late_90_24m" = 1
    ) AND (
      "t69"."k_late_90_24m" >= 14
    )
    THEN 'late_90_24m'
    WHEN (
      "t69"."r_months_since_late_30" = 1
    )
    AND (
      "t69"."k_months_since_late_30" >= 14
    )
    THEN 'months_since_late_30'
    WHEN (
      "t69"."r_defaults_60m" = 1
    ) AND (
      "t69"."k_defaults_60m" >= 14
    )
    THEN 'defaults_60m'
    WHEN (
      "t69"."r_history_months" = 1
    ) AND (
      "t69"."k_history_months" >= 14
    )
    THEN 'history_months'
    WHEN (
      "t69"."r_card_utilisation" = 1
    ) AND (
      "t69"."k_card_utilisation" >= 14
    )
    THEN 'card_utilisation'
    WHEN (
      "t69"."r_open_judgments" = 1
    ) AND (
      "t69"."k_open_judgments" >= 14
    )
    THEN 'open_judgments'
    WHEN (
      "t69"."r_open_judgment_amount" = 1
    )
    AND (
      "t69"."k_open_judgment_amount" >= 14
    )
    THEN 'open_judgment_amount'
    WHEN (
      "t69"."r_penalties_24m" = 1
    ) AND (
      "t69"."k_penalties_24m" >= 14
    )
    THEN 'penalties_24m'
    WHEN (
      "t69"."r_breaches_24m" = 1
    ) AND (
      "t69"."k_breaches_24m" >= 14
    )
    THEN 'breaches_24m'
    WHEN (
      "t69"."r_tax_arrears_open" = 1
    ) AND (
      "t69"."k_tax_arrears_open" >= 14
    )
    THEN 'tax_arrears_open'
    WHEN (
      "t69"."r_bills_on_time_pct" = 1
    ) AND (
      "t69"."k_bills_on_time_pct" >= 14
    )
    THEN 'bills_on_time_pct'
    WHEN (
      "t69"."r_tax_on_time_pct" = 1
    ) AND (
      "t69"."k_tax_on_time_pct" >= 14
    )
    THEN 'tax_on_time_pct'
    WHEN (
      "t69"."r_identity_level" = 1
    ) AND (
      "t69"."k_identity_level" >= 14
    )
    THEN 'identity_level'
    ELSE CAST(NULL AS TEXT)
  END AS "reason_2",
  CASE
    WHEN (
      "t69"."r_late_30_24m" = 1
    ) AND (
      "t69"."k_late_30_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_late_30_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_late_90_24m" = 1
    ) AND (
      "t69"."k_late_90_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_late_90_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_months_since_late_30" = 1
    )
    AND (
      "t69"."k_months_since_late_30" >= 14
    )
    THEN CAST(FLOOR("t69"."k_months_since_late_30" / 14) AS BIGINT)
    WHEN (
      "t69"."r_defaults_60m" = 1
    ) AND (
      "t69"."k_defaults_60m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_defaults_60m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_history_months" = 1
    ) AND (
      "t69"."k_history_months" >= 14
    )
    THEN CAST(FLOOR("t69"."k_history_months" / 14) AS BIGINT)
    WHEN (
      "t69"."r_card_utilisation" = 1
    ) AND (
      "t69"."k_card_utilisation" >= 14
    )
    THEN CAST(FLOOR("t69"."k_card_utilisation" / 14) AS BIGINT)
    WHEN (
      "t69"."r_open_judgments" = 1
    ) AND (
      "t69"."k_open_judgments" >= 14
    )
    THEN CAST(FLOOR("t69"."k_open_judgments" / 14) AS BIGINT)
    WHEN (
      "t69"."r_open_judgment_amount" = 1
    )
    AND (
      "t69"."k_open_judgment_amount" >= 14
    )
    THEN CAST(FLOOR("t69"."k_open_judgment_amount" / 14) AS BIGINT)
    WHEN (
      "t69"."r_penalties_24m" = 1
    ) AND (
      "t69"."k_penalties_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_penalties_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_breaches_24m" = 1
    ) AND (
      "t69"."k_breaches_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_breaches_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_tax_arrears_open" = 1
    ) AND (
      "t69"."k_tax_arrears_open" >= 14
    )
    THEN CAST(FLOOR("t69"."k_tax_arrears_open" / 14) AS BIGINT)
    WHEN (
      "t69"."r_bills_on_time_pct" = 1
    ) AND (
      "t69"."k_bills_on_time_pct" >= 14
    )
    THEN CAST(FLOOR("t69"."k_bills_on_time_pct" / 14) AS BIGINT)
    WHEN (
      "t69"."r_tax_on_time_pct" = 1
    ) AND (
      "t69"."k_tax_on_time_pct" >= 14
    )
    THEN CAST(FLOOR("t69"."k_tax_on_time_pct" / 14) AS BIGINT)
    WHEN (
      "t69"."r_identity_level" = 1
    ) AND (
      "t69"."k_identity_level" >= 14
    )
    THEN CAST(FLOOR("t69"."k_identity_level" / 14) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_2",
  CASE
    WHEN (
      "t69"."r_late_30_24m" = 2
    ) AND (
      "t69"."k_late_30_24m" >= 14
    )
    THEN 'late_30_24m'
    WHEN (
      "t69"."r_late_90_24m" = 2
    ) AND (
      "t69"."k_late_90_24m" >= 14
    )
    THEN 'late_90_24m'
    WHEN (
      "t69"."r_months_since_late_30" = 2
    )
    AND (
      "t69"."k_months_since_late_30" >= 14
    )
    THEN 'months_since_late_30'
    WHEN (
      "t69"."r_defaults_60m" = 2
    ) AND (
      "t69"."k_defaults_60m" >= 14
    )
    THEN 'defaults_60m'
    WHEN (
      "t69"."r_history_months" = 2
    ) AND (
      "t69"."k_history_months" >= 14
    )
    THEN 'history_months'
    WHEN (
      "t69"."r_card_utilisation" = 2
    ) AND (
      "t69"."k_card_utilisation" >= 14
    )
    THEN 'card_utilisation'
    WHEN (
      "t69"."r_open_judgments" = 2
    ) AND (
      "t69"."k_open_judgments" >= 14
    )
    THEN 'open_judgments'
    WHEN (
      "t69"."r_open_judgment_amount" = 2
    )
    AND (
      "t69"."k_open_judgment_amount" >= 14
    )
    THEN 'open_judgment_amount'
    WHEN (
      "t69"."r_penalties_24m" = 2
    ) AND (
      "t69"."k_penalties_24m" >= 14
    )
    THEN 'penalties_24m'
    WHEN (
      "t69"."r_breaches_24m" = 2
    ) AND (
      "t69"."k_breaches_24m" >= 14
    )
    THEN 'breaches_24m'
    WHEN (
      "t69"."r_tax_arrears_open" = 2
    ) AND (
      "t69"."k_tax_arrears_open" >= 14
    )
    THEN 'tax_arrears_open'
    WHEN (
      "t69"."r_bills_on_time_pct" = 2
    ) AND (
      "t69"."k_bills_on_time_pct" >= 14
    )
    THEN 'bills_on_time_pct'
    WHEN (
      "t69"."r_tax_on_time_pct" = 2
    ) AND (
      "t69"."k_tax_on_time_pct" >= 14
    )
    THEN 'tax_on_time_pct'
    WHEN (
      "t69"."r_identity_level" = 2
    ) AND (
      "t69"."k_identity_level" >= 14
    )
    THEN 'identity_level'
    ELSE CAST(NULL AS TEXT)
  END AS "reason_3",
  CASE
    WHEN (
      "t69"."r_late_30_24m" = 2
    ) AND (
      "t69"."k_late_30_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_late_30_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_late_90_24m" = 2
    ) AND (
      "t69"."k_late_90_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_late_90_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_months_since_late_30" = 2
    )
    AND (
      "t69"."k_months_since_late_30" >= 14
    )
    THEN CAST(FLOOR("t69"."k_months_since_late_30" / 14) AS BIGINT)
    WHEN (
      "t69"."r_defaults_60m" = 2
    ) AND (
      "t69"."k_defaults_60m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_defaults_60m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_history_months" = 2
    ) AND (
      "t69"."k_history_months" >= 14
    )
    THEN CAST(FLOOR("t69"."k_history_months" / 14) AS BIGINT)
    WHEN (
      "t69"."r_card_utilisation" = 2
    ) AND (
      "t69"."k_card_utilisation" >= 14
    )
    THEN CAST(FLOOR("t69"."k_card_utilisation" / 14) AS BIGINT)
    WHEN (
      "t69"."r_open_judgments" = 2
    ) AND (
      "t69"."k_open_judgments" >= 14
    )
    THEN CAST(FLOOR("t69"."k_open_judgments" / 14) AS BIGINT)
    WHEN (
      "t69"."r_open_judgment_amount" = 2
    )
    AND (
      "t69"."k_open_judgment_amount" >= 14
    )
    THEN CAST(FLOOR("t69"."k_open_judgment_amount" / 14) AS BIGINT)
    WHEN (
      "t69"."r_penalties_24m" = 2
    ) AND (
      "t69"."k_penalties_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_penalties_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_breaches_24m" = 2
    ) AND (
      "t69"."k_breaches_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_breaches_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_tax_arrears_open" = 2
    ) AND (
      "t69"."k_tax_arrears_open" >= 14
    )
    THEN CAST(FLOOR("t69"."k_tax_arrears_open" / 14) AS BIGINT)
    WHEN (
      "t69"."r_bills_on_time_pct" = 2
    ) AND (
      "t69"."k_bills_on_time_pct" >= 14
    )
    THEN CAST(FLOOR("t69"."k_bills_on_time_pct" / 14) AS BIGINT)
    WHEN (
      "t69"."r_tax_on_time_pct" = 2
    ) AND (
      "t69"."k_tax_on_time_pct" >= 14
    )
    THEN CAST(FLOOR("t69"."k_tax_on_time_pct" / 14) AS BIGINT)
    WHEN (
      "t69"."r_identity_level" = 2
    ) AND (
      "t69"."k_identity_level" >= 14
    )
    THEN CAST(FLOOR("t69"."k_identity_level" / 14) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_3",
  CASE
    WHEN (
      "t69"."r_late_30_24m" = 3
    ) AND (
      "t69"."k_late_30_24m" >= 14
    )
    THEN 'late_30_24m'
    WHEN (
      "t69"."r_late_90_24m" = 3
    ) AND (
      "t69"."k_late_90_24m" >= 14
    )
    THEN 'late_90_24m'
    WHEN (
      "t69"."r_months_since_late_30" = 3
    )
    AND (
      "t69"."k_months_since_late_30" >= 14
    )
    THEN 'months_since_late_30'
    WHEN (
      "t69"."r_defaults_60m" = 3
    ) AND (
      "t69"."k_defaults_60m" >= 14
    )
    THEN 'defaults_60m'
    WHEN (
      "t69"."r_history_months" = 3
    ) AND (
      "t69"."k_history_months" >= 14
    )
    THEN 'history_months'
    WHEN (
      "t69"."r_card_utilisation" = 3
    ) AND (
      "t69"."k_card_utilisation" >= 14
    )
    THEN 'card_utilisation'
    WHEN (
      "t69"."r_open_judgments" = 3
    ) AND (
      "t69"."k_open_judgments" >= 14
    )
    THEN 'open_judgments'
    WHEN (
      "t69"."r_open_judgment_amount" = 3
    )
    AND (
      "t69"."k_open_judgment_amount" >= 14
    )
    THEN 'open_judgment_amount'
    WHEN (
      "t69"."r_penalties_24m" = 3
    ) AND (
      "t69"."k_penalties_24m" >= 14
    )
    THEN 'penalties_24m'
    WHEN (
      "t69"."r_breaches_24m" = 3
    ) AND (
      "t69"."k_breaches_24m" >= 14
    )
    THEN 'breaches_24m'
    WHEN (
      "t69"."r_tax_arrears_open" = 3
    ) AND (
      "t69"."k_tax_arrears_open" >= 14
    )
    THEN 'tax_arrears_open'
    WHEN (
      "t69"."r_bills_on_time_pct" = 3
    ) AND (
      "t69"."k_bills_on_time_pct" >= 14
    )
    THEN 'bills_on_time_pct'
    WHEN (
      "t69"."r_tax_on_time_pct" = 3
    ) AND (
      "t69"."k_tax_on_time_pct" >= 14
    )
    THEN 'tax_on_time_pct'
    WHEN (
      "t69"."r_identity_level" = 3
    ) AND (
      "t69"."k_identity_level" >= 14
    )
    THEN 'identity_level'
    ELSE CAST(NULL AS TEXT)
  END AS "reason_4",
  CASE
    WHEN (
      "t69"."r_late_30_24m" = 3
    ) AND (
      "t69"."k_late_30_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_late_30_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_late_90_24m" = 3
    ) AND (
      "t69"."k_late_90_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_late_90_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_months_since_late_30" = 3
    )
    AND (
      "t69"."k_months_since_late_30" >= 14
    )
    THEN CAST(FLOOR("t69"."k_months_since_late_30" / 14) AS BIGINT)
    WHEN (
      "t69"."r_defaults_60m" = 3
    ) AND (
      "t69"."k_defaults_60m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_defaults_60m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_history_months" = 3
    ) AND (
      "t69"."k_history_months" >= 14
    )
    THEN CAST(FLOOR("t69"."k_history_months" / 14) AS BIGINT)
    WHEN (
      "t69"."r_card_utilisation" = 3
    ) AND (
      "t69"."k_card_utilisation" >= 14
    )
    THEN CAST(FLOOR("t69"."k_card_utilisation" / 14) AS BIGINT)
    WHEN (
      "t69"."r_open_judgments" = 3
    ) AND (
      "t69"."k_open_judgments" >= 14
    )
    THEN CAST(FLOOR("t69"."k_open_judgments" / 14) AS BIGINT)
    WHEN (
      "t69"."r_open_judgment_amount" = 3
    )
    AND (
      "t69"."k_open_judgment_amount" >= 14
    )
    THEN CAST(FLOOR("t69"."k_open_judgment_amount" / 14) AS BIGINT)
    WHEN (
      "t69"."r_penalties_24m" = 3
    ) AND (
      "t69"."k_penalties_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_penalties_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_breaches_24m" = 3
    ) AND (
      "t69"."k_breaches_24m" >= 14
    )
    THEN CAST(FLOOR("t69"."k_breaches_24m" / 14) AS BIGINT)
    WHEN (
      "t69"."r_tax_arrears_open" = 3
    ) AND (
      "t69"."k_tax_arrears_open" >= 14
    )
    THEN CAST(FLOOR("t69"."k_tax_arrears_open" / 14) AS BIGINT)
    WHEN (
      "t69"."r_bills_on_time_pct" = 3
    ) AND (
      "t69"."k_bills_on_time_pct" >= 14
    )
    THEN CAST(FLOOR("t69"."k_bills_on_time_pct" / 14) AS BIGINT)
    WHEN (
      "t69"."r_tax_on_time_pct" = 3
    ) AND (
      "t69"."k_tax_on_time_pct" >= 14
    )
    THEN CAST(FLOOR("t69"."k_tax_on_time_pct" / 14) AS BIGINT)
    WHEN (
      "t69"."r_identity_level" = 3
    ) AND (
      "t69"."k_identity_level" >= 14
    )
    THEN CAST(FLOOR("t69"."k_identity_level" / 14) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_4"
FROM (
  SELECT
    "t68"."subject_id",
    "t68"."late_30_24m",
    "t68"."late_90_24m",
    "t68"."months_since_late_30",
    "t68"."defaults_60m",
    "t68"."history_months",
    "t68"."card_utilisation",
    "t68"."open_judgments",
    "t68"."open_judgment_amount",
    "t68"."penalties_24m",
    "t68"."breaches_24m",
    "t68"."tax_arrears_open",
    "t68"."bills_on_time_pct",
    "t68"."tax_on_time_pct",
    "t68"."identity_level",
    "t68"."score",
    "t68"."history",
    "t68"."capacity",
    "t68"."compliance",
    "t68"."payments",
    "t68"."identity",
    RANDOM() AS "_b3",
    "t68"."k_late_30_24m",
    "t68"."k_late_90_24m",
    "t68"."k_months_since_late_30",
    "t68"."k_defaults_60m",
    "t68"."k_history_months",
    "t68"."k_card_utilisation",
    "t68"."k_open_judgments",
    "t68"."k_open_judgment_amount",
    "t68"."k_penalties_24m",
    "t68"."k_breaches_24m",
    "t68"."k_tax_arrears_open",
    "t68"."k_bills_on_time_pct",
    "t68"."k_tax_on_time_pct",
    "t68"."k_identity_level",
    0 + CAST("t68"."k_late_90_24m" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_late_30_24m" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_late_30_24m" AS BIGINT) AS "r_late_30_24m",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_late_90_24m" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_late_90_24m" AS BIGINT) AS "r_late_90_24m",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_months_since_late_30" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_months_since_late_30" AS BIGINT) AS "r_months_since_late_30",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_defaults_60m" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_defaults_60m" AS BIGINT) AS "r_defaults_60m",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_history_months" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_history_months" AS BIGINT) AS "r_history_months",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_card_utilisation" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_card_utilisation" AS BIGINT) AS "r_card_utilisation",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_open_judgments" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_open_judgments" AS BIGINT) AS "r_open_judgments",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_open_judgment_amount" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_open_judgment_amount" AS BIGINT) AS "r_open_judgment_amount",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_penalties_24m" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_penalties_24m" AS BIGINT) AS "r_penalties_24m",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_breaches_24m" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_breaches_24m" AS BIGINT) AS "r_breaches_24m",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_tax_arrears_open" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_tax_arrears_open" AS BIGINT) AS "r_tax_arrears_open",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_bills_on_time_pct" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_bills_on_time_pct" AS BIGINT) AS "r_bills_on_time_pct",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_tax_on_time_pct" AS BIGINT) + CAST("t68"."k_identity_level" > "t68"."k_tax_on_time_pct" AS BIGINT) AS "r_tax_on_time_pct",
    0 + CAST("t68"."k_late_30_24m" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_late_90_24m" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_months_since_late_30" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_defaults_60m" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_history_months" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_card_utilisation" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_open_judgments" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_open_judgment_amount" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_penalties_24m" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_breaches_24m" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_tax_arrears_open" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_bills_on_time_pct" > "t68"."k_identity_level" AS BIGINT) + CAST("t68"."k_tax_on_time_pct" > "t68"."k_identity_level" AS BIGINT) AS "r_identity_level"
  FROM (
    SELECT
      "t67"."subject_id",
      "t67"."late_30_24m",
      "t67"."late_90_24m",
      "t67"."months_since_late_30",
      "t67"."defaults_60m",
      "t67"."history_months",
      "t67"."card_utilisation",
      "t67"."open_judgments",
      "t67"."open_judgment_amount",
      "t67"."penalties_24m",
      "t67"."breaches_24m",
      "t67"."tax_arrears_open",
      "t67"."bills_on_time_pct",
      "t67"."tax_on_time_pct",
      "t67"."identity_level",
      CASE
        WHEN CASE
          WHEN (
            536 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level"
          ) IS NULL
          THEN 536 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level"
          ELSE LEAST(
            950,
            536 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level"
          )
        END IS NULL
        THEN CASE
          WHEN (
            536 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level"
          ) IS NULL
          THEN 536 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level"
          ELSE LEAST(
            950,
            536 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level"
          )
        END
        ELSE GREATEST(
          350,
          CASE
            WHEN (
              536 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level"
            ) IS NULL
            THEN 536 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level"
            ELSE LEAST(
              950,
              536 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level"
            )
          END
        )
      END AS "score",
      CAST(FLOOR(
        (
          (
            (
              "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
            ) - -26
          ) * 100
        ) / 83
      ) AS BIGINT) + CAST((
        (
          (
            (
              (
                (
                  "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                ) - -26
              ) * 100
            ) - (
              CAST(FLOOR(
                (
                  (
                    (
                      "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                    ) - -26
                  ) * 100
                ) / 83
              ) AS BIGINT) * 83
            )
          ) * 2
        ) > 83
      )
      OR (
        (
          (
            (
              (
                (
                  (
                    "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                  ) - -26
                ) * 100
              ) - (
                CAST(FLOOR(
                  (
                    (
                      (
                        "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                      ) - -26
                    ) * 100
                  ) / 83
                ) AS BIGINT) * 83
              )
            ) * 2
          ) = 83
        )
        AND (
          (
            CAST(FLOOR(
              (
                (
                  (
                    "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                  ) - -26
                ) * 100
              ) / 83
            ) AS BIGINT) % 2
          ) = 1
        )
      ) AS BIGINT) AS "history",
      CAST(FLOOR((
        (
          "t67"."p_card_utilisation" - -27
        ) * 100
      ) / 37) AS BIGINT) + CAST((
        (
          (
            (
              (
                "t67"."p_card_utilisation" - -27
              ) * 100
            ) - (
              CAST(FLOOR((
                (
                  "t67"."p_card_utilisation" - -27
                ) * 100
              ) / 37) AS BIGINT) * 37
            )
          ) * 2
        ) > 37
      )
      OR (
        (
          (
            (
              (
                (
                  "t67"."p_card_utilisation" - -27
                ) * 100
              ) - (
                CAST(FLOOR((
                  (
                    "t67"."p_card_utilisation" - -27
                  ) * 100
                ) / 37) AS BIGINT) * 37
              )
            ) * 2
          ) = 37
        )
        AND (
          (
            CAST(FLOOR((
              (
                "t67"."p_card_utilisation" - -27
              ) * 100
            ) / 37) AS BIGINT) % 2
          ) = 1
        )
      ) AS BIGINT) AS "capacity",
      100 AS "compliance",
      CAST(FLOOR(
        (
          (
            (
              "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
            ) - -2
          ) * 100
        ) / 3
      ) AS BIGINT) + CAST((
        (
          (
            (
              (
                (
                  "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
                ) - -2
              ) * 100
            ) - (
              CAST(FLOOR(
                (
                  (
                    (
                      "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
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
                    "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
                  ) - -2
                ) * 100
              ) - (
                CAST(FLOOR(
                  (
                    (
                      (
                        "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
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
                    "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
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
          36 - "t67"."p_late_30_24m"
        ) * 14
      ) + 13 AS "k_late_30_24m",
      (
        (
          3 - "t67"."p_late_90_24m"
        ) * 14
      ) + 12 AS "k_late_90_24m",
      (
        (
          0 - "t67"."p_months_since_late_30"
        ) * 14
      ) + 11 AS "k_months_since_late_30",
      (
        (
          0 - "t67"."p_defaults_60m"
        ) * 14
      ) + 10 AS "k_defaults_60m",
      (
        (
          18 - "t67"."p_history_months"
        ) * 14
      ) + 9 AS "k_history_months",
      (
        (
          10 - "t67"."p_card_utilisation"
        ) * 14
      ) + 8 AS "k_card_utilisation",
      (
        (
          0 - "t67"."p_open_judgments"
        ) * 14
      ) + 7 AS "k_open_judgments",
      (
        (
          0 - "t67"."p_open_judgment_amount"
        ) * 14
      ) + 6 AS "k_open_judgment_amount",
      (
        (
          0 - "t67"."p_penalties_24m"
        ) * 14
      ) + 5 AS "k_penalties_24m",
      (
        (
          0 - "t67"."p_breaches_24m"
        ) * 14
      ) + 4 AS "k_breaches_24m",
      (
        (
          0 - "t67"."p_tax_arrears_open"
        ) * 14
      ) + 3 AS "k_tax_arrears_open",
      (
        (
          1 - "t67"."p_bills_on_time_pct"
        ) * 14
      ) + 2 AS "k_bills_on_time_pct",
      (
        (
          0 - "t67"."p_tax_on_time_pct"
        ) * 14
      ) + 1 AS "k_tax_on_time_pct",
      (
        (
          0 - "t67"."p_identity_level"
        ) * 14
      ) + 0 AS "k_identity_level"
    FROM (
      SELECT
        "t66"."subject_id",
        "t66"."late_30_24m",
        "t66"."late_90_24m",
        "t66"."months_since_late_30",
        "t66"."defaults_60m",
        "t66"."history_months",
        "t66"."card_utilisation",
        "t66"."open_judgments",
        "t66"."open_judgment_amount",
        "t66"."penalties_24m",
        "t66"."breaches_24m",
        "t66"."tax_arrears_open",
        "t66"."bills_on_time_pct",
        "t66"."tax_on_time_pct",
        "t66"."identity_level",
        RANDOM() AS "_b1",
        CASE
          WHEN "t66"."late_30_24m" IS NULL
          THEN 0
          WHEN "t66"."late_30_24m" < 0.5
          THEN 36
          WHEN "t66"."late_30_24m" < 1.5
          THEN 14
          WHEN "t66"."late_30_24m" < 2.5
          THEN 1
          WHEN "t66"."late_30_24m" < 3.5
          THEN -11
          ELSE -15
        END AS "p_late_30_24m",
        CASE
          WHEN "t66"."late_90_24m" IS NULL
          THEN 0
          WHEN "t66"."late_90_24m" < 0.5
          THEN 3
          WHEN "t66"."late_90_24m" < 2.5
          THEN -1
          ELSE -7
        END AS "p_late_90_24m",
        CASE
          WHEN "t66"."months_since_late_30" IS NULL
          THEN 0
          WHEN "t66"."months_since_late_30" < 6.5
          THEN 0
          WHEN "t66"."months_since_late_30" < 20.0
          THEN 0
          ELSE 0
        END AS "p_months_since_late_30",
        CASE WHEN "t66"."defaults_60m" IS NULL THEN 0 ELSE 0 END AS "p_defaults_60m",
        CASE
          WHEN "t66"."history_months" IS NULL
          THEN 2
          WHEN "t66"."history_months" < 51.5
          THEN -4
          ELSE 18
        END AS "p_history_months",
        CASE
          WHEN "t66"."card_utilisation" IS NULL
          THEN 0
          WHEN "t66"."card_utilisation" < 0.17872796952724457
          THEN 10
          WHEN "t66"."card_utilisation" < 0.25231048464775085
          THEN 9
          WHEN "t66"."card_utilisation" < 0.5216807126998901
          THEN 0
          WHEN "t66"."card_utilisation" < 0.7797325253486633
          THEN -13
          ELSE -27
        END AS "p_card_utilisation",
        CASE
          WHEN "t66"."open_judgments" IS NULL
          THEN 0
          WHEN "t66"."open_judgments" < 0.5
          THEN 0
          ELSE 0
        END AS "p_open_judgments",
        CASE
          WHEN "t66"."open_judgment_amount" IS NULL
          THEN 0
          WHEN "t66"."open_judgment_amount" < 2500.0
          THEN 0
          ELSE 0
        END AS "p_open_judgment_amount",
        CASE WHEN "t66"."penalties_24m" IS NULL THEN 0 ELSE 0 END AS "p_penalties_24m",
        CASE WHEN "t66"."breaches_24m" IS NULL THEN 0 ELSE 0 END AS "p_breaches_24m",
        CASE WHEN "t66"."tax_arrears_open" IS NULL THEN 0 ELSE 0 END AS "p_tax_arrears_open",
        CASE
          WHEN "t66"."bills_on_time_pct" IS NULL
          THEN 0
          WHEN "t66"."bills_on_time_pct" < 45.5
          THEN -2
          WHEN "t66"."bills_on_time_pct" < 54.0
          THEN -2
          WHEN "t66"."bills_on_time_pct" < 70.5
          THEN -1
          ELSE 1
        END AS "p_bills_on_time_pct",
        CASE WHEN "t66"."tax_on_time_pct" IS NULL THEN 0 ELSE 0 END AS "p_tax_on_time_pct",
        CASE
          WHEN "t66"."identity_level" IS NULL
          THEN 0
          WHEN "t66"."identity_level" < 1.5
          THEN 0
          ELSE 0
        END AS "p_identity_level"
      FROM (
        SELECT
          "t10"."subject_id",
          COALESCE("t38"."late_30_24m", 0) AS "late_30_24m",
          COALESCE("t39"."late_90_24m", 0) AS "late_90_24m",
          "t59"."months_since_late_30",
          COALESCE("t29"."defaults_60m", 0) AS "defaults_60m",
          "t50"."history_months",
          "t65"."card_utilisation",
          COALESCE("t53"."open_judgments", 0) AS "open_judgments",
          COALESCE("t62"."open_judgment_amount", 0) AS "open_judgment_amount",
          COALESCE("t30"."penalties_24m", 0) AS "penalties_24m",
          COALESCE("t31"."breaches_24m", 0) AS "breaches_24m",
          COALESCE("t40"."tax_arrears_open", 0) AS "tax_arrears_open",
          "t61"."bills_on_time_pct",
          "t56"."tax_on_time_pct",
          COALESCE("t46"."identity_level", 0) AS "identity_level"
        FROM (
          SELECT
            "t0"."subject_id"
          FROM "parquet_2" AS "t0"
          WHERE
            "t0"."kind" = 'person'
        ) AS "t10"
        LEFT OUTER JOIN (
          SELECT
            "t26"."subject_id",
            "t26"."value" AS "late_30_24m"
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
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
                AND CAST(NULLIF(REGEXP_EXTRACT("t1"."fields", '"days_late":(-?[0-9]+)', 1), '') AS BIGINT) >= 30
            ) AS "t18"
            GROUP BY
              1
          ) AS "t26"
        ) AS "t38"
          ON "t10"."subject_id" = "t38"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t27"."subject_id",
            "t27"."value" AS "late_90_24m"
          FROM (
            SELECT
              "t20"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'loan.repayment'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
                AND CAST(NULLIF(REGEXP_EXTRACT("t1"."fields", '"days_late":(-?[0-9]+)', 1), '') AS BIGINT) >= 90
            ) AS "t20"
            GROUP BY
              1
          ) AS "t27"
        ) AS "t39"
          ON "t10"."subject_id" = "t39"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t48"."subject_id",
            "t48"."value" AS "months_since_late_30"
          FROM (
            SELECT
              "t19"."subject_id",
              24318 - (
                (
                  CAST(EXTRACT(year FROM MAX("t19"."occurred_on")) AS BIGINT) * 12
                ) + CAST(EXTRACT(month FROM MAX("t19"."occurred_on")) AS BIGINT)
              ) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'loan.repayment'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
                AND CAST(NULLIF(REGEXP_EXTRACT("t1"."fields", '"days_late":(-?[0-9]+)', 1), '') AS BIGINT) >= 30
            ) AS "t19"
            GROUP BY
              1
          ) AS "t48"
        ) AS "t59"
          ON "t10"."subject_id" = "t59"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t15"."subject_id",
            "t15"."value" AS "defaults_60m"
          FROM (
            SELECT
              "t3"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'loan.default'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
            ) AS "t3"
            GROUP BY
              1
          ) AS "t15"
        ) AS "t29"
          ON "t10"."subject_id" = "t29"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t41"."subject_id",
            "t41"."value" AS "history_months"
          FROM (
            SELECT
              "t4"."subject_id",
              24318 - (
                (
                  CAST(EXTRACT(year FROM MIN("t4"."occurred_on")) AS BIGINT) * 12
                ) + CAST(EXTRACT(month FROM MIN("t4"."occurred_on")) AS BIGINT)
              ) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'loan.opened'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
            ) AS "t4"
            GROUP BY
              1
          ) AS "t41"
        ) AS "t50"
          ON "t10"."subject_id" = "t50"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t63"."subject_id",
            "t63"."balance" / NULLIF("t63"."cap", 0) AS "card_utilisation"
          FROM (
            SELECT
              "t55"."subject_id",
              SUM("t55"."amount_minor") AS "balance",
              SUM("t55"."credit_limit") AS "cap"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t22"."record_id",
                  "t22"."subject_id",
                  "t22"."furnisher_id",
                  "t22"."occurred_on",
                  "t22"."amount_minor",
                  "t22"."fields",
                  "t22"."category",
                  "t22"."month",
                  "t22"."account",
                  "t22"."credit_limit",
                  ROW_NUMBER() OVER (
                    PARTITION BY "t22"."subject_id", "t22"."account"
                    ORDER BY "t22"."occurred_on" DESC, "t22"."record_id" DESC
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
                    AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
                    AND "t1"."occurred_on" > MAKE_DATE(2025, 6, 30)
                ) AS "t22"
              ) AS "t44"
              WHERE
                "t44"."n" = 0
            ) AS "t55"
            GROUP BY
              1
          ) AS "t63"
        ) AS "t65"
          ON "t10"."subject_id" = "t65"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t43"."subject_id",
            "t43"."value" AS "open_judgments"
          FROM (
            SELECT
              "t37"."subject_id",
              COUNT(*) AS "value"
            FROM "t32" AS "t37"
            GROUP BY
              1
          ) AS "t43"
        ) AS "t53"
          ON "t10"."subject_id" = "t53"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t54"."subject_id",
            "t54"."value" AS "open_judgment_amount"
          FROM (
            SELECT
              "t37"."subject_id",
              CAST(FLOOR((
                COALESCE(SUM("t37"."amount_minor"), 0)
              ) / (
                100
              )) AS BIGINT) AS "value"
            FROM "t32" AS "t37"
            GROUP BY
              1
          ) AS "t54"
        ) AS "t62"
          ON "t10"."subject_id" = "t62"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t16"."subject_id",
            "t16"."value" AS "penalties_24m"
          FROM (
            SELECT
              "t5"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'penalty.imposed'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
            ) AS "t5"
            GROUP BY
              1
          ) AS "t16"
        ) AS "t30"
          ON "t10"."subject_id" = "t30"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t17"."subject_id",
            "t17"."value" AS "breaches_24m"
          FROM (
            SELECT
              "t6"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'contract.breach'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
            ) AS "t6"
            GROUP BY
              1
          ) AS "t17"
        ) AS "t31"
          ON "t10"."subject_id" = "t31"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t28"."subject_id",
            "t28"."value" AS "tax_arrears_open"
          FROM (
            SELECT
              "t21"."subject_id",
              COUNT(*) AS "value"
            FROM (
              SELECT
                *
              FROM "parquet_1" AS "t1"
              WHERE
                "t1"."category" = 'tax.arrears'
                AND "t1"."occurred_on" <= MAKE_DATE(2026, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
                AND (
                  (
                    NULLIF(REGEXP_EXTRACT("t1"."fields", '"settled_on":"([^"]*)"', 1), '') IS NULL
                  )
                  OR (
                    NULLIF(REGEXP_EXTRACT("t1"."fields", '"settled_on":"([^"]*)"', 1), '') > '2026-06-30'
                  )
                )
            ) AS "t21"
            GROUP BY
              1
          ) AS "t28"
        ) AS "t40"
          ON "t10"."subject_id" = "t40"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t51"."subject_id",
            "t51"."value" AS "bills_on_time_pct"
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
                AND "t1"."occurred_on" > MAKE_DATE(2023, 6, 30)
                AND "t1"."occurred_on" > MAKE_DATE(2024, 6, 30)
            ) AS "t7"
            GROUP BY
              1
          ) AS "t51"
        ) AS "t61"
          ON "t10"."subject_id" = "t61"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t45"."subject_id",
            "t45"."value" AS "tax_on_time_pct"
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
          ) AS "t45"
        ) AS "t56"
          ON "t10"."subject_id" = "t56"."subject_id"
        LEFT OUTER JOIN (
          SELECT
            "t33"."subject_id",
            "t33"."value" AS "identity_level"
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
                AND "t1"."occurred_on" > MAKE_DATE(2021, 6, 30)
            ) AS "t9"
            GROUP BY
              1
          ) AS "t33"
        ) AS "t46"
          ON "t10"."subject_id" = "t46"."subject_id"
      ) AS "t66"
    ) AS "t67"
  ) AS "t68"
) AS "t69"