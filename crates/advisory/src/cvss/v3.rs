//! CVSS v3.0 and v3.1 base scores (FIRST.org CVSS v3.1 specification, section 7.1 and
//! Appendix A; CVSS v3.0 specification, section 8.1).
//!
//! The base equations are the same in both versions; they differ in Roundup. v3.0 defines it as
//! "the smallest number, to one decimal, equal to or higher than its input", which FIRST's
//! v3.0 calculator implements as `ceil(x * 10) / 10` on floats — so a sum that lands a hair
//! above a tenth (4.000000000000001) rounds up a whole tenth. v3.1 fixed that with an integer
//! Roundup that first rounds to five decimals. Scores published for v3.0 vectors were made
//! with the v3.0 behaviour, so each version keeps its own.

use super::{CvssError, MetricDef, Version, read_metrics};

/// Base metric values with their weights (specification table 16); optional metrics with a
/// dummy payload. PR's weights here are for Scope Unchanged; see [`privileges_weight`].
const METRICS: [MetricDef<f64>; 22] = [
    MetricDef::base("AV", &[("N", 0.85), ("A", 0.62), ("L", 0.55), ("P", 0.2)]),
    MetricDef::base("AC", &[("L", 0.77), ("H", 0.44)]),
    MetricDef::base("PR", &[("N", 0.85), ("L", 0.62), ("H", 0.27)]),
    MetricDef::base("UI", &[("N", 0.85), ("R", 0.62)]),
    MetricDef::base("S", &[("U", 0.0), ("C", 0.0)]),
    MetricDef::base("C", IMPACT),
    MetricDef::base("I", IMPACT),
    MetricDef::base("A", IMPACT),
    // Temporal.
    MetricDef::optional(
        "E",
        &[("X", 0.0), ("U", 0.0), ("P", 0.0), ("F", 0.0), ("H", 0.0)],
    ),
    MetricDef::optional(
        "RL",
        &[("X", 0.0), ("O", 0.0), ("T", 0.0), ("W", 0.0), ("U", 0.0)],
    ),
    MetricDef::optional("RC", &[("X", 0.0), ("U", 0.0), ("R", 0.0), ("C", 0.0)]),
    // Environmental.
    MetricDef::optional("CR", REQUIREMENT),
    MetricDef::optional("IR", REQUIREMENT),
    MetricDef::optional("AR", REQUIREMENT),
    MetricDef::optional(
        "MAV",
        &[("X", 0.0), ("N", 0.0), ("A", 0.0), ("L", 0.0), ("P", 0.0)],
    ),
    MetricDef::optional("MAC", &[("X", 0.0), ("L", 0.0), ("H", 0.0)]),
    MetricDef::optional("MPR", &[("X", 0.0), ("N", 0.0), ("L", 0.0), ("H", 0.0)]),
    MetricDef::optional("MUI", &[("X", 0.0), ("N", 0.0), ("R", 0.0)]),
    MetricDef::optional("MS", &[("X", 0.0), ("U", 0.0), ("C", 0.0)]),
    MetricDef::optional("MC", MODIFIED_IMPACT),
    MetricDef::optional("MI", MODIFIED_IMPACT),
    MetricDef::optional("MA", MODIFIED_IMPACT),
];

const IMPACT: &[(&str, f64)] = &[("H", 0.56), ("L", 0.22), ("N", 0.0)];
const REQUIREMENT: &[(&str, f64)] = &[("X", 0.0), ("H", 0.0), ("M", 0.0), ("L", 0.0)];
const MODIFIED_IMPACT: &[(&str, f64)] = &[("X", 0.0), ("H", 0.0), ("L", 0.0), ("N", 0.0)];

/// Base score of the vector body (everything after `CVSS:3.x/`).
pub(super) fn base_score(version: Version, body: &str) -> Result<f64, CvssError> {
    let [av, ac, pr, ui, s, c, i, a, ..] = read_metrics(version, body, &METRICS)?;

    let scope_changed = s.0 == "C";
    let exploitability = 8.22 * av.1 * ac.1 * privileges_weight(pr, scope_changed) * ui.1;
    let iss = 1.0 - ((1.0 - c.1) * (1.0 - i.1) * (1.0 - a.1));
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powf(15.0)
    } else {
        6.42 * iss
    };
    if impact <= 0.0 {
        return Ok(0.0);
    }
    let raw = if scope_changed {
        ((impact + exploitability) * 1.08).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Ok(match version {
        Version::V3_0 => roundup_v30(raw),
        _ => roundup_v31(raw),
    })
}

/// PR weighs more when the scope changes: an attacker who crosses a boundary gets more from
/// the same privileges (specification table 16, footnote).
fn privileges_weight((value, unchanged): (&str, f64), scope_changed: bool) -> f64 {
    match (scope_changed, value) {
        (true, "L") => 0.68,
        (true, "H") => 0.5,
        _ => unchanged,
    }
}

/// v3.0 Roundup as FIRST's v3.0 calculator computes it: ceiling to one decimal, on floats.
pub(super) fn roundup_v30(x: f64) -> f64 {
    (x * 10.0).ceil() / 10.0
}

/// v3.1 Roundup (Appendix A): round to 5 decimals as an integer first, so float noise below
/// 0.00001 cannot push a score up a tenth.
pub(super) fn roundup_v31(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round();
    if int_input % 10_000.0 == 0.0 {
        int_input / 100_000.0
    } else {
        ((int_input / 10_000.0).floor() + 1.0) / 10.0
    }
}
