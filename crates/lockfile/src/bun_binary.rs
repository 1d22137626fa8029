//! bun.lockb: Bun's binary lockfile (`bun-lockfile-format-v0`, format versions 2 and 3).
//!
//! Bun writes its in-memory lockfile almost verbatim (Bun's `lockfile/bun.lockb.zig`,
//! `Package.Serializer` and `Buffers`), all little-endian:
//!
//! * the magic header, a `u32` format version, a 32-byte meta hash, and a `u64` giving the size
//!   of the meaningful data (alignment padding follows it);
//! * the package table, a struct of arrays: `u64` count, `u64` alignment (8), `u64` field count,
//!   `u64` begin and end offsets, then, one array after the other, every package's `name`
//!   (an 8-byte string), `name_hash`, `resolution`, `dependencies` and `resolutions` slices
//!   (`u32` offset + `u32` length), `meta` (platform masks, integrity, install-script flag),
//!   `bin` and `scripts`;
//! * six buffers, each framed by its own `u64` start and end offsets and a text line naming
//!   its element type and size: trees, hoisted dependencies, resolutions (`u32` package ids),
//!   dependencies (26-byte records), extern strings and the string bytes;
//! * a zero `u64`, then optional tagged sections (workspace versions, trusted dependencies,
//!   overrides, patched dependencies, catalogs, …).
//!
//! Strings are 8 bytes: inline when the top bit of the last byte is clear (NUL-padded),
//! otherwise a 63-bit `offset | length << 32` pointer into the string bytes. Format 3 widened
//! semver major/minor/patch from `u32` to `u64`, which makes a resolution 72 bytes instead
//! of 64. Every offset and length read from the file is checked before use: a malformed file
//! is refused with the byte offset and what was expected, never read past or trusted for an
//! allocation size.

mod layout;
mod package;
mod reader;
mod strings;

use std::collections::HashSet;

use portcullis_types::DepKind;

use crate::spec;
use crate::{Dependency, Format, Importer, Lockfile, Manifest, Package, ParseError, Target};
use layout::File;
use package::{Decoded, Resolution};
use reader::err;
use strings::Strings;

/// How to turn any bun.lockb into a text lockfile Portcullis reads; part of every refusal.
const CONVERT_HINT: &str = "convert it to a text lockfile with `bun install --save-text-lockfile --frozen-lockfile --lockfile-only` (writes bun.lock, Bun 1.1.39 or later; then delete bun.lockb), or print it as a yarn v1 lockfile with `bun ./bun.lockb > yarn.lock`";

/// Bun's `invalid_package_id`: the dependency did not resolve to any package.
const INVALID_PACKAGE_ID: u32 = u32::MAX;

const DEPENDENCY_RECORD: usize = 26;
const META_SIZE: usize = 88;
const BIN_SIZE: usize = 20;
const SCRIPTS_SIZE: usize = 49;

// Resolution tags (Bun's `Resolution.Tag`).
const RES_ROOT: u8 = 1;
const RES_NPM: u8 = 2;
const RES_FOLDER: u8 = 4;
const RES_LOCAL_TARBALL: u8 = 8;
const RES_GITHUB: u8 = 16;
const RES_GIT: u8 = 32;
const RES_SYMLINK: u8 = 64;
const RES_WORKSPACE: u8 = 72;
const RES_REMOTE_TARBALL: u8 = 80;
const RES_SINGLE_FILE_MODULE: u8 = 100;

// Dependency behavior bits (Bun's `Dependency.Behavior`, a packed u8).
const BEHAVIOR_OPTIONAL: u8 = 1 << 2;
const BEHAVIOR_DEV: u8 = 1 << 3;
const BEHAVIOR_PEER: u8 = 1 << 4;
const BEHAVIOR_WORKSPACE: u8 = 1 << 5;

const OS_NAMES: [(u16, &str); 8] = [
    (1 << 1, "aix"),
    (1 << 2, "darwin"),
    (1 << 3, "freebsd"),
    (1 << 4, "linux"),
    (1 << 5, "openbsd"),
    (1 << 6, "sunos"),
    (1 << 7, "win32"),
    (1 << 8, "android"),
];

const CPU_NAMES: [(u16, &str); 11] = [
    (1 << 1, "arm"),
    (1 << 2, "arm64"),
    (1 << 3, "ia32"),
    (1 << 4, "mips"),
    (1 << 5, "mipsel"),
    (1 << 6, "ppc"),
    (1 << 7, "ppc64"),
    (1 << 8, "s390"),
    (1 << 9, "s390x"),
    (1 << 10, "x32"),
    (1 << 11, "x64"),
];

/// bun.lockb records the root's and every workspace's declared dependencies itself, so the
/// package.json files are not needed.
pub(crate) fn parse(bytes: &[u8], _manifests: &[Manifest]) -> Result<Lockfile, ParseError> {
    let file = File::read(bytes)?;
    let strings = Strings {
        buf: file.array_bytes(file.string_bytes),
        base: file.string_bytes.start,
    };
    let decoded = (0..file.table.count)
        .map(|id| file.decode_package(id, &strings))
        .collect::<Result<Vec<_>, _>>()?;
    build(&file, &strings, &decoded)
}

