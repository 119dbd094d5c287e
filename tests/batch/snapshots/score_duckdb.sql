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
    WHEN LIST_EXTRACT("t69"."_keys", 14) >= 14
    THEN LIST_EXTRACT(
      [
        'identity_level',
        'tax_on_time_pct',
        'bills_on_time_pct',
        'tax_arrears_open',
        'breaches_24m',
        'penalties_24m',
        'open_judgment_amount',
        'open_judgments',
        'card_utilisation',
        'history_months',
        'defaults_60m',
        'months_since_late_30',
        'late_90_24m',
        'late_30_24m'
      ],
      CAST(LIST_EXTRACT("t69"."_keys", 14) % 14 AS INT) + CAST(CAST(LIST_EXTRACT("t69"."_keys", 14) % 14 AS INT) >= 0 AS INT)
    )
    ELSE CAST(NULL AS TEXT)
  END AS "reason_1",
  CASE
    WHEN LIST_EXTRACT("t69"."_keys", 14) >= 14
    THEN CAST(FLOOR(LIST_EXTRACT("t69"."_keys", 14) / 14) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_1",
  CASE
    WHEN LIST_EXTRACT("t69"."_keys", 13) >= 14
    THEN LIST_EXTRACT(
      [
        'identity_level',
        'tax_on_time_pct',
        'bills_on_time_pct',
        'tax_arrears_open',
        'breaches_24m',
        'penalties_24m',
        'open_judgment_amount',
        'open_judgments',
        'card_utilisation',
        'history_months',
        'defaults_60m',
        'months_since_late_30',
        'late_90_24m',
        'late_30_24m'
      ],
      CAST(LIST_EXTRACT("t69"."_keys", 13) % 14 AS INT) + CAST(CAST(LIST_EXTRACT("t69"."_keys", 13) % 14 AS INT) >= 0 AS INT)
    )
    ELSE CAST(NULL AS TEXT)
  END AS "reason_2",
  CASE
    WHEN LIST_EXTRACT("t69"."_keys", 13) >= 14
    THEN CAST(FLOOR(LIST_EXTRACT("t69"."_keys", 13) / 14) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_2",
  CASE
    WHEN LIST_EXTRACT("t69"."_keys", 12) >= 14
    THEN LIST_EXTRACT(
      [
        'identity_level',
        'tax_on_time_pct',
        'bills_on_time_pct',
        'tax_arrears_open',
        'breaches_24m',
        'penalties_24m',
        'open_judgment_amount',
        'open_judgments',
        'card_utilisation',
        'history_months',
        'defaults_60m',
        'months_since_late_30',
        'late_90_24m',
        'late_30_24m'
      ],
      CAST(LIST_EXTRACT("t69"."_keys", 12) % 14 AS INT) + CAST(CAST(LIST_EXTRACT("t69"."_keys", 12) % 14 AS INT) >= 0 AS INT)
    )
    ELSE CAST(NULL AS TEXT)
  END AS "reason_3",
  CASE
    WHEN LIST_EXTRACT("t69"."_keys", 12) >= 14
    THEN CAST(FLOOR(LIST_EXTRACT("t69"."_keys", 12) / 14) AS BIGINT)
    ELSE CAST(NULL AS BIGINT)
  END AS "lost_3",
  CASE
    WHEN LIST_EXTRACT("t69"."_keys", 11) >= 14
    THEN LIST_EXTRACT(
      [
        'identity_level',
        'tax_on_time_pct',
        'bills_on_time_pct',
        'tax_arrears_open',
        'breaches_24m',
        'penalties_24m',
        'open_judgment_amount',
        'open_judgments',
        'card_utilisation',
        'history_months',
        'defaults_60m',
        'months_since_late_30',
        'late_90_24m',
        'late_30_24m'
      ],
      CAST(LIST_EXTRACT("t69"."_keys", 11) % 14 AS INT) + CAST(CAST(LIST_EXTRACT("t69"."_keys", 11) % 14 AS INT) >= 0 AS INT)
    )
    ELSE CAST(NULL AS TEXT)
  END AS "reason_4",
  CASE
    WHEN LIST_EXTRACT("t69"."_keys", 11) >= 14
    THEN CAST(FLOOR(LIST_EXTRACT("t69"."_keys", 11) / 14) AS BIGINT)
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
    LIST_SORT(
      CAST([
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
        "t68"."k_identity_level"
      ] AS BIGINT[])
    ) AS "_keys"
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
      LEAST(
        GREATEST(
          586 + "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months" + "t67"."p_card_utilisation" + "t67"."p_open_judgments" + "t67"."p_open_judgment_amount" + "t67"."p_penalties_24m" + "t67"."p_breaches_24m" + "t67"."p_tax_arrears_open" + "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct" + "t67"."p_identity_level",
          350
        ),
        950
      ) AS "score",
      CAST(FLOOR(
        (
          (
            (
              "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
            ) - -45
          ) * 100
        ) / 90
      ) AS BIGINT) + CAST((
        (
          (
            (
              (
                (
                  "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                ) - -45
              ) * 100
            ) - (
              CAST(FLOOR(
                (
                  (
                    (
                      "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                    ) - -45
                  ) * 100
                ) / 90
              ) AS BIGINT) * 90
            )
          ) * 2
        ) > 90
      )
      OR (
        (
          (
            (
              (
                (
                  (
                    "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                  ) - -45
                ) * 100
              ) - (
                CAST(FLOOR(
                  (
                    (
                      (
                        "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                      ) - -45
                    ) * 100
                  ) / 90
                ) AS BIGINT) * 90
              )
            ) * 2
          ) = 90
        )
        AND (
          (
            CAST(FLOOR(
              (
                (
                  (
                    "t67"."p_late_30_24m" + "t67"."p_late_90_24m" + "t67"."p_months_since_late_30" + "t67"."p_defaults_60m" + "t67"."p_history_months"
                  ) - -45
                ) * 100
              ) / 90
            ) AS BIGINT) % 2
          ) = 1
        )
      ) AS BIGINT) AS "history",
      CAST(FLOOR((
        (
          "t67"."p_card_utilisation" - -112
        ) * 100
      ) / 140) AS BIGINT) + CAST((
        (
          (
            (
              (
                "t67"."p_card_utilisation" - -112
              ) * 100
            ) - (
              CAST(FLOOR((
                (
                  "t67"."p_card_utilisation" - -112
                ) * 100
              ) / 140) AS BIGINT) * 140
            )
          ) * 2
        ) > 140
      )
      OR (
        (
          (
            (
              (
                (
                  "t67"."p_card_utilisation" - -112
                ) * 100
              ) - (
                CAST(FLOOR((
                  (
                    "t67"."p_card_utilisation" - -112
                  ) * 100
                ) / 140) AS BIGINT) * 140
              )
            ) * 2
          ) = 140
        )
        AND (
          (
            CAST(FLOOR((
              (
                "t67"."p_card_utilisation" - -112
              ) * 100
            ) / 140) AS BIGINT) % 2
          ) = 1
        )
      ) AS BIGINT) AS "capacity",
      100 AS "compliance",
      CAST(FLOOR(
        (
          (
            (
              "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
            ) - -16
          ) * 100
        ) / 37
      ) AS BIGINT) + CAST((
        (
          (
            (
              (
                (
                  "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
                ) - -16
              ) * 100
            ) - (
              CAST(FLOOR(
                (
                  (
                    (
                      "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
                    ) - -16
                  ) * 100
                ) / 37
              ) AS BIGINT) * 37
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
                  (
                    "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
                  ) - -16
                ) * 100
              ) - (
                CAST(FLOOR(
                  (
                    (
                      (
                        "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
                      ) - -16
                    ) * 100
                  ) / 37
                ) AS BIGINT) * 37
              )
            ) * 2
          ) = 37
        )
        AND (
          (
            CAST(FLOOR(
              (
                (
                  (
                    "t67"."p_bills_on_time_pct" + "t67"."p_tax_on_time_pct"
                  ) - -16
                ) * 100
              ) / 37
            ) AS BIGINT) % 2
          ) = 1
        )
      ) AS BIGINT) AS "payments",
      100 AS "identity",
      RANDOM() AS "_b2",
      (
        (
          0 - "t67"."p_late_30_24m"
        ) * 14
      ) + 13 AS "k_late_30_24m",
      (
        (
          5 - "t67"."p_late_90_24m"
        ) * 14
      ) + 12 AS "k_late_90_24m",
      (
        GREATEST(9 - "t67"."p_months_since_late_30", 0) * 14
      ) + 11 AS "k_months_since_late_30",
      (
        (
          0 - "t67"."p_defaults_60m"
        ) * 14
      ) + 10 AS "k_defaults_60m",
      (
        (
          30 - "t67"."p_history_months"
        ) * 14
      ) + 9 AS "k_history_months",
      (
        (
          28 - "t67"."p_card_utilisation"
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
          21 - "t67"."p_bills_on_time_pct"
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
          THEN 0
          WHEN "t66"."late_30_24m" < 1.5
          THEN 0
          WHEN "t66"."late_30_24m" < 2.5
          THEN 0
          WHEN "t66"."late_30_24m" < 3.5
          THEN 0
          ELSE 0
        END AS "p_late_30_24m",
        CASE
          WHEN "t66"."late_90_24m" IS NULL
          THEN 0
          WHEN "t66"."late_90_24m" < 0.5
          THEN 5
          WHEN "t66"."late_90_24m" < 1.5
          THEN -6
          ELSE -17
        END AS "p_late_90_24m",
        CASE
          WHEN "t66"."months_since_late_30" IS NULL
          THEN 10
          WHEN "t66"."months_since_late_30" < 0.5
          THEN -15
          WHEN "t66"."months_since_late_30" < 6.5
          THEN -6
          ELSE 9
        END AS "p_months_since_late_30",
        CASE WHEN "t66"."defaults_60m" IS NULL THEN 0 ELSE 0 END AS "p_defaults_60m",
        CASE
          WHEN "t66"."history_months" IS NULL
          THEN 15
          WHEN "t66"."history_months" < 8.5
          THEN -13
          WHEN "t66"."history_months" < 51.5
          THEN -10
          ELSE 30
        END AS "p_history_months",
        CASE
          WHEN "t66"."card_utilisation" IS NULL
          THEN 0
          WHEN "t66"."card_utilisation" < 0.0631730668246746
          THEN 28
          WHEN "t66"."card_utilisation" < 0.3477114737033844
          THEN 18
          WHEN "t66"."card_utilisation" < 0.7585915625095367
          THEN -11
          ELSE -112
        END AS "p_card_utilisation",
        CASE WHEN "t66"."open_judgments" IS NULL THEN 0 ELSE 0 END AS "p_open_judgments",
        CASE WHEN "t66"."open_judgment_amount" IS NULL THEN 0 ELSE 0 END AS "p_open_judgment_amount",
        CASE WHEN "t66"."penalties_24m" IS NULL THEN 0 ELSE 0 END AS "p_penalties_24m",
        CASE WHEN "t66"."breaches_24m" IS NULL THEN 0 ELSE 0 END AS "p_breaches_24m",
        CASE WHEN "t66"."tax_arrears_open" IS NULL THEN 0 ELSE 0 END AS "p_tax_arrears_open",
        CASE
          WHEN "t66"."bills_on_time_pct" IS NULL
          THEN 0
          WHEN "t66"."bills_on_time_pct" < 34.0
          THEN -16
          WHEN "t66"."bills_on_time_pct" < 49.5
          THEN -14
          WHEN "t66"."bills_on_time_pct" < 72.5
          THEN -6
          WHEN "t66"."bills_on_time_pct" < 88.0
          THEN 8
          ELSE 21
        END AS "p_bills_on_time_pct",
        CASE WHEN "t66"."tax_on_time_pct" IS NULL THEN 0 ELSE 0 END AS "p_tax_on_time_pct",
        CASE
          WHEN "t66"."identity_level" IS NULL
          THEN 0
          WHEN "t66"."identity_level" < 2.5
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