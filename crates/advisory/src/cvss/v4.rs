//! CVSS v4.0 base scores (CVSS-B), by the specification's macrovector method (FIRST.org CVSS
//! v4.0 specification, section 8.2, and its reference implementation).
//!
//! v4.0 has no closed formula. A vector is classified into a *macrovector* by six equivalence
//! sets (EQ1–EQ6); an expert-derived table gives the score of the most severe vector of each
//! macrovector; the vector's own score is then interpolated downwards by how far it sits from
//! that most severe vector, relative to the gap to the next lower macrovector in each EQ.
//!
//! The arithmetic mirrors the reference step by step, on the same floating-point values
//! (levels of 0.0/0.1/0.2/0.3, a 0.1 step), so that scores agree to the last bit before the
//! final rounding; that rounding adds 1e-6 before rounding half up, the reference's 2024-11
//! fix for sums such as 8.6 - 7.15 that land one ulp below a tie.
//!
//! CVSS-B ignores threat and environmental metrics: E counts as Attacked and CR/IR/AR as High
//! (the reference's "not defined" defaults), and no M* metric overrides a base value.

use super::v4_data::{
    MACROVECTOR_SCORES, eq1_depth, eq1_maxes, eq2_depth, eq2_maxes, eq3_eq6_depth, eq3_eq6_maxes,
    eq4_depth, eq4_max,
};
use super::{CvssError, MetricDef, Version, read_metrics};

/// Every v4.0 metric with its values; the payload is the severity level of base metrics
/// (see [`super::v4_data`]) and unused for the others.
const METRICS: [MetricDef<u8>; 32] = [
    MetricDef::base("AV", &[("N", 0), ("A", 1), ("L", 2), ("P", 3)]),
    MetricDef::base("AC", &[("L", 0), ("H", 1)]),
    MetricDef::base("AT", &[("N", 0), ("P", 1)]),
    MetricDef::base("PR", &[("N", 0), ("L", 1), ("H", 2)]),
    MetricDef::base("UI", &[("N", 0), ("P", 1), ("A", 2)]),
    MetricDef::base("VC", VULNERABLE),
    MetricDef::base("VI", VULNERABLE),
    MetricDef::base("VA", VULNERABLE),
    MetricDef::base("SC", SUBSEQUENT),
    MetricDef::base("SI", SUBSEQUENT),
    MetricDef::base("SA", SUBSEQUENT),
    // Threat.
    MetricDef::optional("E", &[("X", 0), ("A", 0), ("P", 1), ("U", 2)]),
    // Environmental.
    MetricDef::optional("CR", REQUIREMENT),
    MetricDef::optional("IR", REQUIREMENT),
    MetricDef::optional("AR", REQUIREMENT),
    MetricDef::optional("MAV", &[("X", 0), ("N", 0), ("A", 1), ("L", 2), ("P", 3)]),
    MetricDef::optional("MAC", &[("X", 0), ("L", 0), ("H", 1)]),
    MetricDef::optional("MAT", &[("X", 0), ("N", 0), ("P", 1)]),
    MetricDef::optional("MPR", &[("X", 0), ("N", 0), ("L", 1), ("H", 2)]),
    MetricDef::optional("MUI", &[("X", 0), ("N", 0), ("P", 1), ("A", 2)]),
    MetricDef::optional("MVC", MODIFIED_VULNERABLE),
    MetricDef::optional("MVI", MODIFIED_VULNERABLE),
    MetricDef::optional("MVA", MODIFIED_VULNERABLE),
    MetricDef::optional("MSC", &[("X", 0), ("H", 1), ("L", 2), ("N", 3)]),
    MetricDef::optional("MSI", MODIFIED_SUBSEQUENT_SAFETY),
    MetricDef::optional("MSA", MODIFIED_SUBSEQUENT_SAFETY),
    // Supplemental: informational only, never part of any score.
    MetricDef::optional("S", &[("X", 0), ("N", 0), ("P", 0)]),
    MetricDef::optional("AU", &[("X", 0), ("N", 0), ("Y", 0)]),
    MetricDef::optional("R", &[("X", 0), ("A", 0), ("U", 0), ("I", 0)]),
    MetricDef::optional("V", &[("X", 0), ("D", 0), ("C", 0)]),
    MetricDef::optional("RE", &[("X", 0), ("L", 0), ("M", 0), ("H", 0)]),
    MetricDef::optional(
        "U",
        &[
            ("X", 0),
            ("Clear", 0),
            ("Green", 0),
            ("Amber", 0),
            ("Red", 0),
        ],
    ),
];

