//! Unit tests of the bun_binary module: hand-written pass and fail cases.

use portcullis_types::Source;

use super::strings::base64;
use super::*;
use crate::UnresolvedReason;
use crate::format::BUN_LOCKB_MAGIC;

/// Writes bun.lockb files the way Bun's serializer does, for small hand-made lockfiles.
struct Builder {
    version: u32,
    strings: Vec<u8>,
    packages: Vec<Pkg>,
    deps: Vec<[u8; DEPENDENCY_RECORD]>,
    resolutions: Vec<u32>,
    trailer: Vec<u8>,
}

struct Pkg {
    name: [u8; 8],
    name_hash: u64,
    resolution: Vec<u8>,
    deps: (u32, u32),
    meta: [u8; META_SIZE],
}

impl Builder {
    fn new(version: u32) -> Self {
        Self {
            version,
            strings: Vec::new(),
            packages: Vec::new(),
            deps: Vec::new(),
            resolutions: Vec::new(),
            trailer: Vec::new(),
        }
    }

    fn string(&mut self, s: &str) -> [u8; 8] {
        if s.len() < 8 {
            let mut b = [0; 8];
            b[..s.len()].copy_from_slice(s.as_bytes());
            return b;
        }
        let off = self.strings.len() as u64;
        self.strings.extend_from_slice(s.as_bytes());
        (off | (s.len() as u64) << 32 | 1 << 63).to_le_bytes()
    }

    fn resolution_size(&self) -> usize {
        if self.version == 2 { 64 } else { 72 }
    }

    fn semver(&mut self, v: &str) -> Vec<u8> {
        let (core, pre) = v.split_once('-').unwrap_or((v, ""));
        let nums: Vec<u64> = core
            .split('.')
            .map(|n| n.parse().expect("parses"))
            .collect();
        let mut out = Vec::new();
        for n in nums {
            if self.version == 2 {
                out.extend_from_slice(&(n as u32).to_le_bytes());
            } else {
                out.extend_from_slice(&n.to_le_bytes());
            }
        }
        if self.version == 2 {
            out.extend_from_slice(&[0; 4]);
        }
        let pre = self.string(pre);
        out.extend_from_slice(&pre);
        out.extend_from_slice(&[0; 8 + 16]);
        out
    }

    fn npm(&mut self, version: &str, url: &str) -> Vec<u8> {
        let mut r = vec![RES_NPM, 0, 0, 0, 0, 0, 0, 0];
        r.extend_from_slice(&self.string(url));
        let v = self.semver(version);
        r.extend_from_slice(&v);
        r
    }

    fn tagged(&mut self, tag: u8, values: &[&str]) -> Vec<u8> {
        let mut r = vec![tag, 0, 0, 0, 0, 0, 0, 0];
        for v in values {
            r.extend_from_slice(&self.string(v));
        }
        r
    }

    /// Adds a package; `deps` are (name, req, behavior, resolved package id).
    fn package(
        &mut self,
        name: &str,
        name_hash: u64,
        mut resolution: Vec<u8>,
        integrity: Option<(u8, &[u8])>,
        deps: &[(&str, &str, u8, u32)],
    ) {
        resolution.resize(self.resolution_size(), 0);
        let name = self.string(name);
        let off = self.deps.len() as u32;
        for &(n, req, behavior, target) in deps {
            let mut rec = [0; DEPENDENCY_RECORD];
            rec[..8].copy_from_slice(&self.string(n));
            rec[16] = behavior;
            rec[17] = 1;
            rec[18..].copy_from_slice(&self.string(req));
            self.deps.push(rec);
            self.resolutions.push(target);
        }
        let mut meta = [0; META_SIZE];
        meta[2..4].copy_from_slice(&0xffe_u16.to_le_bytes());
        meta[4..6].copy_from_slice(&0x1fe_u16.to_le_bytes());
        if let Some((tag, digest)) = integrity {
            meta[20] = tag;
            meta[21..21 + digest.len()].copy_from_slice(digest);
        }
        meta[85] = 1;
        self.packages.push(Pkg {
            name,
            name_hash,
            resolution,
            deps: (off, deps.len() as u32),
            meta,
        });
    }

