//! yarn.lock classic (v1), including the yarn-v1 text bun prints for `bun ./bun.lockb`.
//!
//! The format is not YAML but a small indentation syntax: blocks keyed by one or more
//! comma-separated descriptors (`"a@^1", a@^1.2:`), two-space fields (`version "1.2.3"`) and
//! four-space dependency maps. It is read line by line, strictly: anything else is an error
//! with its line and column. One block is one resolved package; an edge `name range` resolves
//! to the block whose descriptor list contains `name@range`. yarn v1 does not record the
//! project's own dependencies, so importers come from package.json files (or are inferred).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use portcullis_types::{DepKind, Source};

use crate::spec;
use crate::{
    Dependency, Format, Lockfile, Manifest, Package, ParseError, Target, UnresolvedReason,
    importers,
};

pub(crate) fn parse(text: &str, manifests: &[Manifest]) -> Result<Lockfile, ParseError> {
    let Parsed {
        blocks,
        mut notes,
        saw_header,
        written_by_bun,
    } = Parser::default().run(text)?;
    if blocks.is_empty() && !saw_header {
        return Err(ParseError::new(
            "no package blocks and no \"# yarn lockfile v1\" header; expected a yarn v1 lockfile",
        ));
    }
    let (index, duplicates) = descriptor_index(&blocks);
    notes.extend(duplicates);
    let mut packages = blocks
        .iter()
        .map(block_package)
        .collect::<Result<Vec<_>, _>>()?;
    let resolver = Resolver {
        index,
        by_name: blocks_by_name(&blocks),
        local: packages
            .iter()
            .map(|p| matches!(p.source, Source::File { .. } | Source::Link { .. }))
            .collect(),
        manifests,
        written_by_bun,
    };

    let mut buf = String::new();
    let mut guesses = Guesses::default();
    let edges: Vec<Vec<Dependency>> = blocks
        .iter()
        .map(|block| {
            block
                .deps
                .iter()
                .map(|d| Dependency {
                    name: d.name.to_string(),
                    req: d.req.to_string(),
                    kind: d.kind,
                    target: resolver.target(&mut buf, d, &mut guesses),
                })
                .collect()
        })
        .collect();
    for (p, e) in packages.iter_mut().zip(edges) {
        p.dependencies = e;
    }
    guesses.into_notes(&mut notes);

    let importers = importers::from_manifests(
        manifests,
        &packages,
        |name, req| resolver.package(&mut String::new(), name, req),
        &mut notes,
    )?;
    Ok(Lockfile {
        format: Format::YarnV1,
        importers,
        entries: blocks.len(),
        packages,
        notes,
    })
}

/// Resolves `name range` edges to blocks.
struct Resolver<'b> {
    /// descriptor → block index.
    index: HashMap<&'b str, usize>,
    /// Blocks by every name they are keyed by (real or alias).
    by_name: HashMap<&'b str, Vec<usize>>,
    /// Per block: a `file:`/`link:` package.
    local: Vec<bool>,
    manifests: &'b [Manifest],
    written_by_bun: bool,
}

/// Edges resolved by a documented fallback rather than an exact descriptor, for the notes.
#[derive(Default)]
struct Guesses {
    assumed_members: BTreeSet<String>,
    bun_unlisted: BTreeSet<String>,
}

impl Guesses {
    fn into_notes(self, notes: &mut Vec<String>) {
        let list = |s: BTreeSet<String>| s.into_iter().collect::<Vec<_>>().join(", ");
        if !self.assumed_members.is_empty() {
            notes.push(format!(
                "{} dependency name(s) have no block in this yarn.lock; yarn v1 does not lock workspace members and no package.json was found to tell, so they are taken to be workspace members: {}",
                self.assumed_members.len(),
                list(self.assumed_members)
            ));
        }
        if !self.bun_unlisted.is_empty() {
            notes.push(format!(
                "{} dependency descriptor(s) are missing from the block headers bun printed; each resolves to the only block of its name: {}",
                self.bun_unlisted.len(),
                list(self.bun_unlisted)
            ));
        }
    }
}