const VULNERABLE: &[(&str, u8)] = &[("H", 0), ("L", 1), ("N", 2)];
const SUBSEQUENT: &[(&str, u8)] = &[("H", 1), ("L", 2), ("N", 3)];
const REQUIREMENT: &[(&str, u8)] = &[("X", 0), ("H", 0), ("M", 1), ("L", 2)];
const MODIFIED_VULNERABLE: &[(&str, u8)] = &[("X", 0), ("H", 0), ("L", 1), ("N", 2)];
const MODIFIED_SUBSEQUENT_SAFETY: &[(&str, u8)] =
    &[("X", 0), ("S", 0), ("H", 1), ("L", 2), ("N", 3)];

/// The effective severity levels the scoring reads (0 = most severe).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Levels {
    av: u8,
    pr: u8,
    ui: u8,
    ac: u8,
    at: u8,
    vc: u8,
    vi: u8,
    va: u8,
    sc: u8,
    si: u8,
    sa: u8,
    cr: u8,
    ir: u8,
    ar: u8,
    e: u8,
}

/// CVSS-B score of the vector body (everything after `CVSS:4.0/`).
pub(super) fn base_score(body: &str) -> Result<f64, CvssError> {
    let [av, ac, at, pr, ui, vc, vi, va, sc, si, sa, ..] =
        read_metrics(Version::V4_0, body, &METRICS)?;
    let levels = Levels {
        av: av.1,
        pr: pr.1,
        ui: ui.1,
        ac: ac.1,
        at: at.1,
        vc: vc.1,
        vi: vi.1,
        va: va.1,
        sc: sc.1,
        si: si.1,
        sa: sa.1,
        // Threat and environmental defaults: the worst case, as "not defined" means.
        cr: 0,
        ir: 0,
        ar: 0,
        e: 0,
    };
    score(&levels).ok_or_else(|| {
        let key = macrovector_key(macrovector(&levels));
        CvssError::NoMacrovector(String::from_utf8_lossy(&key).into_owned())
    })
}

/// The six EQ levels of a vector.
fn macrovector(m: &Levels) -> [u8; 6] {
    let eq1 = if m.av == 0 && m.pr == 0 && m.ui == 0 {
        0
    } else if (m.av == 0 || m.pr == 0 || m.ui == 0) && m.av != 3 {
        1
    } else {
        2
    };
    let eq2 = if m.ac == 0 && m.at == 0 { 0 } else { 1 };
    let eq3 = if m.vc == 0 && m.vi == 0 {
        0
    } else if m.vc == 0 || m.vi == 0 || m.va == 0 {
        1
    } else {
        2
    };
    // SI/SA level 0 is Safety, reachable only through MSI/MSA.
    let eq4 = if m.si == 0 || m.sa == 0 {
        0
    } else if m.sc == 1 || m.si == 1 || m.sa == 1 {
        1
    } else {
        2
    };
    let eq5 = m.e;
    let eq6 = if (m.cr == 0 && m.vc == 0) || (m.ir == 0 && m.vi == 0) || (m.ar == 0 && m.va == 0) {
        0
    } else {
        1
    };
    [eq1, eq2, eq3, eq4, eq5, eq6]
}

/// The table's spelling of a macrovector: six ASCII digits.
fn macrovector_key(eq: [u8; 6]) -> [u8; 6] {
    eq.map(|d| b'0' + d.min(9))
}

/// The reference table's score of a macrovector; `None` for one that does not exist (such as
/// the "next lower" macrovector past the last level of an EQ).
fn lookup(eq: [u8; 6]) -> Option<f64> {
    let key = macrovector_key(eq);
    MACROVECTOR_SCORES
        .binary_search_by(|(k, _)| k.as_bytes().cmp(key.as_slice()))
        .ok()
        .and_then(|i| MACROVECTOR_SCORES.get(i))
        .map(|(_, score)| *score)
}

/// A level as the reference holds it: a multiple of 0.1.
fn level(l: u8) -> f64 {
    match l {
        0 => 0.0,
        1 => 0.1,
        2 => 0.2,
        _ => 0.3,
    }
}

/// The severity distance of one metric from a maximal vector's value of it.
fn distance(current: u8, max: u8) -> f64 {
    level(current) - level(max)
}