    fn array(out: &mut Vec<u8>, type_line: &str, data: &[u8]) {
        let header = out.len();
        out.extend_from_slice(&[0; 16]);
        out.extend_from_slice(type_line.as_bytes());
        while !out.len().is_multiple_of(8) {
            out.push(0);
        }
        let start = out.len() as u64;
        out.extend_from_slice(data);
        let end = out.len() as u64;
        out[header..header + 8].copy_from_slice(&start.to_le_bytes());
        out[header + 8..header + 16].copy_from_slice(&end.to_le_bytes());
    }

    fn build(&self) -> Vec<u8> {
        let n = self.packages.len();
        let mut out = BUN_LOCKB_MAGIC.to_vec();
        out.extend_from_slice(&self.version.to_le_bytes());
        out.extend_from_slice(&[7; 32]);
        let total_at = out.len();
        out.extend_from_slice(&[0; 8]);
        for v in [n as u64, 8, 8, 0, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let begin = out.len() as u64;
        let p = &self.packages;
        p.iter().for_each(|p| out.extend_from_slice(&p.name));
        p.iter()
            .for_each(|p| out.extend_from_slice(&p.name_hash.to_le_bytes()));
        p.iter().for_each(|p| out.extend_from_slice(&p.resolution));
        for _ in 0..2 {
            for p in p {
                out.extend_from_slice(&p.deps.0.to_le_bytes());
                out.extend_from_slice(&p.deps.1.to_le_bytes());
            }
        }
        p.iter().for_each(|p| out.extend_from_slice(&p.meta));
        out.extend(std::iter::repeat_n(0, n * (BIN_SIZE + SCRIPTS_SIZE)));
        let end = out.len() as u64;
        let table = total_at + 8 + 24;
        out[table..table + 8].copy_from_slice(&begin.to_le_bytes());
        out[table + 8..table + 16].copy_from_slice(&end.to_le_bytes());
        let resolutions: Vec<u8> = self
            .resolutions
            .iter()
            .flat_map(|r| r.to_le_bytes())
            .collect();
        let deps: Vec<u8> = self.deps.iter().flatten().copied().collect();
        Self::array(
            &mut out,
            "\n<src.install.lockfile.Tree> 20 sizeof, 4 alignof\n",
            &[],
        );
        Self::array(&mut out, "\n<u32> 4 sizeof, 4 alignof\n", &[]);
        Self::array(&mut out, "\n<u32> 4 sizeof, 4 alignof\n", &resolutions);
        Self::array(&mut out, "\n<[26]u8> 26 sizeof, 1 alignof\n", &deps);
        Self::array(&mut out, "\n<ExternalString> 16 sizeof, 8 alignof\n", &[]);
        Self::array(&mut out, "\n<u8> 1 sizeof, 1 alignof\n", &self.strings);
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&self.trailer);
        let total = out.len() as u64;
        out[total_at..total_at + 8].copy_from_slice(&total.to_le_bytes());
        out.extend_from_slice(&[0; 16]); // alignment padding, not data
        out
    }
}

const PROD: u8 = 1 << 1;
const URL: &str = "https://registry.example.test/a/-/a-1.2.3.tgz";

fn sample(version: u32) -> Vec<u8> {
    let mut b = Builder::new(version);
    let root = b.tagged(RES_ROOT, &[]);
    b.package(
        "my-app",
        1,
        root,
        None,
        &[
            ("a", "^1.2.0", BEHAVIOR_DEV, 1),
            ("alias-b", "npm:b@2", PROD, 2),
            (
                "opt",
                "^1",
                BEHAVIOR_OPTIONAL | BEHAVIOR_PEER,
                INVALID_PACKAGE_ID,
            ),
        ],
    );
    let a = b.npm("1.2.3", URL);
    b.package(
        "a",
        2,
        a,
        Some((4, &[0xfb; 64])),
        &[("b", "^2.0.0-rc.1", PROD, 2)],
    );
    let bres = b.npm("2.0.0-rc.1", "");
    b.package(
        "b",
        3,
        bres,
        Some((1, &[1; 20])),
        &[("gone", "^3", PROD, INVALID_PACKAGE_ID)],
    );
    b.build()
}

