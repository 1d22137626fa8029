//! One package of the package table decoded: its name, resolution (npm, folder, tarball, git,
//! link, workspace, root) with the version and [`Source`] it stands for, dependency slices,
//! integrity, install-script flag and platforms.

use portcullis_types::Source;

use super::layout::File;
use super::reader::{Array, Reader, err};
use super::strings::{Strings, base64, format_semver, platform};
use super::{
    CPU_NAMES, META_SIZE, OS_NAMES, RES_FOLDER, RES_GIT, RES_GITHUB, RES_LOCAL_TARBALL, RES_NPM,
    RES_REMOTE_TARBALL, RES_ROOT, RES_SINGLE_FILE_MODULE, RES_SYMLINK, RES_WORKSPACE,
};
use crate::ParseError;
use crate::spec;

impl<'a> File<'a> {
    pub(super) fn decode_package(
        &self,
        id: usize,
        strings: &Strings<'a>,
    ) -> Result<Decoded<'a>, ParseError> {
        let r = self.reader();
        let t = &self.table;
        let name_at = t.names + 8 * id;
        let name = strings.get(&r, name_at)?;
        let name_hash = r.u64(t.names + 8 * t.count + 8 * id, "a package name hash")?;
        let res_at = t.resolutions_field + t.resolution_size * id;
        let resolution = self.decode_resolution(&r, strings, res_at, id, name)?;
        let deps = self.slice(&r, t.dep_slices + 8 * id, self.dependencies, "dependencies")?;
        let res = self.slice(&r, t.res_slices + 8 * id, self.resolutions, "resolutions")?;
        if deps.1 != res.1 {
            return Err(err(
                t.res_slices + 8 * id,
                format!(
                    "package {id} ({name}) has {} dependencies but {} resolutions",
                    deps.1, res.1
                ),
            ));
        }
        let meta = t.metas + META_SIZE * id;
        Ok(Decoded {
            name,
            name_hash,
            resolution,
            deps,
            res_off: res.0,
            integrity: self.integrity(&r, meta + 20)?,
            install_script: match r.u8(meta + 85, "the install-script flag")? {
                1 => Some(false),
                2 => Some(true),
                _ => None,
            },
            cpu: platform(r.u16(meta + 2, "the cpu mask")?, &CPU_NAMES),
            os: platform(r.u16(meta + 4, "the os mask")?, &OS_NAMES),
        })
    }

    /// An `(offset, length)` slice of a package into `buffer`, checked against its size.
    fn slice(
        &self,
        r: &Reader<'a>,
        at: usize,
        buffer: Array,
        what: &str,
    ) -> Result<(usize, usize), ParseError> {
        let off = r.u32(at, what)? as usize;
        let len = r.u32(at + 4, what)? as usize;
        if off.checked_add(len).is_none_or(|end| end > buffer.count()) {
            return Err(err(
                at,
                format!(
                    "{what} slice {off}..{} is outside the {}-entry buffer",
                    off.saturating_add(len),
                    buffer.count()
                ),
            ));
        }
        Ok((off, len))
    }

    fn decode_resolution(
        &self,
        r: &Reader<'a>,
        strings: &Strings<'a>,
        at: usize,
        id: usize,
        name: &str,
    ) -> Result<Resolution<'a>, ParseError> {
        let value = at + 8;
        Ok(match r.u8(at, "a resolution tag")? {
            RES_ROOT => Resolution::Root,
            RES_NPM => Resolution::Npm {
                version: format_semver(r, strings, value + 8, self.version)?,
                url: strings.get(r, value)?,
            },
            RES_FOLDER => Resolution::Folder(strings.get(r, value)?),
            RES_LOCAL_TARBALL => Resolution::LocalTarball(strings.get(r, value)?),
            tag @ (RES_GITHUB | RES_GIT) => Resolution::Git {
                github: tag == RES_GITHUB,
                owner: strings.get(r, value)?,
                repo: strings.get(r, value + 8)?,
                committish: strings.get(r, value + 16)?,
                resolved: strings.get(r, value + 24)?,
            },
            RES_SYMLINK => Resolution::Symlink(strings.get(r, value)?),
            RES_WORKSPACE => Resolution::Workspace(strings.get(r, value)?),
            RES_REMOTE_TARBALL => Resolution::RemoteTarball(strings.get(r, value)?),
            RES_SINGLE_FILE_MODULE => Resolution::Module(strings.get(r, value)?),
            tag => {
                return Err(err(
                    at,
                    format!(
                        "package {id} ({name}) has unknown resolution tag {tag}; expected npm (2), folder (4), tarball (8, 80), github (16), git (32), link (64), workspace (72) or root (1)"
                    ),
                ));
            }
        })
    }

    /// Bun stores the decoded digest; rebuild the SRI string.
    fn integrity(&self, r: &Reader<'a>, at: usize) -> Result<Option<String>, ParseError> {
        let (algorithm, len) = match r.u8(at, "an integrity tag")? {
            0 => return Ok(None),
            1 => ("sha1", 20),
            2 => ("sha256", 32),
            3 => ("sha384", 48),
            4 => ("sha512", 64),
            tag => {
                return Err(err(
                    at,
                    format!(
                        "unknown integrity tag {tag}; expected 0 to 4 (none, sha1, sha256, sha384, sha512)"
                    ),
                ));
            }
        };
        let digest = r.get(at + 1, len, "an integrity digest")?;
        Ok(Some(format!("{algorithm}-{}", base64(digest))))
    }
}

