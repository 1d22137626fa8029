//! Version strings parsed exactly as node's `semver` parses them.
//!
//! `nodejs_semver::Version::parse` is more lenient than node: it accepts trailing garbage
//! (`1.2.3foo` parses as 1.2.3), leading zeros in strict mode, and it caps numbers at a
//! `MAX_SAFE_INTEGER` ten times smaller than JavaScript's. A version node rejects must not
//! match here either, so parsing is done by this module and `nodejs_semver::Version` is only
//! the value type (its ordering is semver precedence, the same as node's `compare`).
//!
//! Two grammars, both from node semver's `internal/re.js`:
//! - strict (`FULL`): what `semver.parse(v)` accepts: `v?` + `M.m.p`, no leading zeros,
//!   `-pre.release` and `+build` optional.
//! - loose (`LOOSE`): what `{ loose: true }` accepts, used inside npm range strings: any run of
//!   `v`, `=` and whitespace before the version, leading zeros, and a prerelease without `-`
//!   (`1.2.3beta`).

use nodejs_semver::{Identifier, Version};

/// node's `MAX_LENGTH`: longer version strings are rejected outright.
const MAX_LENGTH: usize = 256;
/// JavaScript's `Number.MAX_SAFE_INTEGER`: node rejects larger version numbers.
const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// Parses `input` as node's `semver.parse(input)` does (strict mode), or `None`.
pub(crate) fn parse_strict(input: &str) -> Option<Version> {
    if input.len() > MAX_LENGTH {
        return None;
    }
    let mut cur = Cursor::new(input.trim());
    cur.eat(b'v');
    let version = cur.version(false)?;
    cur.at_end().then_some(version)
}

/// Parses `input` as node's `new SemVer(input, { loose: true })` does, or `None`.
pub(crate) fn parse_loose(input: &str) -> Option<Version> {
    if input.len() > MAX_LENGTH {
        return None;
    }
    let mut cur = Cursor::new(input.trim());
    cur.skip_loose_prefix();
    let version = cur.version(true)?;
    cur.at_end().then_some(version)
}

/// A byte cursor over ASCII grammar; non-ASCII bytes simply never match.
pub(super) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(input: &'a str) -> Self {
        Self {
            bytes: input.as_bytes(),
            pos: 0,
        }
    }

    /// Bytes read so far.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `[v=\s]*`, the prefix loose versions and x-ranges allow.
    pub(super) fn skip_loose_prefix(&mut self) {
        while matches!(
            self.peek(),
            Some(b'v' | b'=' | b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
        ) {
            self.pos += 1;
        }
    }

    /// The longest run of bytes satisfying `pred`, possibly empty.
    pub(super) fn run(&mut self, pred: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        // The run is ASCII (every predicate used accepts ASCII bytes only), so this slice is
        // on char boundaries; an empty string stands in for the impossible case.
        std::str::from_utf8(self.bytes.get(start..self.pos).unwrap_or_default()).unwrap_or_default()
    }

    /// One main-version number: `0|[1-9]\d*` (strict) or `\d+` (loose), at most
    /// `MAX_SAFE_INTEGER`.
    fn number(&mut self, loose: bool) -> Option<u64> {
        let digits = self.run(|b| b.is_ascii_digit());
        if digits.is_empty() || (!loose && digits.len() > 1 && digits.starts_with('0')) {
            return None;
        }
        digits
            .parse::<u64>()
            .ok()
            .filter(|n| *n <= MAX_SAFE_INTEGER)
    }

    /// `M.m.p`, then an optional prerelease and build.
    fn version(&mut self, loose: bool) -> Option<Version> {
        let major = self.number(loose)?;
        self.eat(b'.').then_some(())?;
        let minor = self.number(loose)?;
        self.eat(b'.').then_some(())?;
        let patch = self.number(loose)?;
        let pre = self.prerelease(loose)?;
        let build = if self.eat(b'+') {
            self.identifiers(|_| true)?
        } else {
            Vec::new()
        };
        Some(Version::new(major, minor, patch, pre, build))
    }

    /// `-id.id…` (strict), or `-?id.id…` (loose). `Some(empty)` when there is none; `None`
    /// when one starts but is malformed.
    pub(super) fn prerelease(&mut self, loose: bool) -> Option<Vec<Identifier>> {
        let dash = self.eat(b'-');
        let starts = self.peek().is_some_and(is_ident_byte);
        match (dash, starts, loose) {
            (true, true, _) | (false, true, true) => {
                let strict_numeric = |id: &str| loose || !(id.len() > 1 && id.starts_with('0'));
                self.identifiers(|id| !id.bytes().all(|b| b.is_ascii_digit()) || strict_numeric(id))
            }
            (false, _, _) => Some(Vec::new()),
            (true, false, _) => None,
        }
    }

    /// Dot-separated identifiers of `[0-9A-Za-z-]`, each accepted by `valid`.
    pub(super) fn identifiers(&mut self, valid: impl Fn(&str) -> bool) -> Option<Vec<Identifier>> {
        let mut ids = Vec::new();
        loop {
            let id = self.run(is_ident_byte);
            if id.is_empty() || !valid(id) {
                return None;
            }
            ids.push(identifier(id));
            if !self.eat(b'.') {
                return Some(ids);
            }
        }
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// node keeps an all-digit identifier as a number when it is a safe integer, else as a string.
pub(super) fn identifier(id: &str) -> Identifier {
    match id.parse::<u64>() {
        Ok(n) if id.bytes().all(|b| b.is_ascii_digit()) && n < MAX_SAFE_INTEGER => {
            Identifier::Numeric(n)
        }
        _ => Identifier::AlphaNumeric(id.to_owned()),
    }
}

/// `M.m.p-pre` without build metadata: node's `SemVer.version`, which is what its ranges print.
pub(super) fn plain(version: &Version) -> String {
    let mut out = format!(
        "{}.{}.{}",
        version.major(),
        version.minor(),
        version.patch()
    );
    for (i, id) in version.pre_release().iter().enumerate() {
        out.push(if i == 0 { '-' } else { '.' });
        out.push_str(&id.to_string());
    }
    out
}