#[test]
fn reads_packages_edges_and_importers_in_both_formats() {
    for version in [2, 3] {
        let lock = parse(&sample(version), &[]).expect("parses");
        assert_eq!(lock.format, Format::BunBinary);
        assert_eq!(lock.entries, 2);
        assert_eq!(lock.importers.len(), 1);
        let root = &lock.importers[0];
        assert_eq!(root.path, ".");
        assert_eq!(root.name.as_ref().expect("present").as_str(), "my-app");
        let deps: Vec<_> = root
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.req.as_str(), d.kind, d.target))
            .collect();
        assert_eq!(
            deps,
            [
                ("a", "^1.2.0", DepKind::Dev, Target::Package(0)),
                ("alias-b", "npm:b@2", DepKind::Prod, Target::Package(1)),
                (
                    "opt",
                    "^1",
                    DepKind::Peer,
                    Target::Unresolved(UnresolvedReason::NotInstalled)
                ),
            ]
        );
        let a = &lock.packages[0];
        assert_eq!((a.name.as_str(), a.version.as_str()), ("a", "1.2.3"));
        assert_eq!(
            a.source,
            Source::Registry {
                url: Some(URL.into())
            }
        );
        assert_eq!(a.location, "a@1.2.3");
        assert_eq!(
            a.integrity.as_ref().expect("present").to_string(),
            format!("sha512-{}", "+/v7".repeat(21) + "+w==")
        );
        assert_eq!(a.has_install_script, Some(false));
        assert!(a.os.is_empty() && a.cpu.is_empty());
        assert_eq!(a.dependencies[0].target, Target::Package(1));
        let b = &lock.packages[1];
        assert_eq!(b.version.as_str(), "2.0.0-rc.1");
        assert_eq!(b.source, Source::Registry { url: None });
        assert_eq!(
            b.integrity.as_ref().expect("present").to_string(),
            "sha1-AQEBAQEBAQEBAQEBAQEBAQEBAQE="
        );
        assert_eq!(
            lock.missing_edges()
                .iter()
                .map(|(from, d)| (*from, d.name.as_str()))
                .collect::<Vec<_>>(),
            [("b@2.0.0-rc.1", "gone")]
        );
    }
}

#[test]
fn reads_every_resolution_kind() {
    let mut b = Builder::new(3);
    let root = b.tagged(RES_ROOT, &[]);
    b.package("", 0, root, None, &[]);
    let kinds = [
        b.tagged(RES_FOLDER, &["../lib"]),
        b.tagged(RES_LOCAL_TARBALL, &["vendor/x.tgz"]),
        b.tagged(RES_GITHUB, &["owner", "repo", "main", "owner-repo-abc1234"]),
        b.tagged(
            RES_GIT,
            &["", "git@example.test:team/repo.git", "", "def5678"],
        ),
        b.tagged(RES_SYMLINK, &["../linked"]),
        b.tagged(RES_REMOTE_TARBALL, &["https://example.test/x.tgz"]),
    ];
    for (i, res) in kinds.into_iter().enumerate() {
        b.package(&format!("p{i}"), 10 + i as u64, res, None, &[]);
    }
    let lock = parse(&b.build(), &[]).expect("parses");
    assert_eq!(lock.importers[0].name, None);
    let got: Vec<_> = lock
        .packages
        .iter()
        .map(|p| (p.version.as_str(), &p.source))
        .collect();
    assert_eq!(
        got,
        [
            (
                "../lib",
                &Source::File {
                    path: "../lib".into()
                }
            ),
            (
                "vendor/x.tgz",
                &Source::File {
                    path: "vendor/x.tgz".into()
                }
            ),
            (
                "github:owner/repo#abc1234",
                &Source::Git {
                    url: "github:owner/repo".into(),
                    commit: Some("abc1234".into())
                }
            ),
            (
                "git+ssh://git@example.test:team/repo.git#def5678",
                &Source::Git {
                    url: "git+ssh://git@example.test:team/repo.git".into(),
                    commit: Some("def5678".into())
                }
            ),
            (
                "link:../linked",
                &Source::Link {
                    path: "../linked".into()
                }
            ),
            (
                "https://example.test/x.tgz",
                &Source::Tarball {
                    url: "https://example.test/x.tgz".into()
                }
            ),
        ]
    );
}

