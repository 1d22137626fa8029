//! npm range strings (`<=1.5.1`, `>=2.0.0 <2.3.1 || >=3.0.0 <3.0.4`, `1.x`, `^1.2.3`,
//! `1.2.3 - 2.0.0`, `*`), evaluated as `npm audit` evaluated an advisory's
//! `vulnerable_versions`: `semver.satisfies(version, range, { includePrerelease: true,
//! loose: true })` (`@npmcli/metavuln-calculator`, `lib/advisory.js`, `semverOpt`).
//!
//! Why not `nodejs_semver::Range`: node applies `includePrerelease` while it *parses* (`1.x`
//! becomes `>=1.0.0-0 <2.0.0-0`, `>1.2` becomes `>=1.3.0-0`, a hyphen range's lower bound gets
//! `-0`), while nodejs-semver parses in default mode and applies the flag only when matching,
//! so `1.0.0-alpha` would fail `1.x` here and pass it in npm. So this module desugars the range
//! the way node's `classes/range.js` does with those two options, step for step, into plain
//! comparators, and evaluates them with semver precedence (`nodejs_semver::Version`'s `Ord`).
//!
//! One deliberate difference: in loose mode node silently throws away a comparator it cannot
//! read (`>=1.0.0 foo` becomes `>=1.0.0`, a wider range). Here that is an error, because a
//! silently widened or emptied range is exactly the wrong answer nobody notices.

use std::fmt;

use nodejs_semver::Version;

use super::version::{Cursor, parse_loose, plain};

/// A parsed npm range, as `npm audit` read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpmRange {
    /// `||`-separated sets; a version matches when it passes every comparator of one set.
    sets: Vec<Vec<Comparator>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// One primitive comparator; `version: None` is node's `ANY` (the empty comparator).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comparator {
    op: Op,
    version: Option<Version>,
}

impl Comparator {
    /// node's `ANY`: the empty comparator, which every version passes.
    const ANY: Self = Self {
        op: Op::Eq,
        version: None,
    };

    fn test(&self, v: &Version) -> bool {
        let Some(bound) = &self.version else {
            return true;
        };
        match self.op {
            Op::Eq => v == bound,
            Op::Lt => v < bound,
            Op::Le => v <= bound,
            Op::Gt => v > bound,
            Op::Ge => v >= bound,
        }
    }

    /// node's `<0.0.0-0`, which matches nothing.
    fn is_null_set(&self) -> bool {
        self.op == Op::Lt && self.version.as_ref().is_some_and(|v| plain(v) == "0.0.0-0")
    }

    fn is_any(&self) -> bool {
        self.version.is_none()
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(version) = &self.version else {
            return Ok(());
        };
        let op = match self.op {
            Op::Eq => "",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        };
        write!(f, "{op}{}", plain(version))
    }
}

impl NpmRange {
    /// Parses `range`; the error says why node would not read it (or would read less of it).
    pub fn parse(range: &str) -> Result<Self, String> {
        // node first collapses every whitespace run to one space.
        let raw = range.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut sets = Vec::new();
        for part in raw.split("||") {
            sets.push(parse_set(part.trim())?);
        }
        // node's clean-up: drop null sets unless all are null, and `*` anywhere wins. Neither
        // changes what matches; it keeps the printed form identical to node's.
        if sets.len() > 1 {
            let first = sets.first().cloned().unwrap_or_default();
            sets.retain(|set| !set.first().is_some_and(Comparator::is_null_set));
            if sets.is_empty() {
                sets.push(first);
            } else if let Some(any) = sets
                .iter()
                .find(|s| s.len() == 1 && s.iter().all(Comparator::is_any))
            {
                sets = vec![any.clone()];
            }
        }
        Ok(Self { sets })
    }

    /// True when `version` is in the range, prereleases included.
    pub fn matches(&self, version: &Version) -> bool {
        self.sets
            .iter()
            .any(|set| set.iter().all(|c| c.test(version)))
    }

    /// The lower and upper bound versions the comparators mention (fix-hint candidates).
    pub(super) fn bounds(&self) -> impl Iterator<Item = (bool, &Version)> {
        self.sets.iter().flatten().filter_map(|c| {
            let lower = matches!(c.op, Op::Ge | Op::Gt | Op::Eq);
            c.version.as_ref().map(|v| (lower, v))
        })
    }

    /// The upper bounds `<X`: the first version outside a set, fix-hint candidates.
    pub(super) fn exclusive_uppers(&self) -> impl Iterator<Item = &Version> {
        self.sets
            .iter()
            .flatten()
            .filter(|c| c.op == Op::Lt)
            .filter_map(|c| c.version.as_ref())
    }
}