/// The interpolated score; `None` only if the vector's own macrovector were missing from the
/// table, which the table's coverage test rules out.
fn score(m: &Levels) -> Option<f64> {
    if m.vc == 2 && m.vi == 2 && m.va == 2 && m.sc == 3 && m.si == 3 && m.sa == 3 {
        return Some(0.0);
    }
    let eq = macrovector(m);
    let [eq1, eq2, eq3, eq4, eq5, eq6] = eq;
    let value = lookup(eq)?;

    // Score of the next lower macrovector in each EQ, if there is one.
    let lower_eq1 = lookup([eq1 + 1, eq2, eq3, eq4, eq5, eq6]);
    let lower_eq2 = lookup([eq1, eq2 + 1, eq3, eq4, eq5, eq6]);
    let lower_eq3_eq6 = match (eq3, eq6) {
        // Two ways down; the reference takes the higher-scoring one.
        (0, 0) => {
            let left = lookup([eq1, eq2, eq3, eq4, eq5, eq6 + 1]);
            let right = lookup([eq1, eq2, eq3 + 1, eq4, eq5, eq6]);
            match (left, right) {
                (Some(l), Some(r)) => Some(l.max(r)),
                _ => None,
            }
        }
        (1, 0) => lookup([eq1, eq2, eq3, eq4, eq5, eq6 + 1]),
        (0 | 1, _) => lookup([eq1, eq2, eq3 + 1, eq4, eq5, eq6]),
        _ => None,
    };
    let lower_eq4 = lookup([eq1, eq2, eq3, eq4 + 1, eq5, eq6]);
    let lower_eq5 = lookup([eq1, eq2, eq3, eq4, eq5 + 1, eq6]);

    // The first of the macrovector's maximal vectors that is at least as severe as this one
    // in every metric; the reference falls back to the last candidate if none is.
    let [sc, si, sa] = eq4_max(eq4);
    let mut chosen = None;
    'search: for &[av, pr, ui] in eq1_maxes(eq1) {
        for &[ac, at] in eq2_maxes(eq2) {
            for &[vc, vi, va, cr, ir, ar] in eq3_eq6_maxes(eq3, eq6) {
                let max = Levels {
                    av,
                    pr,
                    ui,
                    ac,
                    at,
                    vc,
                    vi,
                    va,
                    sc,
                    si,
                    sa,
                    cr,
                    ir,
                    ar,
                    e: eq5,
                };
                chosen = Some(max);
                if at_least_as_severe(&max, m) {
                    break 'search;
                }
            }
        }
    }
    let max = chosen?;

    let d_eq1 = distance(m.av, max.av) + distance(m.pr, max.pr) + distance(m.ui, max.ui);
    let d_eq2 = distance(m.ac, max.ac) + distance(m.at, max.at);
    let d_eq3_eq6 = distance(m.vc, max.vc)
        + distance(m.vi, max.vi)
        + distance(m.va, max.va)
        + distance(m.cr, max.cr)
        + distance(m.ir, max.ir)
        + distance(m.ar, max.ar);
    let d_eq4 = distance(m.sc, max.sc) + distance(m.si, max.si) + distance(m.sa, max.sa);

    const STEP: f64 = 0.1;
    let mut existing = 0u8;
    let mut proportional = |lower: Option<f64>, current_distance: f64, depth: u8| -> f64 {
        match lower {
            Some(lower) => {
                existing += 1;
                (value - lower) * (current_distance / (f64::from(depth) * STEP))
            }
            None => 0.0,
        }
    };
    let n_eq1 = proportional(lower_eq1, d_eq1, eq1_depth(eq1));
    let n_eq2 = proportional(lower_eq2, d_eq2, eq2_depth(eq2));
    let n_eq3_eq6 = proportional(lower_eq3_eq6, d_eq3_eq6, eq3_eq6_depth(eq3, eq6));
    let n_eq4 = proportional(lower_eq4, d_eq4, eq4_depth(eq4));
    // EQ5's distance within a macrovector is always 0, but an existing lower EQ5 macrovector
    // still counts towards the mean, as in the reference.
    let n_eq5 = proportional(lower_eq5, 0.0, 1);
    let mean = if existing == 0 {
        0.0
    } else {
        (n_eq1 + n_eq2 + n_eq3_eq6 + n_eq4 + n_eq5) / f64::from(existing)
    };
    let score = (value - mean).clamp(0.0, 10.0);
    Some(((score + 1e-6) * 10.0).round() / 10.0)
}

/// Whether `max` is at least as severe as `m` in every metric the distances read.
fn at_least_as_severe(max: &Levels, m: &Levels) -> bool {
    [
        (max.av, m.av),
        (max.pr, m.pr),
        (max.ui, m.ui),
        (max.ac, m.ac),
        (max.at, m.at),
        (max.vc, m.vc),
        (max.vi, m.vi),
        (max.va, m.va),
        (max.sc, m.sc),
        (max.si, m.si),
        (max.sa, m.sa),
        (max.cr, m.cr),
        (max.ir, m.ir),
        (max.ar, m.ar),
        (max.e, m.e),
    ]
    .iter()
    .all(|(max, current)| max <= current)
}
