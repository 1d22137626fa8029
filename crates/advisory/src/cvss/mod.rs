//! CVSS base scores computed from vector strings, and the severity of an OSV record.
//!
//! Labels in advisories drift (a record's `severity` word is whatever its curator picked, and
//! is rarely updated when the vector is), so Portcullis scores the vector itself, by the
//! FIRST.org specifications:
//!
//! - v2 (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, no prefix): the v2 base equation (`v2`).
//! - v3.0 and v3.1 (`CVSS:3.1/AV:N/…`): the v3 base equations; each version with its own
//!   Roundup (`v3`).
//! - v4.0 (`CVSS:4.0/AV:N/…`): the macrovector lookup and severity-distance interpolation of
//!   the reference implementation, CVSS-B (base metrics only) (`v4`).
//!
//! Only the base score is computed. Temporal, threat, environmental and supplemental metrics
//! are validated and then ignored: they describe one deployment, not the package.

mod v2;
mod v3;
mod v4;
mod v4_data;

#[cfg(test)]
mod tests;

use portcullis_types::Severity;

use crate::osv::Record;

/// A CVSS specification version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// CVSS v2.0: bare vectors without a prefix.
    V2,
    /// `CVSS:3.0/…`
    V3_0,
    /// `CVSS:3.1/…`
    V3_1,
    /// `CVSS:4.0/…`
    V4_0,
}

impl Version {
    /// The version number as the specifications write it: `2.0`, `3.0`, `3.1`, `4.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2 => "2.0",
            Version::V3_0 => "3.0",
            Version::V3_1 => "3.1",
            Version::V4_0 => "4.0",
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed vector's version and computed base score.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Cvss {
    /// Which specification scored it.
    pub version: Version,
    /// The base score, 0.0–10.0 with one decimal.
    pub base_score: f64,
}

impl Cvss {
    /// The qualitative rating of the base score; `None` for 0.0.
    pub fn severity(&self) -> Option<Severity> {
        Severity::from_score(self.base_score)
    }
}

/// Why a vector string could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    /// Nothing (or only whitespace, or only a prefix) was given.
    #[error("empty CVSS vector")]
    Empty,
    /// A `CVSS:x.y/` prefix naming a version this module does not score.
    #[error(
        "unsupported CVSS version prefix {0:?}: expected CVSS:3.0, CVSS:3.1, CVSS:4.0 or a bare v2 vector"
    )]
    UnsupportedVersion(String),
    /// A component that is not `METRIC:VALUE` (also: an empty component from `//` or a
    /// trailing `/`).
    #[error("CVSS {version} vector: component {component:?} is not METRIC:VALUE")]
    Malformed {
        /// The vector's version.
        version: Version,
        /// The offending component.
        component: String,
    },
    /// A metric the version does not define.
    #[error("CVSS {version} vector: unknown metric {metric:?}")]
    UnknownMetric {
        /// The vector's version.
        version: Version,
        /// The unknown metric abbreviation.
        metric: String,
    },
    /// A value the metric does not allow.
    #[error("CVSS {version} vector: {value:?} is not a value of metric {metric}")]
    InvalidValue {
        /// The vector's version.
        version: Version,
        /// The metric.
        metric: &'static str,
        /// The rejected value.
        value: String,
    },
    /// A metric given twice (the specifications allow each at most once).
    #[error("CVSS {version} vector: metric {metric} appears more than once")]
    DuplicateMetric {
        /// The vector's version.
        version: Version,
        /// The repeated metric.
        metric: &'static str,
    },
    /// A v4.0 vector whose macrovector is missing from the reference table. Cannot happen for a
    /// vector that parsed (the table covers every macrovector); kept as an error, not a panic.
    #[error("CVSS 4.0 macrovector {0} is not in the reference table")]
    NoMacrovector(String),
    /// A base metric is absent; base metrics are mandatory in every version.
    #[error("CVSS {version} vector: base metric {metric} is missing")]
    MissingMetric {
        /// The vector's version.
        version: Version,
        /// The absent metric.
        metric: &'static str,
    },
}

/// Parses a CVSS v2, v3.0, v3.1 or v4.0 vector and computes its base score.
///
/// Metrics may appear in any order (real advisories are not always in canonical order);
/// each at most once; all base metrics are required; unknown metrics or values are errors.
/// Surrounding whitespace is ignored.
pub fn parse(vector: &str) -> Result<Cvss, CvssError> {
    let vector = vector.trim();
    if vector.is_empty() {
        return Err(CvssError::Empty);
    }
    let (version, body) = match vector.strip_prefix("CVSS:") {
        Some(rest) => {
            let (number, body) = rest.split_once('/').unwrap_or((rest, ""));
            let version = match number {
                "3.0" => Version::V3_0,
                "3.1" => Version::V3_1,
                "4.0" => Version::V4_0,
                _ => return Err(CvssError::UnsupportedVersion(format!("CVSS:{number}"))),
            };
            (version, body)
        }
        None => (Version::V2, vector),
    };
    if body.is_empty() {
        return Err(CvssError::Empty);
    }
    let base_score = match version {
        Version::V2 => v2::base_score(body)?,
        Version::V3_0 | Version::V3_1 => v3::base_score(version, body)?,
        Version::V4_0 => v4::base_score(body)?,
    };
    Ok(Cvss {
        version,
        base_score,
    })
}

/// One metric a version defines: its abbreviation, its allowed values (each with what the
/// scoring needs to know about it), and whether the base score requires it.
struct MetricDef<T: 'static> {
    name: &'static str,
    values: &'static [(&'static str, T)],
    required: bool,
}