/// Prints the desugared range exactly as node's `new Range(r, opts).range` does.
impl fmt::Display for NpmRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, set) in self.sets.iter().enumerate() {
            if i > 0 {
                f.write_str("||")?;
            }
            for (k, comparator) in set.iter().enumerate() {
                if k > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{comparator}")?;
            }
        }
        Ok(())
    }
}

/// node's `parseRange` for one `||` part (already trimmed and single-spaced).
fn parse_set(part: &str) -> Result<Vec<Comparator>, String> {
    let part = strip_build(part);
    let part = hyphen_replace(&part).unwrap_or(part);
    let tokens = trim_operators(&part);
    let mut strings = Vec::new();
    for token in &tokens {
        strings.extend(
            parse_comparator(token)
                .split_whitespace()
                .map(str::to_owned),
        );
    }
    let mut parsed = Vec::with_capacity(strings.len());
    for s in strings {
        // `>=0.0.0-0` is how node spells "any version" once prereleases are included.
        parsed.push(if s == ">=0.0.0-0" {
            Comparator::ANY
        } else {
            comparator(&s).ok_or_else(|| format!("{s:?} is not a comparator"))?
        });
    }
    if let Some(null) = parsed.iter().find(|c| c.is_null_set()) {
        return Ok(vec![null.clone()]);
    }
    let mut set: Vec<Comparator> = Vec::with_capacity(parsed.len());
    for comparator in parsed {
        if !set.contains(&comparator) {
            set.push(comparator);
        }
    }
    if set.len() > 1 {
        set.retain(|c| !c.is_any());
    }
    if set.is_empty() {
        // An empty part (`1.0.0 ||`) or one of only `*`s is node's ANY.
        set.push(Comparator::ANY);
    }
    Ok(set)
}

/// Removes build metadata (`+build.1`) everywhere, as node does before anything else.
fn strip_build(part: &str) -> String {
    let is_id = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-';
    let bytes = part.as_bytes();
    let mut out = String::with_capacity(part.len());
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes.get(i) != Some(&b'+') || !bytes.get(i + 1).is_some_and(is_id) {
            i += 1;
            continue;
        }
        // `+` then identifiers joined by dots; a dot belongs only if an identifier follows.
        let mut end = i + 1;
        loop {
            while bytes.get(end).is_some_and(is_id) {
                end += 1;
            }
            if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(is_id) {
                end += 1;
            } else {
                break;
            }
        }
        out.push_str(part.get(copied..i).unwrap_or_default());
        copied = end;
        i = end;
    }
    out.push_str(part.get(copied..).unwrap_or_default());
    out
}

/// The parts of an x-range (`XRANGEPLAINLOOSE`): `[v=\s]*M(.m(.p(-pre)?)?)?`.
struct XRange<'a> {
    /// The whole matched text, prefix included (node's hyphen ranges reuse it).
    text: &'a str,
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    pre: &'a str,
}

/// Matches all of `s` as an x-range, or `None`.
fn x_range(s: &str) -> Option<XRange<'_>> {
    let mut cur = Cursor::new(s);
    cur.skip_loose_prefix();
    let major = xid(&mut cur)?;
    let (mut minor, mut patch, mut pre) = ("", "", "");
    if cur.eat(b'.') {
        minor = xid(&mut cur)?;
        if cur.eat(b'.') {
            patch = xid(&mut cur)?;
            let before = cur.pos();
            cur.prerelease(true)?;
            pre = s.get(before..cur.pos()).unwrap_or_default();
            pre = pre.strip_prefix('-').unwrap_or(pre);
            if cur.eat(b'+') {
                cur.identifiers(|_| true)?;
            }
        }
    }
    cur.at_end().then_some(XRange {
        text: s,
        major,
        minor,
        patch,
        pre,
    })
}

/// One x-range identifier: `\d+`, or one `x`, `X` or `*`.
fn xid<'a>(cur: &mut Cursor<'a>) -> Option<&'a str> {
    let digits = cur.run(|b| b.is_ascii_digit());
    if !digits.is_empty() {
        return Some(digits);
    }
    [(b'x', "x"), (b'X', "X"), (b'*', "*")]
        .into_iter()
        .find_map(|(byte, id)| cur.eat(byte).then_some(id))
}

/// node's `isX`: missing, `x`, `X` or `*`.
fn is_x(id: &str) -> bool {
    id.is_empty() || id.eq_ignore_ascii_case("x") || id == "*"
}

/// `+n + 1` on a numeric identifier; an overflow yields a string no comparator accepts.
fn inc(n: &str) -> String {
    n.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_add(1))
        .map_or_else(|| "overflow".to_owned(), |n| n.to_string())
}