#[test]
fn workspaces_become_importers_with_their_versions() {
    for version in [2, 3] {
        let mut b = Builder::new(version);
        let root = b.tagged(RES_ROOT, &[]);
        b.package(
            "mono",
            1,
            root,
            None,
            &[
                ("web", "packages/web", BEHAVIOR_WORKSPACE, 1),
                ("lib", "workspace:*", PROD, 2),
            ],
        );
        let web = b.tagged(RES_WORKSPACE, &["packages/web"]);
        b.package(
            "web",
            0xabc,
            web,
            None,
            &[("lib", "workspace:*", PROD, 2), ("z", "1", PROD, 3)],
        );
        let lib = b.tagged(RES_WORKSPACE, &["packages/lib"]);
        b.package("lib", 0xdef, lib, None, &[]);
        let z = b.npm("1.0.0", "");
        b.package("z", 4, z, None, &[]);
        let mut trailer = b"wOrKsPaC".to_vec();
        let hashes: Vec<u8> = [0xabc_u64].iter().flat_map(|h| h.to_le_bytes()).collect();
        let v = b.semver("3.1.4");
        // Offsets in the trailer are absolute: build once to learn where it starts.
        let base = b.build().len() - 16;
        let mut body = vec![0; base + 8];
        Builder::array(&mut body, "\n<u64> 8 sizeof, 8 alignof\n", &hashes);
        Builder::array(
            &mut body,
            &format!("\n<Version> {} sizeof, 8 alignof\n", v.len()),
            &v,
        );
        Builder::array(&mut body, "\n<u64> 8 sizeof, 8 alignof\n", &[]);
        Builder::array(&mut body, "\n<String> 8 sizeof, 1 alignof\n", &[]);
        trailer.extend_from_slice(&body[base + 8..]);
        b.trailer = trailer;
        let lock = parse(&b.build(), &[]).expect("parses");
        let importers: Vec<_> = lock
            .importers
            .iter()
            .map(|i| {
                (
                    i.path.as_str(),
                    i.name.as_ref().map(|n| n.as_str()),
                    i.version.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            importers,
            [
                (".", Some("mono"), None),
                ("packages/web", Some("web"), Some("3.1.4")),
                ("packages/lib", Some("lib"), None)
            ]
        );
        assert_eq!(
            lock.entries, 3,
            "every package but the root is a yarn block"
        );
        assert_eq!(lock.packages.len(), 1);
        let root: Vec<_> = lock.importers[0]
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.target))
            .collect();
        assert_eq!(root, [("lib", Target::Importer(2))]);
        let web: Vec<_> = lock.importers[1]
            .dependencies
            .iter()
            .map(|d| d.target)
            .collect();
        assert_eq!(web, [Target::Importer(2), Target::Package(0)]);
    }
}

#[test]
fn notes_patched_dependencies() {
    let mut b = Builder::new(3);
    let root = b.tagged(RES_ROOT, &[]);
    b.package("r", 1, root, None, &[]);
    let base = b.build().len() - 16;
    let mut body = vec![0; base + 8];
    Builder::array(&mut body, "\n<u64> 8 sizeof, 8 alignof\n", &[1; 16]);
    Builder::array(&mut body, "\n<PatchedDep> 24 sizeof, 8 alignof\n", &[0; 48]);
    b.trailer = b"pAtChEdD".to_vec();
    b.trailer.extend_from_slice(&body[base + 8..]);
    let lock = parse(&b.build(), &[]).expect("parses");
    assert!(
        lock.notes[0].starts_with("2 package(s) are patched"),
        "{:?}",
        lock.notes
    );
}

fn parse_err(bytes: &[u8]) -> String {
    parse(bytes, &[]).expect_err("must be refused").message
}

