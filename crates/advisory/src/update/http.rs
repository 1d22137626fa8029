//! The HTTP side of `db update`: a GET with conditional headers, retried with exponential
//! backoff, its body streamed into a temporary file with a size cap.
//!
//! The CLI is synchronous, so each [`Downloader`] owns a small current-thread tokio runtime;
//! the registry client will share the same reqwest/hyper stack.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, HeaderName, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    RETRY_AFTER,
};

use super::{Options, Progress, UpdateError};
use crate::store::SourceState;

/// The longest pause between two tries, whatever `Retry-After` asks for.
const MAX_DELAY: Duration = Duration::from_secs(60);

/// Name endings that [`crate::import::read_path`] recognises, longest first where they overlap.
const SUFFIXES: [&str; 7] = [
    ".tar.zst", ".tzst", ".tar.gz", ".tgz", ".tar", ".zip", ".json",
];

/// Downloads with one HTTP client and one runtime.
pub(super) struct Downloader {
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    options: Options,
}

/// A successful fetch.
pub(super) enum Fetched {
    /// HTTP 304: what is stored is current.
    NotModified,
    /// The whole body, in a temporary file (removed when dropped).
    Body {
        file: tempfile::NamedTempFile,
        etag: Option<String>,
        last_modified: Option<String>,
        bytes: u64,
    },
}

/// How one try ended.
enum Attempt {
    Done(Fetched),
    /// Worth another try: a 408/429/5xx answer, or a connection that failed or broke off.
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    /// Another try would end the same way.
    Fatal(String),
}

impl Downloader {
    pub(super) fn new(options: &Options) -> Result<Self, UpdateError> {
        // reqwest is built without a crypto provider so that ring (quick to build) replaces
        // aws-lc; installing fails only when a provider is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("portcullis/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.read_timeout)
            .build()
            .map_err(|e| UpdateError::Client(describe(&e)))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| UpdateError::Client(e.to_string()))?;
        Ok(Self {
            client,
            runtime,
            options: options.clone(),
        })
    }

    /// Fetches `url` into a temporary file in `dir`, sending `state`'s validators.
    pub(super) fn fetch(
        &self,
        url: &reqwest::Url,
        state: Option<&SourceState>,
        dir: &Path,
        progress: &mut dyn Progress,
    ) -> Result<Fetched, String> {
        let attempts = self.options.attempts.max(1);
        let mut last = String::new();
        for attempt in 1..=attempts {
            match self
                .runtime
                .block_on(self.try_once(url, state, dir, progress))
            {
                Attempt::Done(fetched) => return Ok(fetched),
                Attempt::Fatal(reason) => return Err(reason),
                Attempt::Retry { reason, after } => {
                    if attempt < attempts {
                        let delay = backoff(self.options.retry_base, attempt)
                            .max(after.unwrap_or_default())
                            .min(MAX_DELAY);
                        progress.retrying(url.as_str(), attempt, delay, &reason);
                        std::thread::sleep(delay);
                    }
                    last = reason;
                }
            }
        }
        Err(if attempts > 1 {
            format!("{last} (gave up after {attempts} attempts)")
        } else {
            last
        })
    }

    async fn try_once(
        &self,
        url: &reqwest::Url,
        state: Option<&SourceState>,
        dir: &Path,
        progress: &mut dyn Progress,
    ) -> Attempt {
        let mut request = self.client.get(url.clone());
        let mut conditional = false;
        if let Some(state) = state {
            if let Some(etag) = &state.etag {
                request = request.header(IF_NONE_MATCH, etag);
                conditional = true;
            }
            if let Some(date) = &state.last_modified {
                request = request.header(IF_MODIFIED_SINCE, date);
                conditional = true;
            }
        }
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(e) if e.is_builder() => return Attempt::Fatal(describe(&e)),
            Err(e) => {
                return Attempt::Retry {
                    reason: describe(&e),
                    after: None,
                };
            }
        };
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return if conditional {
                Attempt::Done(Fetched::NotModified)
            } else {
                Attempt::Fatal("the server answered 304 Not Modified to a plain request".into())
            };
        }
        if status == StatusCode::REQUEST_TIMEOUT
            || status == StatusCode::TOO_MANY_REQUESTS
            || status.is_server_error()
        {
            return Attempt::Retry {
                reason: format!("the server answered HTTP {status}"),
                after: retry_after(response.headers()),
            };
        }
        if !status.is_success() {
            return Attempt::Fatal(format!("the server answered HTTP {status}"));
        }
        let max = self.options.max_download_bytes;
        let total = response.content_length();
        if let Some(total) = total.filter(|t| *t > max) {
            return Attempt::Fatal(format!(
                "the download is {total} bytes, more than the {max}-byte limit"
            ));
        }
        let content_type = header_text(response.headers(), &CONTENT_TYPE);
        let Some(suffix) = suffix_for(url, content_type.as_deref()) else {
            return Attempt::Fatal(format!(
                "cannot tell the format of the download (Content-Type {}); use a URL whose \
                 path ends in .zip, .json, .tar.gz, .tgz or .tar.zst",
                content_type.as_deref().unwrap_or("absent")
            ));
        };
        let mut file = match tempfile::Builder::new()
            .prefix(".portcullis-download-")
            .suffix(suffix)
            .tempfile_in(dir)
        {
            Ok(file) => file,
            Err(e) => {
                return Attempt::Fatal(format!(
                    "cannot create a temporary file in {}: {e}",
                    dir.display()
                ));
            }
        };
        let etag = header_text(response.headers(), &ETAG);
        let last_modified = header_text(response.headers(), &LAST_MODIFIED);
        progress.download_started(url.as_str(), total);
        let received = receive(&mut response, &mut file, max, dir, progress).await;
        progress.download_finished();
        let bytes = match received {
            Ok(bytes) => bytes,
            Err(attempt) => return attempt,
        };
        if let Some(total) = total.filter(|t| *t != bytes) {
            return Attempt::Retry {
                reason: format!("the transfer ended after {bytes} of {total} bytes"),
                after: None,
            };
        }
        if let Err(e) = file.as_file_mut().sync_all() {
            return Attempt::Fatal(format!("cannot write the download: {e}"));
        }
        Attempt::Done(Fetched::Body {
            file,
            etag,
            last_modified,
            bytes,
        })
    }
}