/// `1.2.3 - 2.3.4` → `>=1.2.3-0 <2.3.5-0` (node's `hyphenReplace` with includePrerelease).
fn hyphen_replace(part: &str) -> Option<String> {
    let (mut search, mut offset) = (part, 0);
    while let Some(at) = search.find(" - ") {
        let split = offset + at;
        let (left, right) = (part.get(..split)?, part.get(split + 3..)?);
        if let (Some(from), Some(to)) = (x_range(left), x_range(right)) {
            let from = if is_x(from.major) {
                String::new()
            } else if is_x(from.minor) {
                format!(">={}.0.0-0", from.major)
            } else if is_x(from.patch) {
                format!(">={}.{}.0-0", from.major, from.minor)
            } else if !from.pre.is_empty() {
                format!(">={}", from.text)
            } else {
                format!(">={}-0", from.text)
            };
            let to = if is_x(to.major) {
                String::new()
            } else if is_x(to.minor) {
                format!("<{}.0.0-0", inc(to.major))
            } else if is_x(to.patch) {
                format!("<{}.{}.0-0", to.major, inc(to.minor))
            } else if !to.pre.is_empty() {
                format!("<={}.{}.{}-{}", to.major, to.minor, to.patch, to.pre)
            } else {
                format!("<{}.{}.{}-0", to.major, to.minor, inc(to.patch))
            };
            return Some(format!("{from} {to}").trim().to_owned());
        }
        offset = split + 1;
        search = part.get(offset..)?;
    }
    None
}

/// node's trim passes: `>= 1.2.3` → `>=1.2.3`, `~ 1.2` / `~> 1.2` → `~1.2`, `^ 1` → `^1`.
fn trim_operators(part: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut words = part.split(' ').peekable();
    while let Some(word) = words.next() {
        let joins = |next: &str| {
            let rest = next.trim_start_matches(['v', '=']);
            rest.starts_with(|c: char| c.is_ascii_digit() || matches!(c, 'x' | 'X' | '*'))
        };
        let merged = match (word, words.peek()) {
            ("<" | ">" | "<=" | ">=" | "=", Some(next)) if joins(next) => {
                Some(format!("{word}{next}"))
            }
            ("~" | "~>", Some(next)) => Some(format!("~{next}")),
            ("^", Some(next)) => Some(format!("^{next}")),
            _ => None,
        };
        match merged {
            Some(token) => {
                words.next();
                tokens.push(token);
            }
            None => tokens.push(word.to_owned()),
        }
    }
    tokens
}

/// node's `parseComparator`: one token to space-separated primitive comparators.
fn parse_comparator(token: &str) -> String {
    let carets = map_words(token, replace_caret);
    let tildes = map_words(&carets, replace_tilde);
    replace_stars(&map_words(&tildes, replace_x_range))
}

/// Applies `f` to each whitespace-separated word and joins the results with spaces.
fn map_words(s: &str, f: fn(&str) -> String) -> String {
    s.split_whitespace().map(f).collect::<Vec<_>>().join(" ")
}

/// `^1.2.3` → `>=1.2.3 <2.0.0-0`, `^0.1` → `>=0.1.0-0 <0.2.0-0`, … (node's `replaceCaret`).
fn replace_caret(word: &str) -> String {
    let Some(x) = word.strip_prefix('^').and_then(x_range) else {
        return word.to_owned();
    };
    let (ma, mi, pa, pr) = (x.major, x.minor, x.patch, x.pre);
    if is_x(ma) {
        String::new()
    } else if is_x(mi) {
        format!(">={ma}.0.0-0 <{}.0.0-0", inc(ma))
    } else if is_x(pa) {
        if ma == "0" {
            format!(">={ma}.{mi}.0-0 <{ma}.{}.0-0", inc(mi))
        } else {
            format!(">={ma}.{mi}.0-0 <{}.0.0-0", inc(ma))
        }
    } else {
        let low = if pr.is_empty() {
            format!("{ma}.{mi}.{pa}")
        } else {
            format!("{ma}.{mi}.{pa}-{pr}")
        };
        if ma == "0" && mi == "0" {
            format!(">={low} <{ma}.{mi}.{}-0", inc(pa))
        } else if ma == "0" {
            format!(">={low} <{ma}.{}.0-0", inc(mi))
        } else {
            format!(">={low} <{}.0.0-0", inc(ma))
        }
    }
}