impl<T> MetricDef<T> {
    /// A base metric: must be present.
    const fn base(name: &'static str, values: &'static [(&'static str, T)]) -> Self {
        MetricDef {
            name,
            values,
            required: true,
        }
    }

    /// A temporal/threat/environmental/supplemental metric: optional.
    const fn optional(name: &'static str, values: &'static [(&'static str, T)]) -> Self {
        MetricDef {
            name,
            values,
            required: false,
        }
    }
}

/// Reads `body` (`M:V/M:V/…`, prefix already removed) against `defs`. Returns, per definition,
/// the matched value and its payload; absent optional metrics read as `("X", T::default())`,
/// "not defined", which base scoring never consults.
fn read_metrics<T: Copy + Default, const N: usize>(
    version: Version,
    body: &str,
    defs: &[MetricDef<T>; N],
) -> Result<[(&'static str, T); N], CvssError> {
    let mut found: [Option<(&'static str, T)>; N] = [None; N];
    for component in body.split('/') {
        let Some((name, value)) = component.split_once(':') else {
            return Err(CvssError::Malformed {
                version,
                component: component.to_owned(),
            });
        };
        let Some((def, slot)) = defs
            .iter()
            .zip(found.iter_mut())
            .find(|(def, _)| def.name == name)
        else {
            return Err(CvssError::UnknownMetric {
                version,
                metric: name.to_owned(),
            });
        };
        let Some(&entry) = def.values.iter().find(|(v, _)| *v == value) else {
            return Err(CvssError::InvalidValue {
                version,
                metric: def.name,
                value: value.to_owned(),
            });
        };
        if slot.replace(entry).is_some() {
            return Err(CvssError::DuplicateMetric {
                version,
                metric: def.name,
            });
        }
    }
    if let Some((def, _)) = defs
        .iter()
        .zip(found.iter())
        .find(|(def, slot)| def.required && slot.is_none())
    {
        return Err(CvssError::MissingMetric {
            version,
            metric: def.name,
        });
    }
    Ok(found.map(|slot| slot.unwrap_or(("X", T::default()))))
}

/// Where [`severity_of`] found a record's severity: the vector it scored, or
/// `database_specific.severity`.
pub const DATABASE_SPECIFIC_SOURCE: &str = "database_specific.severity";

/// A record's severity, its CVSS base score when it came from a vector, and its source (the
/// vector string, or [`DATABASE_SPECIFIC_SOURCE`]).
pub type RecordSeverity = (Severity, Option<f64>, String);

/// The severity of an OSV record, from the best evidence it carries.
///
/// Preference: CVSS v4.0 vectors, then v3.x, then v2 — from the record's `severity` and its
/// npm `affected[].severity` entries — and only then GitHub's `database_specific.severity`
/// label (`LOW`/`MODERATE`/`HIGH`/`CRITICAL`). Within one version the highest score wins,
/// because per-package vectors can differ and a record-level answer must not understate.
/// Vectors that do not parse are skipped; [`severity_with_notes`] says which and why.
pub fn severity_of(record: &Record) -> Option<RecordSeverity> {
    severity_with_notes(record).0
}

/// [`severity_of`], plus one human-readable note per piece of evidence that was skipped
/// (unparseable vector, non-CVSS severity type, 0.0 score, unknown label).
pub fn severity_with_notes(record: &Record) -> (Option<RecordSeverity>, Vec<String>) {
    let mut notes = Vec::new();
    let entries = record
        .severity
        .iter()
        .chain(record.npm_affected().flat_map(|a| a.severity.iter()));
    // (tier, score, vector): tier 2 = v4, 1 = v3.x, 0 = v2.
    let mut best: Option<(u8, f64, &str)> = None;
    for entry in entries {
        if !matches!(entry.kind.as_str(), "CVSS_V2" | "CVSS_V3" | "CVSS_V4") {
            notes.push(format!(
                "ignored {} severity {:?}: not a CVSS vector",
                entry.kind, entry.score
            ));
            continue;
        }
        let cvss = match parse(&entry.score) {
            Ok(cvss) => cvss,
            Err(err) => {
                notes.push(format!(
                    "skipped {} vector {:?}: {err}",
                    entry.kind, entry.score
                ));
                continue;
            }
        };
        if cvss.severity().is_none() {
            notes.push(format!(
                "{} vector {:?} scores 0.0",
                entry.kind, entry.score
            ));
            continue;
        }
        let tier = match cvss.version {
            Version::V4_0 => 2,
            Version::V3_0 | Version::V3_1 => 1,
            Version::V2 => 0,
        };
        let better = best.is_none_or(|(t, s, _)| (tier, cvss.base_score) > (t, s));
        if better {
            best = Some((tier, cvss.base_score, entry.score.as_str()));
        }
    }
    if let Some((_, score, vector)) = best
        && let Some(severity) = Severity::from_score(score)
    {
        return (
            Some((severity, Some(score), vector.trim().to_owned())),
            notes,
        );
    }
    let label = record
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(serde_json::Value::as_str);
    if let Some(label) = label {
        match label.parse::<Severity>() {
            Ok(severity) => {
                return (
                    Some((severity, None, DATABASE_SPECIFIC_SOURCE.to_owned())),
                    notes,
                );
            }
            Err(err) => notes.push(format!("{DATABASE_SPECIFIC_SOURCE}: {err}")),
        }
    }
    (None, notes)
}