/// Streams the body into `file`; the byte count, or how the try ended.
async fn receive(
    response: &mut reqwest::Response,
    file: &mut tempfile::NamedTempFile,
    max: u64,
    dir: &Path,
    progress: &mut dyn Progress,
) -> Result<u64, Attempt> {
    let mut received: u64 = 0;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                received = received.saturating_add(chunk.len() as u64);
                if received > max {
                    return Err(Attempt::Fatal(format!(
                        "the download exceeds the {max}-byte limit"
                    )));
                }
                // Plain blocking writes: nothing else runs on this runtime meanwhile.
                if let Err(e) = file.write_all(&chunk) {
                    return Err(Attempt::Fatal(format!(
                        "cannot write the download in {}: {e}",
                        dir.display()
                    )));
                }
                progress.downloaded(received);
            }
            Ok(None) => return Ok(received),
            Err(e) => {
                return Err(Attempt::Retry {
                    reason: format!("after {received} bytes, {}", describe(&e)),
                    after: None,
                });
            }
        }
    }
}

/// The delay before retry number `attempt` (1-based): `base`, then doubling.
fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1_u32 << attempt.saturating_sub(1).min(16))
}

/// `Retry-After` in seconds (the HTTP-date form is rare for downloads and ignored).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: u64 = header_text(headers, &RETRY_AFTER)?.trim().parse().ok()?;
    Some(Duration::from_secs(secs))
}

fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The temporary file's name ending, which tells the importer the format: from the URL's
/// path, else from the Content-Type.
fn suffix_for(url: &reqwest::Url, content_type: Option<&str>) -> Option<&'static str> {
    let path = url.path().to_ascii_lowercase();
    if let Some(suffix) = SUFFIXES.iter().find(|s| path.ends_with(**s)) {
        return Some(suffix);
    }
    let essence = content_type?
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/zip" | "application/x-zip-compressed" => Some(".zip"),
        "application/json" => Some(".json"),
        _ => None,
    }
}

/// A reqwest error as a short phrase: its kind and its innermost cause (reqwest's own text
/// repeats the URL, which the caller already names).
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "the transfer broke off"
    } else {
        "the request failed"
    };
    let mut innermost: Option<&dyn std::error::Error> = None;
    let mut next = std::error::Error::source(err);
    while let Some(cause) = next {
        innermost = Some(cause);
        next = cause.source();
    }
    match innermost {
        Some(cause) => format!("{kind}: {cause}"),
        None => format!("{kind}: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).expect("url")
    }

    #[test]
    fn suffix_from_path_then_content_type() {
        let plain = url("http://127.0.0.1:1/npm/all.zip");
        assert_eq!(suffix_for(&plain, None), Some(".zip"));
        assert_eq!(
            suffix_for(&url("http://127.0.0.1:1/x/osv.TAR.ZST"), None),
            Some(".tar.zst")
        );
        assert_eq!(
            suffix_for(&url("http://127.0.0.1:1/x.tgz?sig=1"), None),
            Some(".tgz"),
            "the query is not part of the path"
        );
        let bare = url("http://127.0.0.1:1/download");
        assert_eq!(
            suffix_for(&bare, Some("application/zip; charset=binary")),
            Some(".zip")
        );
        assert_eq!(suffix_for(&bare, Some("Application/JSON")), Some(".json"));
        assert_eq!(suffix_for(&bare, Some("text/html")), None);
        assert_eq!(suffix_for(&bare, None), None);
    }

    #[test]
    fn backoff_doubles_and_saturates() {
        let base = Duration::from_millis(100);
        assert_eq!(backoff(base, 1), Duration::from_millis(100));
        assert_eq!(backoff(base, 2), Duration::from_millis(200));
        assert_eq!(backoff(base, 3), Duration::from_millis(400));
        assert_eq!(backoff(Duration::MAX, 5), Duration::MAX);
        assert_eq!(backoff(base, 0), base);
    }

    #[test]
    fn retry_after_seconds_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, "7".parse().expect("value"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("value"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
