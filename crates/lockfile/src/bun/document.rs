//! The JSON shape of a bun.lock: the top-level object (with `lockfileVersion` checked first),
//! `workspaces` values, and the `packages` arrays whose layout depends on how each package was
//! resolved ([`Kind`]).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::SUPPORTED;
use crate::spec::{self, OrderedMap, Str};

pub(super) type Deps<'a> = OrderedMap<Str<'a>, Str<'a>>;

/// The top-level object. Hand-written so that `lockfileVersion` (which Bun writes first) is
/// checked before anything else is interpreted, and so that unknown keys are reported.
#[derive(Default)]
pub(super) struct Root<'a> {
    pub(super) version: Option<u64>,
    pub(super) workspaces: Option<OrderedMap<Str<'a>, Workspace<'a>>>,
    pub(super) packages: OrderedMap<Str<'a>, Entry<'a>>,
    pub(super) trusted: Vec<Str<'a>>,
    pub(super) patched: OrderedMap<Str<'a>, Str<'a>>,
    pub(super) unknown_keys: Vec<String>,
}

impl<'de> Deserialize<'de> for Root<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Root<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a bun.lock object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Root<'de>, A::Error> {
                let mut root = Root::default();
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    match &*key {
                        "lockfileVersion" => {
                            root.version = Some(map.next_value::<LockfileVersion>()?.0);
                        }
                        "workspaces" => root.workspaces = Some(map.next_value()?),
                        "packages" => root.packages = map.next_value()?,
                        "trustedDependencies" => root.trusted = map.next_value()?,
                        "patchedDependencies" => root.patched = map.next_value()?,
                        // Already applied by Bun when it resolved the versions written here
                        // (catalogs, overrides) or only a default for the linker (configVersion).
                        "configVersion" | "catalog" | "catalogs" | "overrides" => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            root.unknown_keys.push(key.to_string());
                        }
                    }
                }
                Ok(root)
            }
        }
        d.deserialize_map(V)
    }
}

struct LockfileVersion(u64);

impl<'de> Deserialize<'de> for LockfileVersion {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match v.as_u64() {
            Some(n @ (0 | 1)) => Ok(Self(n)),
            _ => Err(de::Error::custom(format!(
                "unsupported lockfileVersion {v}: {SUPPORTED}; upgrade Portcullis, or regenerate the lockfile with a Bun version that writes one of those"
            ))),
        }
    }
}

/// One value of `workspaces`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Workspace<'a> {
    #[serde(borrow)]
    pub(super) name: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) version: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) dependencies: Deps<'a>,
    #[serde(borrow, default)]
    pub(super) dev_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    pub(super) optional_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    pub(super) peer_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    pub(super) optional_peers: Vec<Str<'a>>,
}

/// The object inside a `packages` array: dependencies, platform, bundling. (`bin`/`binDir`
/// are not part of the model.)
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Info<'a> {
    #[serde(borrow, default)]
    pub(super) dependencies: Deps<'a>,
    #[serde(borrow, default)]
    pub(super) dev_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    pub(super) optional_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    pub(super) peer_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    pub(super) optional_peers: Vec<Str<'a>>,
    #[serde(default, deserialize_with = "spec::string_or_list")]
    pub(super) os: Vec<String>,
    #[serde(default, deserialize_with = "spec::string_or_list")]
    pub(super) cpu: Vec<String>,
    #[serde(default)]
    pub(super) bundled: bool,
}

/// How a package was resolved, from the part of its identifier after `name@`. Each kind has
/// its own array layout (from Bun's `bun.lock.zig`):
///
/// ```text
/// npm        [ "name@1.2.3", registry-url-or-"", INFO, integrity ]
/// workspace  [ "name@workspace:path" ]            (v0: [ ident, INFO ])
/// root       [ "name@root:", { bin } ]
/// symlink    [ "name@link:path", INFO ]
/// folder     [ "name@file:path", INFO ]
/// tarball    [ "name@https://…/x.tgz" or "name@./x.tgz", INFO, integrity? ]
/// git        [ "name@git+…" or "name@github:user/repo#ref", INFO, resolved-commit, integrity? ]
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Npm,
    Workspace,
    Root,
    Link,
    Folder,
    RemoteTarball,
    LocalTarball,
    Git,
    Github,
}

