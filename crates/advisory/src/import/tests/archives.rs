//! Archive inputs: zip, tar, tar.gz and tar.zst built in memory, and the hostile cases:
//! traversal and link entries, oversize entries, limits, truncation and corrupt checksums.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;

use super::super::*;
use super::{Run, osv_json, run, run_with, write};

#[derive(Clone, Copy)]
enum TarEntry<'a> {
    File(&'a str, &'a [u8]),
    /// Written into the header verbatim, bypassing the tar crate's path checks.
    RawName(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
}

fn tar_bytes(entries: &[TarEntry<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        match *entry {
            TarEntry::File(name, data) => {
                header.set_size(data.len() as u64);
                builder
                    .append_data(&mut header, name, data)
                    .expect("append");
            }
            TarEntry::RawName(name, data) => {
                let field = &mut header.as_old_mut().name;
                field[..name.len()].copy_from_slice(name.as_bytes());
                header.set_size(data.len() as u64);
                header.set_cksum();
                builder.append(&header, data).expect("append raw");
            }
            TarEntry::Dir(name) => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_size(0);
                builder
                    .append_data(&mut header, name, &[][..])
                    .expect("append dir");
            }
            TarEntry::Symlink(name, target) => {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_size(0);
                builder
                    .append_link(&mut header, name, target)
                    .expect("append link");
            }
        }
    }
    builder.into_inner().expect("finish tar")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip finish")
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

fn zip_bytes(entries: &[(&str, &[u8])], symlink: Option<(&str, &str)>) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).expect("zip entry");
        writer.write_all(data).expect("zip write");
    }
    if let Some((name, target)) = symlink {
        writer
            .add_symlink(name, target, options)
            .expect("zip symlink");
    }
    writer.finish().expect("zip finish").into_inner()
}

/// The entries every archive test carries: two records, a bad one, a README and a directory.
fn standard_tar() -> Vec<u8> {
    let (a, b) = (osv_json("MAL-1"), osv_json("MAL-2"));
    tar_bytes(&[
        TarEntry::Dir("bulk/"),
        TarEntry::File("bulk/MAL-1.json", a.as_bytes()),
        TarEntry::File("bulk/README.md", b"not an advisory"),
        TarEntry::File("bulk/broken.json", b"{\"id\": \"MAL-3\", "),
        TarEntry::File("bulk/MAL-2.json", b.as_bytes()),
    ])
}

fn assert_standard(run: &Run, archive: &Path) {
    assert_eq!(run.ids(), ["MAL-1", "MAL-2"]);
    let summary = run.summary();
    assert_eq!(
        (summary.files_read, summary.records, summary.ignored),
        (3, 2, 1)
    );
    assert_eq!(
        run.imported[0].origin,
        format!("{}!bulk/MAL-1.json", archive.display())
    );
    assert!(
        run.skipped_reason("!bulk/broken.json")
            .starts_with("not valid JSON"),
        "{:?}",
        summary.skipped
    );
}

#[test]
fn zip_flat_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (osv_json("GHSA-1"), osv_json("MAL-9"));
    let bytes = zip_bytes(
        &[
            ("GHSA-1.json", a.as_bytes()),
            ("MAL-9.json", b.as_bytes()),
            ("bad.json", b"{}"),
            ("../evil.json", a.as_bytes()),
        ],
        Some(("link.json", "/etc/passwd")),
    );
    let path = write(&dir.path().join("all.zip"), bytes);
    let run = run(&path);
    assert_eq!(run.ids(), ["GHSA-1", "MAL-9"]);
    assert!(
        run.skipped_reason("!bad.json")
            .contains("missing field `id`")
    );
    assert!(
        run.skipped_reason("!../evil.json")
            .contains("path traversal")
    );
    assert!(run.skipped_reason("!link.json").contains("link entry"));
}

#[test]
fn zip_truncated_or_not_a_zip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = osv_json("GHSA-1");
    let mut bytes = zip_bytes(&[("GHSA-1.json", a.as_bytes())], None);
    bytes.truncate(bytes.len() - 30);
    let path = write(&dir.path().join("all.zip"), bytes);
    let error = run(&path).error();
    assert!(
        error.contains("all.zip: archive is truncated or corrupt in its central directory"),
        "{error}"
    );
}