/// `~1.2.3` → `>=1.2.3 <1.3.0-0`, `~1` → `>=1.0.0-0 <2.0.0-0`, … (node's `replaceTilde`).
fn replace_tilde(word: &str) -> String {
    let rest = word
        .strip_prefix('~')
        .map(|r| r.strip_prefix('>').unwrap_or(r));
    let Some(x) = rest.and_then(x_range) else {
        return word.to_owned();
    };
    let (ma, mi, pa, pr) = (x.major, x.minor, x.patch, x.pre);
    if is_x(ma) {
        String::new()
    } else if is_x(mi) {
        format!(">={ma}.0.0-0 <{}.0.0-0", inc(ma))
    } else if is_x(pa) {
        format!(">={ma}.{mi}.0-0 <{ma}.{}.0-0", inc(mi))
    } else if !pr.is_empty() {
        format!(">={ma}.{mi}.{pa}-{pr} <{ma}.{}.0-0", inc(mi))
    } else {
        format!(">={ma}.{mi}.{pa} <{ma}.{}.0-0", inc(mi))
    }
}

/// `1.x` → `>=1.0.0-0 <2.0.0-0`, `>1.2` → `>=1.3.0-0`, `<=1` → `<2.0.0-0`, … (node's
/// `replaceXRange` with includePrerelease).
fn replace_x_range(word: &str) -> String {
    let op_len = match word.as_bytes() {
        [b'<' | b'>', b'=', ..] => 2,
        [b'<' | b'>' | b'=', ..] => 1,
        _ => 0,
    };
    let (op, rest) = word.split_at(op_len);
    let Some(x) = x_range(rest) else {
        return word.to_owned();
    };
    let (xm, xn, xp) = (
        is_x(x.major),
        is_x(x.major) || is_x(x.minor),
        is_x(x.major) || is_x(x.minor) || is_x(x.patch),
    );
    // node leaves `x.1` and `1.x.3` alone (and then fails to read them).
    if (is_x(x.major) && !is_x(x.minor)) || (is_x(x.minor) && !x.patch.is_empty() && !is_x(x.patch))
    {
        return word.to_owned();
    }
    let op = if op == "=" && xp { "" } else { op };
    if xm {
        return if op == ">" || op == "<" {
            "<0.0.0-0".to_owned()
        } else {
            "*".to_owned()
        };
    }
    if !op.is_empty() && xp {
        let (mut major, mut minor) = (
            x.major.to_owned(),
            if xn {
                "0".to_owned()
            } else {
                x.minor.to_owned()
            },
        );
        let op = match op {
            ">" => {
                if xn {
                    major = inc(&major);
                } else {
                    minor = inc(&minor);
                }
                ">="
            }
            "<=" => {
                if xn {
                    major = inc(&major);
                } else {
                    minor = inc(&minor);
                }
                "<"
            }
            other => other,
        };
        return format!("{op}{major}.{minor}.0-0");
    }
    if xn {
        format!(">={}.0.0-0 <{}.0.0-0", x.major, inc(x.major))
    } else if xp {
        format!(
            ">={}.{}.0-0 <{}.{}.0-0",
            x.major,
            x.minor,
            x.major,
            inc(x.minor)
        )
    } else {
        word.to_owned()
    }
}

/// Removes the first `*` (with any operator before it): node's `replaceStars`.
fn replace_stars(s: &str) -> String {
    let s = s.trim();
    let bytes = s.as_bytes();
    for start in 0..bytes.len() {
        let mut i = start;
        if matches!(bytes.get(i), Some(b'<' | b'>')) {
            i += 1;
        }
        if bytes.get(i) == Some(&b'=') {
            i += 1;
        }
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
        if bytes.get(i) == Some(&b'*') {
            return format!(
                "{}{}",
                s.get(..start).unwrap_or_default(),
                s.get(i + 1..).unwrap_or_default()
            );
        }
    }
    s.to_owned()
}

/// Reads one desugared comparator (`COMPARATORLOOSE`): an operator, then a loose version.
fn comparator(s: &str) -> Option<Comparator> {
    let (op, rest) = if let Some(rest) = s.strip_prefix("<=") {
        (Op::Le, rest)
    } else if let Some(rest) = s.strip_prefix(">=") {
        (Op::Ge, rest)
    } else if let Some(rest) = s.strip_prefix('<') {
        (Op::Lt, rest)
    } else if let Some(rest) = s.strip_prefix('>') {
        (Op::Gt, rest)
    } else {
        (Op::Eq, s.strip_prefix('=').unwrap_or(s))
    };
    // Anything left before the version must be the loose prefix `[v=]*`, which the loose
    // parser skips; an operator there (`>=<1`) is not a comparator.
    if rest.starts_with(['<', '>']) {
        return None;
    }
    parse_loose(rest).map(|version| Comparator {
        op,
        version: Some(version),
    })
}
