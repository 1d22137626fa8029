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

use std::collections::{HashMap, HashSet};
use std::fmt::Display;

use portcullis_types::{DepKind, Source};

use crate::format::BUN_LOCKB_MAGIC;
use crate::spec;
use crate::{
    Dependency, Format, Importer, Lockfile, Manifest, Package, ParseError, Target, UnresolvedReason,
};

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

fn err(offset: usize, message: impl Display) -> ParseError {
    ParseError::new(format!("at byte {offset}: {message}"))
}

/// One framed buffer: where its elements are.
#[derive(Clone, Copy, Debug)]
struct Array {
    start: usize,
    len: usize,
    elem: usize,
}

impl Array {
    fn count(self) -> usize {
        self.len / self.elem.max(1)
    }
}

/// Where each per-package array of the package table starts.
struct Table {
    count: usize,
    names: usize,
    resolutions_field: usize,
    resolution_size: usize,
    dep_slices: usize,
    res_slices: usize,
    metas: usize,
}

struct File<'a> {
    bytes: &'a [u8],
    version: u32,
    table: Table,
    resolutions: Array,
    dependencies: Array,
    string_bytes: Array,
    /// Workspace name hash → version, from the optional trailing section.
    workspace_versions: HashMap<u64, String>,
    notes: Vec<String>,
}

impl<'a> File<'a> {
    fn read(bytes: &'a [u8]) -> Result<Self, ParseError> {
        if !bytes.starts_with(BUN_LOCKB_MAGIC) {
            return Err(err(
                0,
                "expected the bun.lockb header \"#!/usr/bin/env bun\\nbun-lockfile-format-v0\\n\"",
            ));
        }
        let r = Reader {
            bytes,
            limit: bytes.len(),
        };
        let mut pos = BUN_LOCKB_MAGIC.len();
        let version = r.u32(pos, "the format version")?;
        let resolution_size = match version {
            2 => 64,
            3 => 72,
            v => {
                return Err(err(
                    pos,
                    format!(
                        "unsupported bun.lockb format version {v}: Portcullis reads versions 2 and 3 (Bun 0.1.7 and later); {CONVERT_HINT}"
                    ),
                ));
            }
        };
        pos += 4 + 32; // format version, meta hash
        let total = r.usize(pos, "the data size")?;
        if total > bytes.len() {
            return Err(err(
                pos,
                format!(
                    "the header says the lockfile holds {total} bytes of data but the file has only {}: it is truncated",
                    bytes.len()
                ),
            ));
        }
        // Nothing past `total` is data (it is alignment padding): never read it.
        let r = Reader {
            bytes,
            limit: total,
        };
        pos += 8;
        let (table, after_table) = read_table(&r, pos, resolution_size)?;
        let mut arrays = [Array {
            start: 0,
            len: 0,
            elem: 1,
        }; 6];
        let mut pos = after_table;
        // trees, hoisted dependencies, resolutions, dependencies, extern strings, string bytes
        let layout: [(&str, Option<usize>); 6] = [
            ("the dependency trees", None),
            ("the hoisted dependencies", Some(4)),
            ("the resolutions", Some(4)),
            ("the dependencies", Some(DEPENDENCY_RECORD)),
            ("the extern strings", Some(16)),
            ("the string bytes", Some(1)),
        ];
        for (slot, (what, elem)) in arrays.iter_mut().zip(layout) {
            let (array, next) = read_array(&r, pos, elem, what)?;
            *slot = array;
            pos = next;
        }
        let [_, _, resolutions, dependencies, _, string_bytes] = arrays;
        if r.u64(pos, "the end-of-buffers marker")? != 0 {
            return Err(err(pos, "expected a zero u64 after the buffers"));
        }
        let mut file = File {
            bytes,
            version,
            table,
            resolutions,
            dependencies,
            string_bytes,
            workspace_versions: HashMap::new(),
            notes: Vec::new(),
        };
        file.read_trailer(&r, pos + 8)?;
        Ok(file)
    }

