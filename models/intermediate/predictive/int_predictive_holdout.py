"""The trained model's predictions on its time-ordered holdout, one row per holdout example:
the chosen candidate fitted on the training part only, calibrated - the predictions the model
card's holdout AUC and Brier score come from (for a calibration view). Empty when no model
could be trained. Thin: read int_predictive_model, call lead_scoring.predictive, return.
"""

from lead_scoring.predictive import holdout_predictions, model_from_frame


def model(dbt, session):
    dbt.config(materialized="table")
    fitted = model_from_frame(dbt.ref("int_predictive_model").df())
    return holdout_predictions(fitted)