impl Kind {
    pub(super) fn of(reference: &str) -> Kind {
        const GIT: [&str; 4] = ["git+", "git://", "git@", "ssh://"];
        const TARBALL_EXT: [&str; 3] = [".tgz", ".tar.gz", ".tar"];
        if reference.starts_with("root:") {
            Kind::Root
        } else if reference.starts_with("workspace:") {
            Kind::Workspace
        } else if reference.starts_with("link:") {
            Kind::Link
        } else if reference.starts_with("file:") {
            Kind::Folder
        } else if reference.starts_with("github:") {
            Kind::Github
        } else if GIT.iter().any(|p| reference.starts_with(p)) {
            Kind::Git
        } else if reference.starts_with("https://") || reference.starts_with("http://") {
            Kind::RemoteTarball
        } else if TARBALL_EXT.iter().any(|e| reference.ends_with(e))
            || reference.starts_with("./")
            || reference.starts_with("../")
            || reference.starts_with('/')
        {
            Kind::LocalTarball
        } else {
            Kind::Npm
        }
    }
}

/// One value of `packages`.
pub(super) struct Entry<'a> {
    pub(super) ident: Str<'a>,
    pub(super) kind: Kind,
    pub(super) registry: Option<Str<'a>>,
    pub(super) info: Info<'a>,
    pub(super) integrity: Option<Str<'a>>,
    pub(super) git_commit: Option<Str<'a>>,
    /// Trailing array elements this parser does not know.
    pub(super) extra: usize,
}

impl<'de> Deserialize<'de> for Entry<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a package array [\"name@version\", …]")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entry<'de>, A::Error> {
        let ident: Str<'de> = seq.next_element()?.ok_or_else(|| {
            de::Error::custom("empty package array; expected [\"name@version\", …]")
        })?;
        let (name, reference) = spec::split_spec(&ident);
        if name.is_empty() || reference.is_empty() {
            return Err(de::Error::custom(format!(
                "package identifier {:?} is not of the form name@resolution",
                &*ident
            )));
        }
        let kind = Kind::of(reference);
        let mut entry = Entry {
            ident,
            kind,
            registry: None,
            info: Info::default(),
            integrity: None,
            git_commit: None,
            extra: 0,
        };
        match kind {
            Kind::Npm => {
                entry.registry = Some(required(&mut seq, "the registry URL (\"\" = default)")?);
                entry.info = required(&mut seq, "the dependencies object")?;
                entry.integrity = Some(required(&mut seq, "the integrity hash")?);
            }
            // lockfileVersion 0 repeats the workspace's dependencies here; `workspaces` has them.
            Kind::Workspace => entry.info = seq.next_element()?.unwrap_or_default(),
            Kind::Root => {
                seq.next_element::<IgnoredAny>()?;
            }
            Kind::Link | Kind::Folder => {
                entry.info = required(&mut seq, "the dependencies object")?;
            }
            Kind::RemoteTarball | Kind::LocalTarball => {
                entry.info = required(&mut seq, "the dependencies object")?;
                entry.integrity = seq.next_element()?;
            }
            Kind::Git | Kind::Github => {
                entry.info = required(&mut seq, "the dependencies object")?;
                entry.git_commit = Some(required(&mut seq, "the resolved commit")?);
                entry.integrity = seq.next_element()?;
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {
            entry.extra += 1;
        }
        Ok(entry)
    }
}

fn required<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    what: &str,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::custom(format!("package array ends early; expected {what}")))
}
