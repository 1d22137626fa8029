//! The serde shape of a pnpm-lock.yaml document (importers, packages, snapshots, resolutions,
//! `lockfileVersion`), and the YAML budget and error messages it is read with.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};

use crate::spec::{self, OrderedMap, Str};
use crate::{Format, ParseError};

type Map<'a, V> = OrderedMap<Str<'a>, V>;
pub(super) type Refs<'a> = Map<'a, Str<'a>>;

/// One YAML document of the file.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Doc<'a> {
    pub(super) lockfile_version: Option<LockfileVersion>,
    #[serde(borrow)]
    pub(super) importers: Option<Map<'a, ImporterEntry<'a>>>,
    // Single-project v5/v6 files keep the root's dependencies at the top level.
    #[serde(borrow, default)]
    pub(super) specifiers: Refs<'a>,
    #[serde(borrow, default)]
    pub(super) dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    pub(super) dev_dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    pub(super) optional_dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    pub(super) packages: Map<'a, PackageEntry<'a>>,
    #[serde(borrow, default)]
    pub(super) snapshots: Map<'a, SnapshotEntry<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ImporterEntry<'a> {
    /// v5 only: the declared ranges, beside plain-string references.
    #[serde(borrow, default)]
    pub(super) specifiers: Refs<'a>,
    #[serde(borrow, default)]
    pub(super) dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    pub(super) dev_dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    pub(super) optional_dependencies: Map<'a, DepValue<'a>>,
}

impl ImporterEntry<'_> {
    pub(super) fn is_empty(&self) -> bool {
        self.specifiers.len() == 0
            && self.dependencies.len() == 0
            && self.dev_dependencies.len() == 0
            && self.optional_dependencies.len() == 0
    }
}

/// An importer's dependency: `1.2.3` (v5) or `{specifier: ^1.2.0, version: 1.2.3}` (v6/v9).
pub(super) enum DepValue<'a> {
    Ref(Str<'a>),
    Full {
        specifier: Option<Str<'a>>,
        version: Str<'a>,
    },
}

impl<'de: 'a, 'a> Deserialize<'de> for DepValue<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DepValue<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a version reference or a map with \"specifier\" and \"version\"")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(DepValue::Ref(Str(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(DepValue::Ref(Str(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(DepValue::Ref(Str(Cow::Owned(v))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut specifier, mut version) = (None, None);
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    match &*key {
                        "specifier" => specifier = Some(map.next_value()?),
                        "version" => version = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let version = version.ok_or_else(|| de::Error::missing_field("version"))?;
                Ok(DepValue::Full { specifier, version })
            }
        }
        d.deserialize_any(V)
    }
}

/// A `packages` value: the whole instance in v5/v6, metadata only in v9.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct PackageEntry<'a> {
    #[serde(borrow)]
    pub(super) name: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) version: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) resolution: Option<Resolution<'a>>,
    pub(super) dev: Option<bool>,
    pub(super) optional: Option<bool>,
    pub(super) requires_build: Option<bool>,
    #[serde(default, deserialize_with = "spec::string_or_list")]
    pub(super) os: Vec<String>,
    #[serde(default, deserialize_with = "spec::string_or_list")]
    pub(super) cpu: Vec<String>,
    #[serde(borrow, default)]
    pub(super) dependencies: Refs<'a>,
    #[serde(borrow, default)]
    pub(super) optional_dependencies: Refs<'a>,
    #[serde(borrow, default)]
    pub(super) peer_dependencies: Refs<'a>,
}

/// A v9 `snapshots` value: one installed instance.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct SnapshotEntry<'a> {
    pub(super) optional: Option<bool>,
    #[serde(borrow, default)]
    pub(super) dependencies: Refs<'a>,
    #[serde(borrow, default)]
    pub(super) optional_dependencies: Refs<'a>,
}

#[derive(Deserialize)]
pub(super) struct Resolution<'a> {
    #[serde(borrow)]
    pub(super) integrity: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) tarball: Option<Str<'a>>,
    #[serde(borrow, rename = "type")]
    pub(super) kind: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) repo: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) commit: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) directory: Option<Str<'a>>,
}

/// `lockfileVersion`: a YAML number in 5.x (`5.4`), a quoted string since 6.0 (`'9.0'`).
pub(super) struct LockfileVersion(String);

impl<'de> Deserialize<'de> for LockfileVersion {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LockfileVersion;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a lockfile version such as 5.4 or '9.0'")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(LockfileVersion(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LockfileVersion(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LockfileVersion(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LockfileVersion(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

impl LockfileVersion {
    pub(super) fn format(&self) -> Result<Format, ParseError> {
        let major = self.0.split('.').next().unwrap_or_default();
        match major {
            "5" => Ok(Format::PnpmV5),
            "6" => Ok(Format::PnpmV6),
            "9" => Ok(Format::PnpmV9),
            _ => Err(ParseError::new(format!(
                "unsupported lockfileVersion {}: Portcullis reads 5.x, 6.x and 9.x (pnpm 6 to 11); upgrade Portcullis or regenerate the lockfile",
                self.0
            ))),
        }
    }
}

/// YAML resource limits. pnpm writes no anchors or aliases and nests about five levels deep,
/// so aliases are allowed only sparingly. Node, event and byte limits scale with the input
/// (without aliases a node costs at least half a byte of text, an event a quarter) so that
/// lockfiles of tens of megabytes, up to [`crate::MAX_LOCKFILE_BYTES`], always parse while an
/// amplifying input cannot: the serde-saphyr defaults (250,000 nodes) would refuse big ones.
pub(super) fn yaml_options(len: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = len.saturating_mul(4).saturating_add(1024);
    budget.max_nodes = len.saturating_mul(2).saturating_add(1024);
    budget.max_total_scalar_bytes = len.saturating_add(1024);
    budget.max_depth = 32;
    budget.max_documents = 16;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_merge_keys = 100;
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 100_000;
    alias_limits.max_replay_stack_depth = 16;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits = alias_limits;
    options.with_snippet = false;
    options
}

pub(super) fn yaml_error(e: &serde_saphyr::Error) -> ParseError {
    use serde_saphyr::Error as E;
    let mut cause = e;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = cause {
        cause = error;
    }
    let rendered = cause.to_string();
    // The rendered message repeats the position, which we report separately.
    let message = spec::yaml_message(&rendered);
    let message = match cause {
        E::Budget { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => format!(
            "the YAML exceeds the resource limits for a lockfile ({message}); pnpm writes no anchors or aliases, so this is an alias bomb or a corrupt file"
        ),
        _ => message.to_owned(),
    };
    spec::yaml_positioned(e, message)
}