impl Resolver<'_> {
    /// The block for `name@req`, reusing `buf` for the lookup key.
    fn package(&self, buf: &mut String, name: &str, req: &str) -> Option<usize> {
        self.exact(buf, name, req)
            // An alias `x "npm:real@range"` is the same resolution as `real@range`; bun's
            // printer keys the block only by the latter.
            .or_else(|| spec::npm_alias(req).and_then(|(real, range)| self.exact(buf, real, range)))
            .or_else(|| self.local_fallback(name, req))
    }

    fn exact(&self, buf: &mut String, name: &str, req: &str) -> Option<usize> {
        buf.clear();
        buf.push_str(name);
        buf.push('@');
        buf.push_str(req);
        self.index.get(buf.as_str()).copied()
    }

    fn target(&self, buf: &mut String, d: &RawDep<'_>, guesses: &mut Guesses) -> Target {
        if let Some(i) = self.package(buf, &d.name, &d.req) {
            return Target::Package(i);
        }
        if let Some(w) = workspace_member(self.manifests, &d.name) {
            return w;
        }
        let same_name = self.by_name.get(d.name.as_ref()).map(Vec::as_slice);
        // bun's yarn printer leaves some requested ranges out of the block headers (a block
        // keyed `type-check@^0.4.0` also serves `type-check "~0.4.0"`). bun installs one
        // version per name unless ranges conflict, so the only block of the name is the one.
        if self.written_by_bun
            && let Some([only]) = same_name
        {
            guesses.bun_unlisted.insert(format!("{}@{}", d.name, d.req));
            return Target::Package(*only);
        }
        if d.kind == DepKind::Optional {
            return Target::Unresolved(UnresolvedReason::NotInstalled);
        }
        // yarn v1 links workspace members instead of locking them, so a dependency on one has
        // no block. Without package.json files we cannot list the members, but a name no block
        // is keyed by at all cannot be a stale registry entry (yarn would have locked some
        // version of it): take it as a member, and say so in the notes. A name that is locked
        // but not at this range is a genuinely missing entry.
        if self.manifests.is_empty() && same_name.is_none() {
            guesses.assumed_members.insert(d.name.to_string());
            return Target::Unresolved(UnresolvedReason::NotInstalled);
        }
        Target::Unresolved(UnresolvedReason::Missing)
    }

    /// yarn v1 rewrites a local package's own `file:` dependencies relative to where it
    /// copied that package (often yarn's cache folder), while the block it resolved to is keyed
    /// by the path relative to the project. So a `file:`/`link:` request that matches no
    /// descriptor resolves to the one local block of that name, if there is exactly one.
    fn local_fallback(&self, name: &str, req: &str) -> Option<usize> {
        if !(req.starts_with("file:") || req.starts_with("link:")) {
            return None;
        }
        let mut local = self
            .by_name
            .get(name)?
            .iter()
            .filter(|&&i| self.local.get(i).copied().unwrap_or(false));
        match (local.next(), local.next()) {
            (Some(&only), None) => Some(only),
            _ => None,
        }
    }
}

/// Block indices by each name a block is keyed by.
fn blocks_by_name<'b>(blocks: &'b [Block<'_>]) -> HashMap<&'b str, Vec<usize>> {
    let mut out: HashMap<&str, Vec<usize>> = HashMap::with_capacity(blocks.len());
    for (i, b) in blocks.iter().enumerate() {
        for d in &b.descriptors {
            let list = out.entry(spec::split_spec(d).0).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    out
}

/// One block as written, before it becomes a [`Package`].
struct Block<'a> {
    line: usize,
    /// The header without its final `:`, as written.
    location: &'a str,
    descriptors: Vec<Cow<'a, str>>,
    version: Option<Value<'a>>,
    resolved: Option<Value<'a>>,
    integrity: Option<Value<'a>>,
    deps: Vec<RawDep<'a>>,
}

/// A field value and where it was written, for error positions.
struct Value<'a> {
    text: Cow<'a, str>,
    line: usize,
    column: usize,
}

impl Value<'_> {
    fn err(&self, e: ParseError) -> ParseError {
        ParseError::at(self.line, self.column, e.message)
    }
}

struct RawDep<'a> {
    name: Cow<'a, str>,
    req: Cow<'a, str>,
    kind: DepKind,
}