#[test]
fn tar_gz_and_tgz() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["osv.tar.gz", "osv.tgz"] {
        let path = write(&dir.path().join(name), gzip(&standard_tar()));
        assert_standard(&run(&path), &path);
    }
}

#[test]
fn plain_tar_with_long_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = format!("bulk/{}/MAL-7.json", "nested-directory".repeat(10));
    let record = osv_json("MAL-7");
    let path = write(
        &dir.path().join("osv.tar"),
        tar_bytes(&[TarEntry::File(&long, record.as_bytes())]),
    );
    let run = run(&path);
    assert_eq!(run.ids(), ["MAL-7"]);
    assert!(
        run.imported[0].origin.ends_with(&long),
        "{}",
        run.imported[0].origin
    );
}

#[test]
fn tar_zst_single_and_multi_frame() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tar = standard_tar();
    let path = write(&dir.path().join("osv.tar.zst"), zstd(&tar));
    assert_standard(&run(&path), &path);

    // A skippable frame, then the tar split across two frames: all of it must be read.
    let (first, second) = tar.split_at(1536);
    let mut bytes = vec![0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3];
    bytes.extend(zstd(first));
    bytes.extend(zstd(second));
    let path = write(&dir.path().join("multi.tar.zst"), bytes);
    assert_standard(&run(&path), &path);
}

#[test]
fn hostile_entries_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = osv_json("MAL-1");
    let tar = tar_bytes(&[
        TarEntry::RawName("../../etc/MAL-1.json", record.as_bytes()),
        TarEntry::RawName("/abs/MAL-1.json", record.as_bytes()),
        TarEntry::RawName("ok/..\\..\\MAL-1.json", record.as_bytes()),
        TarEntry::Symlink("bulk/link.json", "/etc/passwd"),
        TarEntry::File("bulk/MAL-1.json", record.as_bytes()),
    ]);
    let path = write(&dir.path().join("evil.tar.gz"), gzip(&tar));
    let run = run(&path);
    assert_eq!(run.ids(), ["MAL-1"]);
    assert!(
        run.skipped_reason("!../../etc/MAL-1.json")
            .contains("`..` (path traversal)")
    );
    assert!(
        run.skipped_reason("!/abs/MAL-1.json")
            .contains("absolute path")
    );
    assert!(
        run.skipped_reason("!ok/..\\..\\MAL-1.json")
            .contains("path traversal")
    );
    assert!(
        run.skipped_reason("!bulk/link.json")
            .contains("link entry, not followed")
    );
    assert_eq!(run.summary().skipped.len(), 4);
}

#[test]
fn limits_are_enforced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir.path().join("osv.tar.zst"), zstd(&standard_tar()));

    let small_entries = Limits {
        max_entry_bytes: 100,
        ..Limits::default()
    };
    let run_small = run_with(&path, small_entries);
    assert!(run_small.ids().is_empty());
    assert!(
        run_small
            .skipped_reason("!bulk/MAL-1.json")
            .contains("over the 100 bytes limit for one advisory")
    );

    let error = run_with(
        &path,
        Limits {
            max_archive_bytes: 2048,
            ..Limits::default()
        },
    )
    .error();
    assert!(
        error.contains("osv.tar.zst: more than 2048 decompressed bytes, the import limit"),
        "{error}"
    );
    let error = run_with(
        &path,
        Limits {
            max_archive_entries: 3,
            ..Limits::default()
        },
    )
    .error();
    assert!(error.contains("more than 3 entries"), "{error}");

    let (a, b) = (osv_json("A-1"), osv_json("B-1"));
    let zip = write(
        &dir.path().join("all.zip"),
        zip_bytes(
            &[("A-1.json", a.as_bytes()), ("B-1.json", b.as_bytes())],
            None,
        ),
    );
    let error = run_with(
        &zip,
        Limits {
            max_archive_entries: 1,
            ..Limits::default()
        },
    )
    .error();
    assert!(error.contains("all.zip: more than 1 entries"), "{error}");
    let error = run_with(
        &zip,
        Limits {
            max_archive_bytes: a.len() as u64 + 1,
            ..Limits::default()
        },
    )
    .error();
    assert!(error.contains("decompressed bytes"), "{error}");
    let run_small = run_with(&zip, small_entries);
    assert!(
        run_small
            .skipped_reason("!A-1.json")
            .contains("over the 100 bytes limit")
    );

    // Exactly at the total limit is not over it.
    let exact = standard_tar().len() as u64;
    assert_eq!(
        run_with(
            &path,
            Limits {
                max_archive_bytes: exact,
                ..Limits::default()
            }
        )
        .summary()
        .records,
        2
    );
}

