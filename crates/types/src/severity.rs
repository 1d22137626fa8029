//! How bad a finding is, in npm's four-word vocabulary (`low`, `moderate`, `high`, `critical`).
//!
//! "None" is deliberately not a severity: a CVSS score of 0.0 or a `NONE` label means there is
//! nothing to rank, so callers hold an `Option<Severity>` rather than a fifth variant that every
//! threshold comparison would have to remember to exclude.

use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// A severity, ordered from least to most severe (`Low < Critical`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// CVSS 0.1–3.9.
    Low,
    /// CVSS 4.0–6.9. CVSS and most databases call this "medium"; npm says "moderate".
    Moderate,
    /// CVSS 7.0–8.9.
    High,
    /// CVSS 9.0–10.0.
    Critical,
}

/// A string that names no severity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a severity: expected low, moderate (or medium), high or critical")]
pub struct SeverityError(String);

impl Severity {
    /// Every severity, least severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Moderate,
        Severity::High,
        Severity::Critical,
    ];

    /// The CVSS qualitative rating of a score: 0.1–3.9 low, 4.0–6.9 moderate, 7.0–8.9 high,
    /// 9.0–10.0 critical. A score of 0.0 (or below, or NaN) rates "none", which is `None`.
    pub fn from_score(score: f64) -> Option<Severity> {
        // Bands are compared as lower bounds so that a score between two published bands
        // (never produced by a CVSS formula, which rounds to one decimal) still gets one.
        if score >= 9.0 {
            Some(Severity::Critical)
        } else if score >= 7.0 {
            Some(Severity::High)
        } else if score >= 4.0 {
            Some(Severity::Moderate)
        } else if score > 0.0 {
            Some(Severity::Low)
        } else {
            None
        }
    }

    /// The lowercase name used in reports and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Moderate => "moderate",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = SeverityError;

    /// Case-insensitive; accepts `medium` for [`Severity::Moderate`] because GitHub, OSV's
    /// ecosystems and CVSS itself use that word. `none` is rejected like any other non-severity.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim();
        let found = [
            ("low", Severity::Low),
            ("moderate", Severity::Moderate),
            ("medium", Severity::Moderate),
            ("high", Severity::High),
            ("critical", Severity::Critical),
        ]
        .into_iter()
        .find(|(name, _)| word.eq_ignore_ascii_case(name));
        match found {
            Some((_, severity)) => Ok(severity),
            None => Err(SeverityError(s.to_owned())),
        }
    }
}

impl<'de> Deserialize<'de> for Severity {
    /// Accepts what [`FromStr`] accepts, so configuration may say `"High"` or `"medium"`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_least_to_most_severe() {
        assert!(Severity::Low < Severity::Moderate);
        assert!(Severity::Moderate < Severity::High);
        assert!(Severity::High < Severity::Critical);
        assert_eq!(Severity::ALL.iter().max(), Some(&Severity::Critical));
    }

    #[test]
    fn cvss_qualitative_bands() {
        let cases = [
            (0.0, None),
            (-1.0, None),
            (f64::NAN, None),
            (0.1, Some(Severity::Low)),
            (3.9, Some(Severity::Low)),
            (4.0, Some(Severity::Moderate)),
            (6.9, Some(Severity::Moderate)),
            (7.0, Some(Severity::High)),
            (8.9, Some(Severity::High)),
            (9.0, Some(Severity::Critical)),
            (10.0, Some(Severity::Critical)),
        ];
        for (score, expected) in cases {
            assert_eq!(Severity::from_score(score), expected, "{score}");
        }
    }

    #[test]
    fn parses_case_insensitively_with_medium_alias() {
        assert_eq!("LOW".parse(), Ok(Severity::Low));
        assert_eq!("Moderate".parse(), Ok(Severity::Moderate));
        assert_eq!("MEDIUM".parse(), Ok(Severity::Moderate));
        assert_eq!("high".parse(), Ok(Severity::High));
        assert_eq!("CRITICAL".parse(), Ok(Severity::Critical));
        for s in Severity::ALL {
            assert_eq!(s.to_string().parse(), Ok(s));
        }
    }

    #[test]
    fn rejects_none_and_unknown_words() {
        for word in ["none", "NONE", "", "severe", "hi", "critical!"] {
            let err = word.parse::<Severity>().expect_err(word);
            assert!(err.to_string().contains("is not a severity"), "{err}");
        }
    }

    #[test]
    fn serde_uses_npm_words() {
        let json = serde_json::to_string(&Severity::ALL).expect("serialize");
        assert_eq!(json, r#"["low","moderate","high","critical"]"#);
        let back: Vec<Severity> =
            serde_json::from_str(r#"["LOW","medium","High","critical"]"#).expect("deserialize");
        assert_eq!(back, Severity::ALL);
        assert!(serde_json::from_str::<Severity>(r#""none""#).is_err());
    }
}