/// Which four-space map the parser is inside.
#[derive(Clone, Copy, PartialEq, Default)]
enum Section {
    #[default]
    None,
    Deps(DepKind),
    /// A map we do not model (noted once).
    Ignored,
}

#[derive(Default)]
struct Parser<'a> {
    blocks: Vec<Block<'a>>,
    section: Section,
    /// Fields we skip, by name, with how often (said out loud in the notes).
    unknown: BTreeMap<String, usize>,
    saw_header: bool,
    written_by_bun: bool,
}

struct Parsed<'a> {
    blocks: Vec<Block<'a>>,
    notes: Vec<String>,
    saw_header: bool,
    written_by_bun: bool,
}

impl<'a> Parser<'a> {
    fn run(mut self, text: &'a str) -> Result<Parsed<'a>, ParseError> {
        for (i, raw) in text.split('\n').enumerate() {
            let line_no = i + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let content = line.trim_start_matches(' ');
            let indent = line.len() - content.len();
            if content.trim().is_empty() {
                continue;
            }
            if content.starts_with('\t') {
                return Err(ParseError::at(
                    line_no,
                    indent + 1,
                    "tab in indentation; yarn.lock indents with 2 or 4 spaces",
                ));
            }
            if content.starts_with('#') {
                self.comment(content, line_no)?;
                continue;
            }
            let mut cur = Cursor {
                line,
                pos: indent,
                line_no,
            };
            match indent {
                0 => self.header(&mut cur)?,
                2 => self.field(&mut cur)?,
                4 => self.dep(&mut cur)?,
                _ => {
                    return Err(cur.err(format!(
                        "unexpected indentation of {indent} spaces; expected 0 (block header), 2 (field) or 4 (dependency)"
                    )));
                }
            }
        }
        let mut notes = Vec::new();
        for (field, count) in &self.unknown {
            notes.push(format!(
                "yarn.lock field {field:?} (in {count} block(s)) is not used by Portcullis and was skipped"
            ));
        }
        Ok(Parsed {
            blocks: self.blocks,
            notes,
            saw_header: self.saw_header,
            written_by_bun: self.written_by_bun,
        })
    }

    fn comment(&mut self, content: &str, line_no: usize) -> Result<(), ParseError> {
        if let Some(v) = content.strip_prefix("# yarn lockfile v") {
            if v.trim() != "1" {
                return Err(ParseError::at(
                    line_no,
                    1,
                    format!(
                        "unsupported yarn lockfile version v{}: Portcullis reads yarn lockfile v1 (yarn 2+ lockfiles start with __metadata)",
                        v.trim()
                    ),
                ));
            }
            self.saw_header = true;
        } else if content.starts_with("# bun ./bun.lockb") {
            self.saw_header = true;
            self.written_by_bun = true;
        }
        Ok(())
    }

    /// `"a@^1", a@^1.2:` opens a block.
    fn header(&mut self, cur: &mut Cursor<'a>) -> Result<(), ParseError> {
        if cur.peek().is_some_and(|c| c == '{' || c == '[') {
            return Err(cur.err(
                "this looks like JSON (package-lock.json or bun.lock?), not a yarn v1 lockfile",
            ));
        }
        let mut descriptors = Vec::new();
        loop {
            let (d, _) = cur.token("a package descriptor such as lodash@^4.17.21")?;
            if d == "__metadata" {
                return Err(cur.err(
                    "this is a yarn berry (yarn 2+) lockfile (it has __metadata), not yarn v1",
                ));
            }
            descriptors.push(d);
            cur.skip_spaces();
            match cur.peek() {
                Some(',') => {
                    cur.bump();
                    cur.skip_spaces();
                }
                Some(':') => {
                    cur.bump();
                    cur.expect_end("after the ':' that ends a block header")?;
                    break;
                }
                _ => {
                    return Err(cur.err(
                        "expected ',' or ':' after a descriptor in a block header (`name@range:`)",
                    ));
                }
            }
        }
        let location = cur.line.trim_end();
        let location = location.strip_suffix(':').unwrap_or(location);
        self.blocks.push(Block {
            line: cur.line_no,
            location,
            descriptors,
            version: None,
            resolved: None,
            integrity: None,
            deps: Vec::new(),
        });
        self.section = Section::None;
        Ok(())
    }

    /// `  version "1.2.3"` or `  dependencies:`.
    fn field(&mut self, cur: &mut Cursor<'a>) -> Result<(), ParseError> {
        let line_no = cur.line_no;
        let Some(block) = self.blocks.last_mut() else {
            return Err(cur.err("indented field before any block header"));
        };
        let (key, key_col) = cur.token("a field name such as version")?;
        if cur.peek() == Some(':') {
            cur.bump();
            cur.expect_end("after the ':' that opens a map")?;
            let kind = match key.as_ref() {
                "dependencies" => Section::Deps(DepKind::Prod),
                "optionalDependencies" => Section::Deps(DepKind::Optional),
                other => {
                    *self.unknown.entry(other.to_owned()).or_default() += 1;
                    Section::Ignored
                }
            };
            if let Section::Deps(k) = kind
                && block.deps.iter().any(|d| d.kind == k)
            {
                return Err(ParseError::at(
                    line_no,
                    key_col,
                    format!("duplicate {key:?} map in this block"),
                ));
            }
            self.section = kind;
            return Ok(());
        }
        self.section = Section::None;
        if cur.skip_spaces() == 0 {
            return Err(cur.err(format!(
                "expected a space and a value after field name {key:?}, or ':' to open a map"
            )));
        }
        let (text, column) = cur.token("a field value")?;
        cur.expect_end("after the field value")?;
        let value = Value {
            text,
            line: line_no,
            column,
        };
        let slot = match key.as_ref() {
            "version" => &mut block.version,
            "resolved" => &mut block.resolved,
            "integrity" => &mut block.integrity,
            // yarn's cache uid: says nothing about the package.
            "uid" => return Ok(()),
            other => {
                *self.unknown.entry(other.to_owned()).or_default() += 1;
                return Ok(());
            }
        };
        if slot.is_some() {
            return Err(ParseError::at(
                line_no,
                key_col,
                format!("duplicate field {key:?} in this block"),
            ));
        }
        *slot = Some(value);
        Ok(())
    }

    /// `    name "range"` inside a dependencies map.
    fn dep(&mut self, cur: &mut Cursor<'a>) -> Result<(), ParseError> {
        let kind = match self.section {
            Section::Deps(kind) => kind,
            Section::Ignored => return Ok(()),
            Section::None => {
                return Err(cur.err(
                    "4-space indented entry outside a dependencies: or optionalDependencies: map",
                ));
            }
        };
        let (name, _) = cur.token("a dependency name")?;
        if cur.skip_spaces() == 0 {
            return Err(cur.err(format!(
                "expected a space and a version range after dependency {name:?}"
            )));
        }
        let (req, _) = cur.token("a version range")?;
        cur.expect_end("after the dependency's range")?;
        if let Some(block) = self.blocks.last_mut() {
            block.deps.push(RawDep { name, req, kind });
        }
        Ok(())
    }
}

/// A position in one line.
struct Cursor<'a> {
    line: &'a str,
    pos: usize,
    line_no: usize,
}

