//! End-to-end tests of `portcullis db update` against a scripted HTTP server on 127.0.0.1:
//! conditional requests, retries, corrupt and cut-off downloads, nothing listening, offline.
//! Every failure must leave the database exactly as it was.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::Command;

/// One scripted answer.
enum Reply {
    /// A complete response.
    Full {
        status: &'static str,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Announces `declared` bytes, sends `body` (fewer), then closes the connection.
    CutOff { declared: usize, body: Vec<u8> },
}

fn ok(body: &[u8], headers: Vec<(&'static str, String)>) -> Reply {
    Reply::Full {
        status: "200 OK",
        headers,
        body: body.to_vec(),
    }
}

fn status_only(status: &'static str) -> Reply {
    Reply::Full {
        status,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// A loopback HTTP/1.1 server answering each connection once, per `script(request_head, n)`.
struct Server {
    url: String,
    /// Request heads received, lowercased, in order.
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(mut script: impl FnMut(&str, usize) -> Reply + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://127.0.0.1:{}/npm/all.zip",
            listener.local_addr().expect("addr").port()
        );
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        // Bounded: a test makes a handful of requests; the thread ends with the test process.
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().take(50).enumerate() {
                let Ok(mut stream) = stream else { continue };
                let head = read_head(&mut stream);
                let reply = script(&head, n);
                seen.lock().expect("lock").push(head);
                write_reply(&mut stream, reply);
            }
        });
        Self { url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }
}

fn read_head(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut head = Vec::new();
    let mut byte = [0_u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).to_ascii_lowercase()
}

fn write_reply(stream: &mut TcpStream, reply: Reply) {
    let (status, headers, declared, body) = match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => (status, headers, body.len(), body),
        Reply::CutOff { declared, body } => ("200 OK", Vec::new(), declared, body),
    };
    let mut out =
        format!("HTTP/1.1 {status}\r\nContent-Length: {declared}\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

/// The fixture advisories (2 vulnerabilities, 1 malware report) as an osv.dev-style zip.
fn fixture_zip() -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/advisories");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for path in names {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        zip.start_file(name, options).expect("start");
        zip.write_all(&std::fs::read(&path).expect("read"))
            .expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

fn portcullis() -> Command {
    let mut cmd = Command::cargo_bin("portcullis").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env("PORTCULLIS_RETRY_BASE_MS", "10")
        .env_remove("PORTCULLIS_ADVISORY_SOURCES")
        .env_remove("PORTCULLIS_DB");
    // Loopback only: no proxy may stand in between.
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `db update`; (exit code, stderr).
fn update(db: &Path, args: &[&str]) -> (i32, String) {
    let out = portcullis()
        .args(["db", "update", "--db"])
        .arg(db)
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `db status` without its history lines (which a 304 check appends to): the counts.
fn counts(db: &Path) -> String {
    let out = portcullis()
        .args(["db", "status", "--db"])
        .arg(db)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf8")
        .lines()
        .filter(|l| {
            [
                "vulnerabilities:",
                "malware reports:",
                "withdrawn:",
                "newest record:",
            ]
            .iter()
            .any(|p| l.starts_with(p))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn seeded_db(dir: &Path) -> PathBuf {
    let db = dir.join("db.redb");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/advisories");
    portcullis()
        .args(["db", "import", "--db"])
        .arg(&db)
        .arg(fixtures)
        .assert()
        .success();
    db
}

fn leftover_downloads(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".portcullis-download"))
        .collect()
}

#[test]
fn first_update_imports_then_unchanged_source_is_not_downloaded() {
    let zip = fixture_zip();
    let server = Server::start(move |head, _| {
        if head.contains("if-none-match: \"v1\"") {
            status_only("304 Not Modified")
        } else {
            ok(
                &zip,
                vec![
                    ("ETag", "\"v1\"".into()),
                    ("Last-Modified", "Wed, 01 Jan 2025 00:00:00 GMT".into()),
                ],
            )
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("cache/db.redb");

    let (code, stderr) = update(&db, &["--source", &server.url]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!("{}: 3 records read (3 new, 0 updated", server.url)),
        "{stderr}"
    );
    let first = counts(&db);
    assert_eq!(
        first,
        "vulnerabilities: 2\nmalware reports: 1\nwithdrawn:       0\nnewest record:   2025-07-21T00:00:00Z"
    );

    let (code, stderr) = update(&db, &["--source", &server.url]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("up to date (not modified since"),
        "{stderr}"
    );
    assert!(stderr.contains("3 records)"), "{stderr}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(!requests[0].contains("if-none-match"), "{}", requests[0]);
    assert!(
        requests[1].contains("if-none-match: \"v1\""),
        "{}",
        requests[1]
    );
    assert!(
        requests[1].contains("if-modified-since: wed, 01 jan 2025 00:00:00 gmt"),
        "{}",
        requests[1]
    );
    assert_eq!(counts(&db), first, "a 304 changes no record");
    assert!(leftover_downloads(db.parent().expect("dir")).is_empty());
    // The check is recorded, so the database's age is that of the last confirmation.
    let status = portcullis()
        .args(["db", "status", "--db"])
        .arg(&db)
        .output()
        .expect("status");
    assert!(String::from_utf8_lossy(&status.stdout).contains("(not modified)"));
}

#[test]
fn server_errors_are_retried() {
    let zip = fixture_zip();
    let server = Server::start(move |_, n| {
        if n < 2 {
            status_only("500 Internal Server Error")
        } else {
            ok(&zip, Vec::new())
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("db.redb");
    let (code, stderr) = update(&db, &["--source", &server.url]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr
            .matches("the server answered HTTP 500 Internal Server Error; retrying")
            .count(),
        2,
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 3);
    assert!(counts(&db).starts_with("vulnerabilities: 2\nmalware reports: 1"));
}

#[test]
fn client_errors_are_not_retried() {
    let server = Server::start(|_, _| status_only("404 Not Found"));
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("db.redb");
    let (code, stderr) = update(&db, &["--source", &server.url]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: the server answered HTTP 404 Not Found; the advisory database was not changed",
            server.url
        )),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 1);
    assert!(!db.exists(), "a failed first update creates no database");
}

#[test]
fn corrupt_zip_leaves_the_database_unchanged() {
    let mut zip = fixture_zip();
    zip.truncate(zip.len() / 2);
    let server = Server::start(move |_, _| ok(&zip, Vec::new()));
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded_db(dir.path());
    let before = counts(&db);
    let (code, stderr) = update(&db, &["--source", &server.url]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&server.url), "{stderr}");
    assert!(
        stderr.contains("but cannot use them: the archive is truncated or corrupt"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the advisory database was not changed"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(".portcullis-download"),
        "no temporary name: {stderr}"
    );
    assert_eq!(counts(&db), before);
    assert!(leftover_downloads(dir.path()).is_empty());
}

#[test]
fn cut_off_download_is_retried_then_fails_cleanly() {
    let zip = fixture_zip();
    let server = Server::start(move |_, _| Reply::CutOff {
        declared: zip.len(),
        body: zip[..zip.len() / 3].to_vec(),
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded_db(dir.path());
    let before = counts(&db);
    let (code, stderr) = update(&db, &["--source", &server.url]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("(gave up after 3 attempts)"), "{stderr}");
    assert!(
        stderr.contains("the advisory database was not changed"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 3);
    assert_eq!(counts(&db), before);
    assert!(leftover_downloads(dir.path()).is_empty());
}

#[test]
fn nothing_listening_names_the_url() {
    // A port that was just free: connecting to it is refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}/npm/all.zip");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded_db(dir.path());
    let before = counts(&db);
    let (code, stderr) = update(&db, &["--source", &url]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("error: {url}: could not connect")),
        "{stderr}"
    );
    assert!(
        stderr.contains("the advisory database was not changed"),
        "{stderr}"
    );
    assert_eq!(counts(&db), before);
}

#[test]
fn offline_names_the_sources_and_fetches_nothing() {
    let server = Server::start(|_, _| status_only("500 Internal Server Error"));
    let other = server.url.replace("all.zip", "extra.zip");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("db.redb");
    let out = portcullis()
        .args(["db", "update", "--offline", "--db"])
        .arg(&db)
        .env(
            "PORTCULLIS_ADVISORY_SOURCES",
            format!("{},{other}", server.url),
        )
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("offline: not fetching {}, {other};", server.url)),
        "{stderr}"
    );
    assert!(server.requests().is_empty());
    assert!(!db.exists());

    // Without configuration, the default source is the one named.
    let (code, stderr) = update(&db, &["--offline"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("offline: not fetching https://"),
        "{stderr}"
    );
}

#[test]
fn local_sources_need_no_network() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zip_path = dir.path().join("all.zip");
    std::fs::write(&zip_path, fixture_zip()).expect("write zip");
    let db = dir.path().join("db.redb");
    let (code, stderr) = update(
        &db,
        &["--offline", "--source", &zip_path.display().to_string()],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("3 records read (3 new"), "{stderr}");
}