#[test]
fn truncated_archives_name_the_archive_and_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = osv_json(&format!("MAL-{}", "9".repeat(200)));
    let tar = tar_bytes(&[
        TarEntry::File("bulk/MAL-1.json", osv_json("MAL-1").as_bytes()),
        TarEntry::File("bulk/big.json", big.as_bytes()),
    ]);
    // Cut inside the second entry's data.
    let cut = 512 * 4;
    let gz = write(&dir.path().join("cut.tar.gz"), gzip(&tar[..cut]));
    let error = run(&gz).error();
    assert!(
        error.contains("cut.tar.gz: archive is truncated or corrupt in entry `bulk/big.json`"),
        "{error}"
    );

    let compressed = gzip(&tar);
    let gz = write(
        &dir.path().join("short.tar.gz"),
        &compressed[..compressed.len() / 2],
    );
    let error = run(&gz).error();
    assert!(
        error.contains("short.tar.gz: archive is truncated or corrupt"),
        "{error}"
    );

    let compressed = zstd(&tar);
    let zst = write(
        &dir.path().join("short.tar.zst"),
        &compressed[..compressed.len() - 10],
    );
    let error = run(&zst).error();
    assert!(
        error.contains("short.tar.zst: archive is truncated or corrupt"),
        "{error}"
    );

    // Cut exactly at an entry boundary: only the missing end marker shows it.
    let boundary = 512 * 2;
    let plain = write(&dir.path().join("cut.tar"), &tar[..boundary]);
    let error = run(&plain).error();
    assert!(
        error.contains("cut.tar: archive is truncated or corrupt after entry `bulk/MAL-1.json`"),
        "{error}"
    );
    assert!(error.contains("end-of-archive marker"), "{error}");

    let empty = write(&dir.path().join("empty.tar.zst"), b"");
    assert!(run(&empty).error().contains("before the first entry"));
    let not_zstd = write(&dir.path().join("fake.tar.zst"), b"this is not zstd at all");
    assert!(
        run(&not_zstd)
            .error()
            .contains("fake.tar.zst: archive is truncated or corrupt before the first entry")
    );
}

#[test]
fn corrupt_zstd_checksum_is_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut compressed = zstd(&standard_tar());
    let last = compressed.len() - 1;
    compressed[last] ^= 0xFF;
    let path = write(&dir.path().join("osv.tar.zst"), compressed);
    let error = run(&path).error();
    assert!(error.contains("checksum mismatch"), "{error}");
}

#[test]
fn sink_can_stop_the_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir.path().join("osv.tar.zst"), zstd(&standard_tar()));
    let mut seen = Vec::new();
    let summary = read_path_with(&path, &Limits::default(), &mut |i| {
        seen.push(i.record.id);
        ControlFlow::Break(())
    })
    .expect("stopped import is not an error");
    assert_eq!(seen, ["MAL-1"]);
    assert_eq!(summary.records, 1);
}

#[test]
fn read_path_collects_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir.path().join("osv.tgz"), gzip(&standard_tar()));
    let mut ids = Vec::new();
    let summary = read_path(&path, &mut |i| ids.push(i.record.id)).expect("import");
    assert_eq!(ids, ["MAL-1", "MAL-2"]);
    assert_eq!(summary.skipped.len(), 1);
}