    fn array_bytes(&self, a: Array) -> &'a [u8] {
        // In bounds: `read_array` checked start + len against the data size.
        self.bytes.get(a.start..a.start + a.len).unwrap_or_default()
    }

    fn reader(&self) -> Reader<'a> {
        Reader {
            bytes: self.bytes,
            limit: self.bytes.len(),
        }
    }

    /// The optional sections after the buffers. Only workspace versions feed the model; the
    /// others are recognised so that the ones worth knowing about can be noted.
    fn read_trailer(&mut self, r: &Reader<'a>, mut pos: usize) -> Result<(), ParseError> {
        let version_size = if self.version == 2 { 48 } else { 56 };
        while pos + 8 <= r.limit {
            let tag = r.get(pos, 8, "a section tag")?;
            let body = pos + 8;
            pos = match tag {
                b"wOrKsPaC" => {
                    let (hashes, p) = read_array(r, body, Some(8), "the workspace name hashes")?;
                    let (versions, p) =
                        read_array(r, p, Some(version_size), "the workspace versions")?;
                    let (_, p) = read_array(r, p, Some(8), "the workspace path hashes")?;
                    let (_, p) = read_array(r, p, Some(8), "the workspace paths")?;
                    self.workspace_versions(hashes, versions)?;
                    p
                }
                b"tRuStEDd" => read_array(r, body, Some(4), "the trusted dependencies")?.1,
                b"eMpTrUsT" => body,
                b"oVeRriDs" => {
                    let (_, p) = read_array(r, body, Some(8), "the override name hashes")?;
                    read_array(r, p, Some(DEPENDENCY_RECORD), "the overrides")?.1
                }
                b"pAtChEdD" => {
                    let (keys, p) = read_array(r, body, Some(8), "the patched dependency keys")?;
                    let (_, p) = read_array(r, p, None, "the patched dependencies")?;
                    self.notes.push(format!(
                        "{} package(s) are patched by the project (patchedDependencies): their installed code differs from the published tarball",
                        keys.count()
                    ));
                    p
                }
                b"cAtAlOgS" => read_catalogs(r, body)?,
                b"nO hOiSt" => read_array(r, body, Some(8), "the nohoist patterns")?.1,
                // The hoisting limit is the last section Bun writes; nothing we need follows.
                b"hOiStLiM" => break,
                _ => {
                    self.notes.push(format!(
                        "bun.lockb has an unrecognised section at byte {pos}; it and anything after it were not read"
                    ));
                    break;
                }
            };
        }
        Ok(())
    }

    fn workspace_versions(&mut self, hashes: Array, versions: Array) -> Result<(), ParseError> {
        if hashes.count() != versions.count() {
            return Err(err(
                versions.start,
                format!(
                    "{} workspace name hashes but {} workspace versions",
                    hashes.count(),
                    versions.count()
                ),
            ));
        }
        let strings = Strings {
            buf: self.array_bytes(self.string_bytes),
            base: self.string_bytes.start,
        };
        let r = self.reader();
        for i in 0..hashes.count() {
            let hash = r.u64(hashes.start + 8 * i, "a workspace name hash")?;
            let version = format_semver(
                &r,
                &strings,
                versions.start + versions.elem * i,
                self.version,
            )?;
            self.workspace_versions.insert(hash, version);
        }
        Ok(())
    }

    fn decode_package(&self, id: usize, strings: &Strings<'a>) -> Result<Decoded<'a>, ParseError> {
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

/// Reads the package table header and checks that its arrays fit exactly.
fn read_table(
    r: &Reader<'_>,
    pos: usize,
    resolution_size: usize,
) -> Result<(Table, usize), ParseError> {
    let count = r.u64(pos, "the package count")?;
    let alignment = r.u64(pos + 8, "the package table alignment")?;
    if alignment != 8 {
        return Err(err(
            pos + 8,
            format!("package table alignment is {alignment}, expected 8"),
        ));
    }
    let fields = r.u64(pos + 16, "the package field count")?;
    let scripts = match fields {
        8 => SCRIPTS_SIZE,
        // Lockfiles from before Bun 0.6.8 have no `scripts` array.
        7 => 0,
        n => {
            return Err(err(
                pos + 16,
                format!(
                    "packages have {n} fields, expected 8 (or 7 before Bun 0.6.8); {CONVERT_HINT}"
                ),
            ));
        }
    };
    let begin = r.usize(pos + 24, "the package table start")?;
    let end = r.usize(pos + 32, "the package table end")?;
    let header_end = pos + 40;
    if begin < header_end || begin > end || end > r.limit {
        return Err(err(
            pos + 24,
            format!(
                "package table range {begin}..{end} is not inside the file's data ({header_end}..{})",
                r.limit
            ),
        ));
    }
    let per_package = 8 + 8 + resolution_size + 8 + 8 + META_SIZE + BIN_SIZE + scripts;
    let expected = usize::try_from(count)
        .ok()
        .and_then(|c| c.checked_mul(per_package));
    if expected != Some(end - begin) {
        return Err(err(
            pos,
            format!(
                "{count} packages need {} bytes of package table ({per_package} each) but the table has {}; {CONVERT_HINT}",
                expected.map_or_else(|| "more than addressable".to_owned(), |e| e.to_string()),
                end - begin
            ),
        ));
    }
    // `count * per_package` fits in the file, so every product below does too.
    let count = end.saturating_sub(begin) / per_package;
    if count == 0 {
        return Err(err(
            pos,
            "the package table is empty; expected at least the root package",
        ));
    }
    let names = begin;
    let resolutions_field = begin + 16 * count;
    let dep_slices = resolutions_field + resolution_size * count;
    let table = Table {
        count,
        names,
        resolutions_field,
        resolution_size,
        dep_slices,
        res_slices: dep_slices + 8 * count,
        metas: dep_slices + 16 * count,
    };
    Ok((table, end))
}

/// Reads one `[start, end)`-framed array at `pos`; returns it and where the next one starts.
/// `elem` is the element size Portcullis expects (checked against the size Bun wrote in the
/// array's type line, so a layout change is refused rather than misread).
fn read_array(
    r: &Reader<'_>,
    pos: usize,
    elem: Option<usize>,
    what: &str,
) -> Result<(Array, usize), ParseError> {
    let start = r.usize(pos, what)?;
    let end = r.usize(pos + 8, what)?;
    let data_from = pos + 16;
    if start < data_from || start > end || end > r.limit {
        return Err(err(
            pos,
            format!(
                "{what}: range {start}..{end} is not inside the file's data ({data_from}..{})",
                r.limit
            ),
        ));
    }
    let Some(elem) = elem else {
        return Ok((
            Array {
                start,
                len: end - start,
                elem: 1,
            },
            end,
        ));
    };
    if let Some(declared) = declared_size(r.bytes.get(data_from..start).unwrap_or_default())
        && declared != elem
    {
        return Err(err(
            data_from,
            format!(
                "{what}: elements are {declared} bytes, Portcullis reads {elem}-byte elements; {CONVERT_HINT}"
            ),
        ));
    }
    if !(end - start).is_multiple_of(elem) {
        return Err(err(
            pos,
            format!(
                "{what}: {} bytes is not a whole number of {elem}-byte elements",
                end - start
            ),
        ));
    }
    Ok((
        Array {
            start,
            len: end - start,
            elem,
        },
        end,
    ))
}

/// The element size in Bun's array type line, `\n<u32> 4 sizeof, 4 alignof\n` (then padding).
fn declared_size(prefix: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(prefix.split(|&b| b == 0).next()?).ok()?;
    let (_, after_type) = text.split_once("> ")?;
    after_type.split_once(" sizeof")?.0.parse().ok()
}

/// The catalogs section: default catalog names and dependencies, then named groups.
fn read_catalogs(r: &Reader<'_>, pos: usize) -> Result<usize, ParseError> {
    let (_, p) = read_array(r, pos, Some(8), "the catalog names")?;
    let (_, p) = read_array(r, p, Some(DEPENDENCY_RECORD), "the catalog dependencies")?;
    let (groups, mut p) = read_array(r, p, Some(8), "the catalog groups")?;
    // Each group takes at least two 16-byte array headers, so this loop is bounded by the
    // file's size (every `read_array` moves `p` forward).
    for _ in 0..groups.count() {
        p = read_array(r, p, Some(8), "a catalog group's names")?.1;
        p = read_array(
            r,
            p,
            Some(DEPENDENCY_RECORD),
            "a catalog group's dependencies",
        )?
        .1;
    }
    Ok(p)
}

/// Bounds-checked little-endian reads below `limit`.
struct Reader<'a> {
    bytes: &'a [u8],
    limit: usize,
}

impl<'a> Reader<'a> {
    fn get(&self, at: usize, len: usize, what: &str) -> Result<&'a [u8], ParseError> {
        at.checked_add(len)
            .filter(|&end| end <= self.limit)
            .and_then(|end| self.bytes.get(at..end))
            .ok_or_else(|| {
                err(
                    at,
                    format!(
                        "the file ends inside {what} ({len} bytes needed, {} left): it is truncated or corrupt",
                        self.limit.saturating_sub(at)
                    ),
                )
            })
    }

    fn array<const N: usize>(&self, at: usize, what: &str) -> Result<[u8; N], ParseError> {
        let b = self.get(at, N, what)?;
        let mut out = [0; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    fn u8(&self, at: usize, what: &str) -> Result<u8, ParseError> {
        Ok(self.array::<1>(at, what)?[0])
    }

    fn u16(&self, at: usize, what: &str) -> Result<u16, ParseError> {
        Ok(u16::from_le_bytes(self.array(at, what)?))
    }

    fn u32(&self, at: usize, what: &str) -> Result<u32, ParseError> {
        Ok(u32::from_le_bytes(self.array(at, what)?))
    }

    fn u64(&self, at: usize, what: &str) -> Result<u64, ParseError> {
        Ok(u64::from_le_bytes(self.array(at, what)?))
    }

    /// A u64 used as a file offset or size: must fit in memory.
    fn usize(&self, at: usize, what: &str) -> Result<usize, ParseError> {
        let v = self.u64(at, what)?;
        usize::try_from(v).map_err(|_| err(at, format!("{what} is {v}, beyond any file")))
    }
}

/// Bun's 8-byte strings, resolved against the string bytes buffer.
struct Strings<'a> {
    buf: &'a [u8],
    /// File offset of `buf`, for error messages.
    base: usize,
}

impl<'a> Strings<'a> {
    fn get(&self, r: &Reader<'a>, at: usize) -> Result<&'a str, ParseError> {
        let raw = r.get(at, 8, "a string")?;
        let bytes =
            if raw[7] & 0x80 == 0 {
                let len = raw.iter().position(|&b| b == 0).unwrap_or(8);
                &raw[..len]
            } else {
                let v = u64::from_le_bytes(r.array(at, "a string")?) & !(1 << 63);
                let off = (v & 0xffff_ffff) as usize;
                let len = (v >> 32) as usize;
                off.checked_add(len).and_then(|end| self.buf.get(off..end)).ok_or_else(|| {
                err(
                    at,
                    format!(
                        "string points at {off}..{} of the {}-byte string buffer (at byte {})",
                        off.saturating_add(len),
                        self.buf.len(),
                        self.base
                    ),
                )
            })?
            };
        std::str::from_utf8(bytes).map_err(|_| err(at, "string is not valid UTF-8"))
    }
}

/// A semver version as Bun prints it: `major.minor.patch[-pre][+build]`. Format 2 stores the
/// numbers as `u32` then 4 padding bytes; format 3 as `u64`. Tags are 16-byte extern strings.
fn format_semver(
    r: &Reader<'_>,
    strings: &Strings<'_>,
    at: usize,
    version: u32,
) -> Result<String, ParseError> {
    let (nums, tags) = if version == 2 {
        let n = |i: usize| r.u32(at + 4 * i, "a version number").map(u64::from);
        ([n(0)?, n(1)?, n(2)?], at + 16)
    } else {
        let n = |i: usize| r.u64(at + 8 * i, "a version number");
        ([n(0)?, n(1)?, n(2)?], at + 24)
    };
    let pre = strings.get(r, tags)?;
    let build = strings.get(r, tags + 16)?;
    let mut out = format!("{}.{}.{}", nums[0], nums[1], nums[2]);
    if !pre.is_empty() {
        out.push('-');
        out.push_str(pre);
    }
    if !build.is_empty() {
        out.push('+');
        out.push_str(build);
    }
    Ok(out)
}

/// Names of the platforms a mask allows; empty when it allows all (or, degenerate, none).
fn platform(mask: u16, names: &[(u16, &str)]) -> Vec<String> {
    let all = names.iter().fold(0, |acc, (bit, _)| acc | bit);
    if mask & all == all || mask & all == 0 {
        return Vec::new();
    }
    names
        .iter()
        .filter(|(bit, _)| mask & bit != 0)
        .map(|(_, n)| (*n).to_owned())
        .collect()
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

enum Resolution<'a> {
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
    fn version_and_source(&self) -> (String, Source) {
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
struct Decoded<'a> {
    name: &'a str,
    name_hash: u64,
    resolution: Resolution<'a>,
    /// Offset and length in the dependencies buffer.
    deps: (usize, usize),
    /// Offset in the resolutions buffer (same length as `deps`).
    res_off: usize,
    integrity: Option<String>,
    install_script: Option<bool>,
    cpu: Vec<String>,
    os: Vec<String>,
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
            INVALID_PACKAGE_ID => Target::Unresolved(match kind {
                DepKind::Optional | DepKind::Peer => UnresolvedReason::NotInstalled,
                DepKind::Prod | DepKind::Dev => UnresolvedReason::Missing,
            }),
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