impl<'a> Cursor<'a> {
    fn column(&self) -> usize {
        self.line.get(..self.pos).map_or(0, |s| s.chars().count()) + 1
    }

    fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError::at(self.line_no, self.column(), message)
    }

    fn rest(&self) -> &'a str {
        self.line.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn skip_spaces(&mut self) -> usize {
        let n = self.rest().len() - self.rest().trim_start_matches([' ', '\t']).len();
        self.pos += n;
        n
    }

    fn expect_end(&mut self, context: &str) -> Result<(), ParseError> {
        self.skip_spaces();
        match self.peek() {
            None => Ok(()),
            Some(c) => Err(self.err(format!("unexpected {c:?} {context}; expected end of line"))),
        }
    }

    /// A quoted string (JSON escapes) or a bare word, and its column.
    fn token(&mut self, what: &str) -> Result<(Cow<'a, str>, usize), ParseError> {
        let column = self.column();
        let rest = self.rest();
        if rest.starts_with('"') {
            let bytes = rest.as_bytes();
            let mut i = 1;
            let mut escaped = false;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'\\' => {
                        escaped = true;
                        i += 2;
                        continue;
                    }
                    b'"' => break,
                    _ => i += 1,
                }
            }
            if i >= bytes.len() {
                return Err(self.err(format!(
                    "unterminated string: expected {what} ending in '\"'"
                )));
            }
            let quoted = &rest[..=i];
            let text = if escaped {
                Cow::Owned(
                    serde_json::from_str::<String>(quoted)
                        .map_err(|e| self.err(format!("invalid escape in string: {e}")))?,
                )
            } else {
                Cow::Borrowed(&rest[1..i])
            };
            self.pos += i + 1;
            return Ok((text, column));
        }
        let end = rest.find([' ', '\t', ',', ':', '"']).unwrap_or(rest.len());
        if end == 0 {
            return Err(self.err(format!(
                "expected {what}, found {:?}",
                rest.chars().next().unwrap_or(' ')
            )));
        }
        self.pos += end;
        Ok((Cow::Borrowed(&rest[..end]), column))
    }
}

