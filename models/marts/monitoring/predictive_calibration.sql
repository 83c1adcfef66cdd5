-- Calibration of the predictive probability on the model's time-ordered holdout (examples
-- the model was not fitted on): examples split into 10 equal-count bins by predicted
-- probability, with the mean prediction and the observed conversion rate of each.

with

holdout as (
    select * from {{ ref('int_predictive_holdout') }}
),

binned as (
    select
        model_version,
        probability,
        is_converted,
        ntile(10) over (partition by model_version order by probability, contact_id) as bin
    from holdout
),

final as (
    select
        model_version,
        bin,
        count(*) as records,
        {{ count_where('is_converted') }} as converted_records,
        avg(probability) as mean_predicted_probability,
        avg(case when is_converted then 1.0 else 0.0 end) as observed_conversion_rate,
        abs(avg(probability) - avg(case when is_converted then 1.0 else 0.0 end)) as absolute_error
    from binned
    group by model_version, bin
)

select * from final