pub(super) enum Resolution<'a> {
    Root,
    Npm {
        version: String,
        url: &'a str,
    },
    Folder(&'a str),
    LocalTarball(&'a str),
    Git {
        github: bool,
        owner: &'a str,
        repo: &'a str,
        committish: &'a str,
        resolved: &'a str,
    },
    Symlink(&'a str),
    Workspace(&'a str),
    RemoteTarball(&'a str),
    Module(&'a str),
}

impl Resolution<'_> {
    /// The version as `bun ./bun.lockb` prints it (Bun's `Resolution.fmt`), and the source.
    pub(super) fn version_and_source(&self) -> (String, Source) {
        match self {
            Resolution::Npm { version, url } => (
                version.clone(),
                Source::Registry {
                    url: (!url.is_empty()).then(|| (*url).to_owned()),
                },
            ),
            Resolution::Folder(p) | Resolution::LocalTarball(p) => (
                (*p).to_owned(),
                Source::File {
                    path: (*p).to_owned(),
                },
            ),
            Resolution::Git {
                github,
                owner,
                repo,
                committish,
                resolved,
            } => {
                let mut spec = String::from(if *github { "github:" } else { "git+" });
                if !owner.is_empty() {
                    spec.push_str(owner);
                    spec.push('/');
                } else if is_scp_like(repo) {
                    spec.push_str("ssh://");
                }
                spec.push_str(repo);
                // Bun keeps `resolved` as `owner-repo-<sha>`; the commit is the last part.
                let commit = resolved.rsplit('-').next().filter(|c| !c.is_empty());
                if let Some(c) = commit.or((!committish.is_empty()).then_some(*committish)) {
                    spec.push('#');
                    spec.push_str(c);
                }
                let source = spec::git_source(&spec).unwrap_or(Source::Git {
                    url: spec.clone(),
                    commit: None,
                });
                (spec, source)
            }
            Resolution::Symlink(p) => (
                format!("link:{p}"),
                Source::Link {
                    path: (*p).to_owned(),
                },
            ),
            Resolution::Workspace(p) => (
                format!("workspace:{p}"),
                Source::Workspace {
                    path: (*p).to_owned(),
                },
            ),
            Resolution::RemoteTarball(u) => (
                (*u).to_owned(),
                Source::Tarball {
                    url: (*u).to_owned(),
                },
            ),
            Resolution::Module(m) => {
                let spec = format!("module:{m}");
                (spec.clone(), Source::Other { spec })
            }
            Resolution::Root => (
                String::new(),
                Source::Other {
                    spec: "root".into(),
                },
            ),
        }
    }
}

/// `user@host:path` (git's scp-like syntax), which Bun prints with an `ssh://` prefix.
fn is_scp_like(repo: &str) -> bool {
    match (repo.find(':'), repo.find('/')) {
        (Some(colon), slash) => !repo.contains("://") && slash.is_none_or(|s| colon < s),
        (None, _) => false,
    }
}

/// One package as read from the table, before it becomes a package or an importer.
pub(super) struct Decoded<'a> {
    pub(super) name: &'a str,
    pub(super) name_hash: u64,
    pub(super) resolution: Resolution<'a>,
    /// Offset and length in the dependencies buffer.
    pub(super) deps: (usize, usize),
    /// Offset in the resolutions buffer (same length as `deps`).
    pub(super) res_off: usize,
    pub(super) integrity: Option<String>,
    pub(super) install_script: Option<bool>,
    pub(super) cpu: Vec<String>,
    pub(super) os: Vec<String>,
}
