//! CVSS v2 base scores (FIRST.org "A Complete Guide to the CVSS Version 2.0", section 3.2.1).
//!
//! v2 vectors carry no prefix (`AV:N/AC:L/Au:N/C:P/I:P/A:P`). Old advisories sometimes have
//! nothing newer, and a v2 score is still better evidence than no score.

use super::{CvssError, MetricDef, Version, read_metrics};

/// Base metric values with their weights (guide section 3.2.1); temporal and environmental
/// metrics with a dummy payload.
const METRICS: [MetricDef<f64>; 14] = [
    MetricDef::base("AV", &[("L", 0.395), ("A", 0.646), ("N", 1.0)]),
    MetricDef::base("AC", &[("H", 0.35), ("M", 0.61), ("L", 0.71)]),
    MetricDef::base("Au", &[("M", 0.45), ("S", 0.56), ("N", 0.704)]),
    MetricDef::base("C", IMPACT),
    MetricDef::base("I", IMPACT),
    MetricDef::base("A", IMPACT),
    // Temporal.
    MetricDef::optional("E", &[("U", 0.0), ("POC", 0.0), ("F", 0.0), ("H", 0.0), ND]),
    MetricDef::optional(
        "RL",
        &[("OF", 0.0), ("TF", 0.0), ("W", 0.0), ("U", 0.0), ND],
    ),
    MetricDef::optional("RC", &[("UC", 0.0), ("UR", 0.0), ("C", 0.0), ND]),
    // Environmental.
    MetricDef::optional(
        "CDP",
        &[
            ("N", 0.0),
            ("L", 0.0),
            ("LM", 0.0),
            ("MH", 0.0),
            ("H", 0.0),
            ND,
        ],
    ),
    MetricDef::optional("TD", &[("N", 0.0), ("L", 0.0), ("M", 0.0), ("H", 0.0), ND]),
    MetricDef::optional("CR", REQUIREMENT),
    MetricDef::optional("IR", REQUIREMENT),
    MetricDef::optional("AR", REQUIREMENT),
];

const IMPACT: &[(&str, f64)] = &[("N", 0.0), ("P", 0.275), ("C", 0.660)];
const REQUIREMENT: &[(&str, f64)] = &[("L", 0.0), ("M", 0.0), ("H", 0.0), ND];
/// "Not Defined", v2's spelling of v3's `X`.
const ND: (&str, f64) = ("ND", 0.0);

/// Base score of a bare v2 vector.
pub(super) fn base_score(body: &str) -> Result<f64, CvssError> {
    let [av, ac, au, c, i, a, ..] = read_metrics(Version::V2, body, &METRICS)?;
    let impact = 10.41 * (1.0 - (1.0 - c.1) * (1.0 - i.1) * (1.0 - a.1));
    let exploitability = 20.0 * av.1 * ac.1 * au.1;
    let f_impact = if impact == 0.0 { 0.0 } else { 1.176 };
    let raw = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f_impact;
    // round_to_1_decimal is ordinary half-up rounding; a negative result cannot occur with
    // the published weights, but the guide's reference code clamps at zero all the same.
    Ok(((raw * 10.0).round() / 10.0).max(0.0))
}
