-- The predictive model's card: what it was trained on, how it was chosen and how well it
-- ranks on a time-ordered holdout, next to the rule-based score on the same holdout.
-- One row per build (status insufficient_data and a message when no model was trained).
-- Every column of int_predictive_model except the serialized model.

with

predictive_model as (
    select * from {{ ref('int_predictive_model') }}
),

final as (
    select
        model_version,
        status,
        message,
        training_decision,
        trained_at,
        as_of,
        conversion,
        start_stage,
        end_stage,
        conversion_window_days,
        training_window_start,
        training_window_end,
        holdout_window_start,
        n_examples,
        n_positive,
        n_negative,
        positive_rate,
        n_train,
        n_holdout,
        train_positive_rate,
        holdout_positive_rate,
        features,
        n_features,
        n_design_columns,
        algorithm,
        candidate_algorithms,
        holdout_auc_logistic_regression,
        holdout_auc_gradient_boosting,
        holdout_auc_chosen,
        rule_score_id,
        holdout_auc_rule_score,
        rule_score_note,
        holdout_brier_calibrated,
        holdout_brier_uncalibrated,
        holdout_brier_base_rate,
        calibration,
        refit_on_all_examples,
        hyperparameters_logistic_regression,
        hyperparameters_gradient_boosting,
        hyperparameters_final,
        random_seed,
        settings,
        package_version
    from predictive_model
)

select * from final
