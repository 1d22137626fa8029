//! The line-by-line reader of yarn v1's indentation syntax: block headers, two-space fields and
//! four-space dependency maps, each checked strictly and refused with its line and column.

use std::borrow::Cow;
use std::collections::BTreeMap;

use portcullis_types::DepKind;

use super::cursor::Cursor;
use crate::ParseError;

/// One block as written, before it becomes a [`Package`].
pub(super) struct Block<'a> {
    pub(super) line: usize,
    /// The header without its final `:`, as written.
    pub(super) location: &'a str,
    pub(super) descriptors: Vec<Cow<'a, str>>,
    pub(super) version: Option<Value<'a>>,
    pub(super) resolved: Option<Value<'a>>,
    pub(super) integrity: Option<Value<'a>>,
    pub(super) deps: Vec<RawDep<'a>>,
}

/// A field value and where it was written, for error positions.
pub(super) struct Value<'a> {
    pub(super) text: Cow<'a, str>,
    line: usize,
    column: usize,
}

impl Value<'_> {
    pub(super) fn err(&self, e: ParseError) -> ParseError {
        ParseError::at(self.line, self.column, e.message)
    }
}

pub(super) struct RawDep<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) req: Cow<'a, str>,
    pub(super) kind: DepKind,
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
pub(super) struct Parser<'a> {
    blocks: Vec<Block<'a>>,
    section: Section,
    /// Fields we skip, by name, with how often (said out loud in the notes).
    unknown: BTreeMap<String, usize>,
    saw_header: bool,
    written_by_bun: bool,
}

pub(super) struct Parsed<'a> {
    pub(super) blocks: Vec<Block<'a>>,
    pub(super) notes: Vec<String>,
    pub(super) saw_header: bool,
    pub(super) written_by_bun: bool,
}

impl<'a> Parser<'a> {
    pub(super) fn run(mut self, text: &'a str) -> Result<Parsed<'a>, ParseError> {
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