/// descriptor → block index, and notes on descriptors that key several blocks. bun's yarn
/// printer writes such duplicates (`"@types/node@*"` on two blocks); yarn's own parser keeps
/// the last block for a repeated key, and so do we. Both blocks stay packages.
fn descriptor_index<'b>(blocks: &'b [Block<'_>]) -> (HashMap<&'b str, usize>, Vec<String>) {
    let mut index = HashMap::with_capacity(blocks.len() * 2);
    let mut repeated = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        for d in &b.descriptors {
            if let Some(prev) = index.insert(d.as_ref(), i)
                && prev != i
            {
                let prev_line = blocks.get(prev).map_or(0, |p| p.line);
                repeated.push(format!("{d:?} (lines {prev_line} and {})", b.line));
            }
        }
    }
    let notes = if repeated.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "{} descriptor(s) key more than one block; as yarn does, dependencies on them resolve to the last block: {}",
            repeated.len(),
            repeated.join(", ")
        )]
    };
    (index, notes)
}

fn block_package(b: &Block<'_>) -> Result<Package, ParseError> {
    let at_header = |e: ParseError| ParseError::at(b.line, 1, e.message);
    let first = b.descriptors.first().map_or("", |d| d.as_ref());
    let (installed, range) = spec::split_spec(first);
    let (real, real_range) = spec::npm_alias(range).unwrap_or((installed, range));
    let ctx = format!("block {:?}", b.location);
    let name = spec::name(real, &ctx).map_err(at_header)?;
    let Some(version) = &b.version else {
        return Err(at_header(ParseError::new(format!(
            "{ctx} has no \"version\" field"
        ))));
    };
    let version = spec::version(&version.text, &ctx).map_err(|e| version.err(e))?;
    let source = match &b.resolved {
        Some(r) => spec::source_from_resolved(&r.text),
        None => source_from_range(real_range),
    };
    let mut pkg = Package::new(name, version, source, b.location);
    pkg.integrity = b
        .integrity
        .as_ref()
        .map(|i| spec::integrity(&i.text, &ctx).map_err(|e| i.err(e)))
        .transpose()?;
    pkg.alias = common_alias(&b.descriptors, real);
    Ok(pkg)
}

/// The source a descriptor's range implies when the block records no `resolved` URL.
fn source_from_range(range: &str) -> Source {
    let local_or_url = ["file:", "link:", "http://", "https://"];
    if spec::git_source(range).is_some() || local_or_url.iter().any(|p| range.starts_with(p)) {
        spec::source_from_resolved(range)
    } else {
        Source::Registry { url: None }
    }
}

/// The alias every descriptor installs the package under, when they all agree on one that is
/// not the real name. A block reached both by its real name and by an alias has no one alias;
/// the edges still carry the name each dependent declared.
fn common_alias(descriptors: &[Cow<'_, str>], real: &str) -> Option<String> {
    let mut names = descriptors.iter().map(|d| spec::split_spec(d).0);
    let first = names.next()?;
    (first != real && names.all(|n| n == first)).then(|| first.to_owned())
}

/// yarn v1 links workspace members instead of locking them: a package's dependency on a
/// member has no block of its own.
fn workspace_member(manifests: &[Manifest], name: &str) -> Option<Target> {
    manifests
        .iter()
        .position(|m| m.path != "." && m.name.as_deref() == Some(name))
        .map(Target::Importer)
}

#[cfg(test)]
mod tests;