#[test]
fn refuses_wrong_magic_and_versions() {
    assert!(parse_err(b"#!/usr/bin/env node\n").contains("expected the bun.lockb header"));
    let mut v1 = sample(2);
    v1[BUN_LOCKB_MAGIC.len()] = 1;
    let msg = parse_err(&v1);
    assert!(
        msg.starts_with("at byte 42: unsupported bun.lockb format version 1"),
        "{msg}"
    );
    assert!(
        msg.contains("bun install --save-text-lockfile --frozen-lockfile --lockfile-only"),
        "{msg}"
    );
    assert!(msg.contains("bun ./bun.lockb > yarn.lock"), "{msg}");
}

#[test]
fn refuses_truncated_and_absurd_input() {
    let good = sample(3);
    let data_len = good.len() - 16;
    for cut in [
        BUN_LOCKB_MAGIC.len(),
        45,
        80,
        100,
        200,
        data_len / 2,
        data_len - 1,
    ] {
        let msg = parse_err(&good[..cut]);
        assert!(msg.starts_with("at byte "), "cut at {cut}: {msg}");
    }
    assert!(parse_err(&good[..100]).contains("truncated"));

    let count_at = BUN_LOCKB_MAGIC.len() + 4 + 32 + 8;
    let mut absurd = good.clone();
    absurd[count_at..count_at + 8].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
    let msg = parse_err(&absurd);
    assert!(
        msg.contains("packages need more than addressable bytes"),
        "{msg}"
    );
    absurd[count_at..count_at + 8].copy_from_slice(&1_000_000_u64.to_le_bytes());
    assert!(parse_err(&absurd).contains("1000000 packages need 261000000 bytes"));

    let mut total = good.clone();
    total[count_at - 8..count_at].copy_from_slice(&u64::MAX.to_le_bytes());
    let msg = parse_err(&total);
    assert!(
        msg.contains("holds 18446744073709551615 bytes of data but the file has only"),
        "{msg}"
    );
}

#[test]
fn refuses_out_of_range_references() {
    let mut b = Builder::new(3);
    let root = b.tagged(RES_ROOT, &[]);
    b.package("r", 1, root, None, &[("a", "1", PROD, 7)]);
    assert!(parse_err(&b.build()).contains("resolves to package 7, but there are only 1 packages"));

    let mut b = Builder::new(3);
    let root = b.tagged(RES_ROOT, &[]);
    b.package("r", 1, root, None, &[]);
    let bad = b.tagged(99, &[]);
    b.package("x", 2, bad, None, &[]);
    assert!(parse_err(&b.build()).contains("package 1 (x) has unknown resolution tag 99"));

    // A long string whose pointer runs past the string buffer.
    let mut bytes = sample(3);
    let names = BUN_LOCKB_MAGIC.len() + 4 + 32 + 8 + 40;
    let ptr = (1000_u64 | 50 << 32 | 1 << 63).to_le_bytes();
    bytes[names + 8..names + 16].copy_from_slice(&ptr);
    let msg = parse_err(&bytes);
    assert!(msg.contains("string points at 1000..1050"), "{msg}");
}

#[test]
fn refuses_layouts_it_does_not_know() {
    let good = sample(2);
    let mut fields = good.clone();
    let at = BUN_LOCKB_MAGIC.len() + 4 + 32 + 8 + 16;
    fields[at] = 9;
    let msg = parse_err(&fields);
    assert!(
        msg.starts_with(&format!("at byte {at}: packages have 9 fields, expected 8")),
        "{msg}"
    );

    // Bun names each buffer's element type and size; a size we do not read is refused.
    let line = b"<[26]u8> 26 sizeof";
    let pos = good
        .windows(line.len())
        .position(|w| w == line)
        .expect("type line");
    let mut resized = good.clone();
    resized[pos + 9..pos + 11].copy_from_slice(b"28");
    let msg = parse_err(&resized);
    assert!(
        msg.contains("the dependencies: elements are 28 bytes, Portcullis reads 26-byte elements"),
        "{msg}"
    );

    // A v2 table read as v3 no longer adds up.
    let mut v3 = good;
    v3[BUN_LOCKB_MAGIC.len()] = 3;
    assert!(
        parse_err(&v3).contains(
            "3 packages need 783 bytes of package table (261 each) but the table has 759"
        )
    );
}

#[test]
fn base64_matches_sri_padding() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
}

