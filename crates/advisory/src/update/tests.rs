use super::*;

fn write_record(dir: &Path, id: &str, name: &str) -> PathBuf {
    let path = dir.join(format!("{id}.json"));
    let json = serde_json::json!({
        "id": id, "modified": "2024-01-01T00:00:00Z", "summary": "test record",
        "affected": [{"package": {"ecosystem": "npm", "name": name}, "versions": ["1.0.0"]}]
    });
    std::fs::write(&path, json.to_string()).expect("write record");
    path
}

#[test]
fn parse_sources() {
    let remote = Source::parse("https://127.0.0.1:8443/npm/all.zip").expect("https");
    assert!(remote.is_remote());
    assert_eq!(remote.to_string(), "https://127.0.0.1:8443/npm/all.zip");
    assert_eq!(
        Source::parse("file:///srv/osv/all.zip").expect("file url"),
        Source::Local(PathBuf::from("/srv/osv/all.zip"))
    );
    assert_eq!(
        Source::parse(" ./osv/all.zip ").expect("path"),
        Source::Local(PathBuf::from("./osv/all.zip"))
    );
    assert_eq!(
        Source::parse("C:\\osv\\all.zip").expect("drive letter"),
        Source::Local(PathBuf::from("C:\\osv\\all.zip"))
    );
    let err = Source::parse("ftp://127.0.0.1/all.zip").expect_err("ftp");
    assert!(err.to_string().contains("only http://"), "{err}");
    assert!(Source::parse("  ").is_err());
}

#[test]
fn offline_names_remote_sources_and_touches_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("sub/db.redb");
    let sources = [
        Source::parse("http://127.0.0.1:9/a.zip").expect("a"),
        Source::Local(dir.path().to_owned()),
        Source::parse("http://127.0.0.1:9/b.zip").expect("b"),
    ];
    let options = Options {
        offline: true,
        ..Options::default()
    };
    let err = update(&db, &sources, &options, &mut NoProgress).expect_err("offline");
    let text = err.to_string();
    assert!(
        text.contains("http://127.0.0.1:9/a.zip, http://127.0.0.1:9/b.zip"),
        "{text}"
    );
    assert!(text.contains("was not changed"), "{text}");
    assert!(!db.exists() && !db.parent().expect("parent").exists());
}

#[test]
fn local_sources_import_offline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    write_record(&data, "GHSA-aaaa-bbbb-cccc", "left-pad");
    let single = write_record(dir.path(), "MAL-2024-1", "evil-pkg");
    let file_url = reqwest::Url::from_file_path(&single).expect("file url");
    let db = dir.path().join("db.redb");
    let sources = [
        Source::Local(data),
        Source::parse(file_url.as_str()).expect("file url source"),
    ];
    let options = Options {
        offline: true,
        ..Options::default()
    };
    let reports = update(&db, &sources, &options, &mut NoProgress).expect("update");
    assert_eq!(reports.len(), 2);
    assert!(
        matches!(&reports[1].outcome, Outcome::Imported { stats, .. } if stats.added == 1),
        "{reports:?}"
    );
    let store = Store::open_existing(&db).expect("open").expect("exists");
    let status = store.status().expect("status");
    assert_eq!((status.vulnerabilities, status.malware), (1, 1));
    // Local sources are read in place every time: no conditional-request state.
    assert_eq!(store.source_state(&reports[0].source).expect("state"), None);
}

#[test]
fn one_bad_source_imports_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write_record(dir.path(), "GHSA-aaaa-bbbb-cccc", "left-pad");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let db = dir.path().join("db.redb");
    let sources = [
        Source::Local(good),
        Source::Local(empty.clone()),
        Source::Local(dir.path().join("missing.zip")),
    ];
    let err = update(&db, &sources, &Options::default(), &mut NoProgress).expect_err("bad");
    let UpdateError::Failed { failures } = &err else {
        panic!("expected Failed, got {err:?}");
    };
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!(failures[0].source, empty.display().to_string());
    assert!(
        failures[0].error.contains("no advisory records"),
        "{failures:?}"
    );
    assert!(failures[1].error.contains("missing.zip"), "{failures:?}");
    assert!(
        err.to_string().starts_with("2 advisory sources failed"),
        "{err}"
    );
    assert!(!db.exists(), "a failed first update creates no database");
}

#[test]
fn no_sources_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = update(
        &dir.path().join("db.redb"),
        &[],
        &Options::default(),
        &mut NoProgress,
    )
    .expect_err("empty");
    assert!(err.to_string().contains("no sources given"), "{err}");
}

#[test]
fn failure_text_single_and_many() {
    let one = [Failure {
        source: "http://127.0.0.1:1/all.zip".into(),
        error: "could not connect: refused".into(),
    }];
    assert_eq!(
        failures_text(&one),
        "http://127.0.0.1:1/all.zip: could not connect: refused; the advisory database was not changed"
    );
    let two = [one[0].clone(), one[0].clone()];
    assert_eq!(failures_text(&two).lines().count(), 3);
}

#[test]
fn import_errors_hide_the_temporary_name() {
    let err = ReadError::Import(ImportError::Archive {
        archive: PathBuf::from("/tmp/.portcullis-download-x.zip"),
        at: "before the first entry".into(),
        detail: "invalid zip header".into(),
    });
    let text = describe_import_error(&err);
    assert!(!text.contains(".portcullis-download"), "{text}");
    assert!(
        text.contains("truncated or corrupt before the first entry"),
        "{text}"
    );
}