fn build(
    file: &File<'_>,
    strings: &Strings<'_>,
    decoded: &[Decoded<'_>],
) -> Result<Lockfile, ParseError> {
    // Package id → what it becomes: the root is importer 0, workspaces are importers in id
    // order, everything else a package in id order.
    let mut slots = Vec::with_capacity(decoded.len());
    let mut importers = Vec::new();
    let mut packages = Vec::new();
    let mut owners = Vec::new(); // package id behind each importer / package, for edges
    let mut package_ids = Vec::new();
    let mut locations = HashSet::with_capacity(decoded.len());
    for (id, d) in decoded.iter().enumerate() {
        let ctx = || format!("package {id} ({})", d.name);
        match (&d.resolution, id) {
            (Resolution::Root, 0) => {
                slots.push(Target::Importer(importers.len()));
                owners.push(id);
                importers.push(Importer {
                    path: ".".into(),
                    name: (!d.name.is_empty())
                        .then(|| spec::name(d.name, &ctx()))
                        .transpose()?,
                    version: None,
                    dependencies: Vec::new(),
                });
            }
            (Resolution::Root, _) | (_, 0) => {
                return Err(ParseError::new(format!(
                    "{}: the root package must be package 0 and the only one resolved as root",
                    ctx()
                )));
            }
            (Resolution::Workspace(path), _) => {
                slots.push(Target::Importer(importers.len()));
                owners.push(id);
                importers.push(Importer {
                    path: (*path).to_owned(),
                    name: Some(spec::name(d.name, &ctx())?),
                    version: file.workspace_versions.get(&d.name_hash).cloned(),
                    dependencies: Vec::new(),
                });
            }
            (resolution, _) => {
                let (version, source) = resolution.version_and_source();
                let mut location = format!("{}@{version}", d.name);
                if !locations.insert(location.clone()) {
                    location = format!("{location} (package {id})");
                    locations.insert(location.clone());
                }
                let mut pkg = Package::new(
                    spec::name(d.name, &ctx())?,
                    spec::version(&version, &ctx())?,
                    source,
                    location,
                );
                pkg.integrity = d
                    .integrity
                    .as_deref()
                    .map(|i| spec::integrity(i, &ctx()))
                    .transpose()?;
                pkg.has_install_script = d.install_script;
                pkg.os.clone_from(&d.os);
                pkg.cpu.clone_from(&d.cpu);
                slots.push(Target::Package(packages.len()));
                package_ids.push(id);
                packages.push(pkg);
            }
        }
    }
    for (importer, &id) in importers.iter_mut().zip(&owners) {
        importer.dependencies = edges(file, strings, &decoded[id], &slots, id == 0)?;
    }
    for (pkg, &id) in packages.iter_mut().zip(&package_ids) {
        pkg.dependencies = edges(file, strings, &decoded[id], &slots, false)?;
    }
    Ok(Lockfile {
        format: Format::BunBinary,
        importers,
        packages,
        // What `bun ./bun.lockb` prints: one yarn block per package except the root.
        entries: decoded.len() - 1,
        notes: file.notes.clone(),
    })
}

/// A package's dependency records, each resolved through the resolutions buffer.
fn edges(
    file: &File<'_>,
    strings: &Strings<'_>,
    d: &Decoded<'_>,
    slots: &[Target],
    root: bool,
) -> Result<Vec<Dependency>, ParseError> {
    let r = file.reader();
    let (off, len) = d.deps;
    let mut out = Vec::with_capacity(len);
    for k in 0..len {
        let at = file.dependencies.start + DEPENDENCY_RECORD * (off + k);
        let behavior = r.u8(at + 16, "a dependency behavior")?;
        // The root lists each workspace member with the `workspace` behavior: that is the
        // `workspaces` field, not a dependency. The members are importers of their own.
        if root && behavior & BEHAVIOR_WORKSPACE != 0 {
            continue;
        }
        let name = strings.get(&r, at)?;
        let req = strings.get(&r, at + 18)?;
        let kind = if behavior & BEHAVIOR_PEER != 0 {
            DepKind::Peer
        } else if behavior & BEHAVIOR_OPTIONAL != 0 {
            DepKind::Optional
        } else if behavior & BEHAVIOR_DEV != 0 {
            DepKind::Dev
        } else {
            DepKind::Prod
        };
        let res_at = file.resolutions.start + 4 * (d.res_off + k);
        let target = match r.u32(res_at, "a resolution")? {
            // Bun leaves optional dependencies for other platforms and peers nobody provides
            // unresolved by design; anything else unresolved means the lockfile is incomplete.
            INVALID_PACKAGE_ID => Target::Unresolved(spec::absent_reason(kind, true)),
            pid => *slots.get(pid as usize).ok_or_else(|| {
                err(
                    res_at,
                    format!(
                        "dependency {name}@{req} of {} resolves to package {pid}, but there are only {} packages",
                        d.name,
                        slots.len()
                    ),
                )
            })?,
        };
        out.push(Dependency {
            name: name.to_owned(),
            req: req.to_owned(),
            kind,
            target,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