fn corpus_dir() -> std::path::PathBuf {
    std::env::var_os("PORTCULLIS_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lockfiles")
        })
}

/// A corpus file, read in place (never copied into the repository).
fn corpus_file(rel: &str) -> Option<Vec<u8>> {
    let path = corpus_dir().join(rel);
    let bytes = std::fs::read(&path).ok();
    if bytes.is_none() {
        eprintln!(
            "!!!!!!!! CORPUS ABSENT: {} not found; this test checked NOTHING !!!!!!!!",
            path.display()
        );
    }
    bytes
}

/// Bun's own lockfile for hono.
fn corpus() -> Option<Vec<u8>> {
    corpus_file("bun-lockb/hono-2024-11-bun.lockb")
}

#[test]
fn corpus_file_and_every_truncation_of_it() {
    let Some(bytes) = corpus() else { return };
    let lock = parse(&bytes, &[]).expect("parses");
    assert_eq!(lock.entries, 918);
    assert_eq!(lock.unique_name_versions().len(), 918);
    assert!(lock.missing_edges().is_empty());
    let zod = lock
        .packages
        .iter()
        .find(|p| p.location == "zod@3.23.8")
        .expect("present");
    assert!(zod.integrity.is_some());
    // Data ends where the header says; the rest is padding, so cut only inside the data.
    let data_len = u64::from_le_bytes(bytes[78..86].try_into().expect("present")) as usize;
    for cut in (0..data_len).step_by(997).chain([data_len - 1]) {
        assert!(parse(&bytes[..cut], &[]).is_err(), "cut at {cut} parsed");
        // Also with the header's data size patched to match, so that the cut is found
        // by the array and table bounds checks rather than by the size check.
        let mut patched = bytes[..cut.max(86)].to_vec();
        patched[78..86].copy_from_slice(&(cut.max(86) as u64).to_le_bytes());
        let msg = parse_err(&patched);
        assert!(msg.starts_with("at byte "), "cut at {cut}: {msg}");
    }
}

/// The corpus also holds the yarn v1 text Bun printed from this very file: every block's
/// name, version and integrity must be one of ours, and the other way round.
#[test]
fn corpus_file_agrees_with_its_yarn_print() {
    let Some(bytes) = corpus() else { return };
    let Some(yarn) = corpus_file("yarn-v1/hono-2025-01-yarn.lock") else {
        return;
    };
    let yarn = String::from_utf8(yarn).expect("present");
    let mut printed = HashSet::new();
    for block in yarn.split("\n\n").filter(|b| b.contains("  version ")) {
        let head = block
            .lines()
            .find(|l| !l.is_empty() && !l.starts_with(['#', ' ']))
            .expect("present");
        let first = head
            .split(", ")
            .next()
            .expect("present")
            .trim_matches(['"', ':']);
        let (name, _) = spec::split_spec(first);
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|v| v.trim_matches('"').to_owned())
        };
        printed.insert((
            name.to_owned(),
            field("  version ").expect("present"),
            field("  integrity "),
        ));
    }
    let lock = parse(&bytes, &[]).expect("parses");
    let ours: HashSet<_> = lock
        .packages
        .iter()
        .map(|p| {
            let integrity = p.integrity.as_ref().map(|i| i.to_string());
            (p.name.to_string(), p.version.to_string(), integrity)
        })
        .collect();
    assert_eq!(printed.len(), 918);
    let mut only_ours: Vec<_> = ours.difference(&printed).collect();
    let mut only_printed: Vec<_> = printed.difference(&ours).collect();
    only_ours.sort();
    only_printed.sort();
    assert!(
        only_ours.is_empty() && only_printed.is_empty(),
        "only in bun.lockb: {:?}\nonly in its yarn print: {:?}",
        &only_ours[..only_ours.len().min(3)],
        &only_printed[..only_printed.len().min(3)]
    );
}

#[test]
fn corrupted_corpus_bytes_never_panic() {
    let Some(bytes) = corpus() else { return };
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..100 {
        let mut copy = bytes.clone();
        for _ in 0..4 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state % copy.len() as u64) as usize;
            copy[at] = (state >> 32) as u8;
        }
        let _ = parse(&copy, &[]);
    }
}
