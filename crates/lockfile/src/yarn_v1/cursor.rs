//! A position in one line of a yarn v1 lockfile, and the tokens read from it: quoted strings
//! (JSON escapes) and bare words, with 1-based columns for errors.

use std::borrow::Cow;

use crate::ParseError;

/// A position in one line.
pub(super) struct Cursor<'a> {
    pub(super) line: &'a str,
    pub(super) pos: usize,
    pub(super) line_no: usize,
}

impl<'a> Cursor<'a> {
    fn column(&self) -> usize {
        self.line.get(..self.pos).map_or(0, |s| s.chars().count()) + 1
    }

    pub(super) fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError::at(self.line_no, self.column(), message)
    }

    fn rest(&self) -> &'a str {
        self.line.get(self.pos..).unwrap_or_default()
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(super) fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    pub(super) fn skip_spaces(&mut self) -> usize {
        let n = self.rest().len() - self.rest().trim_start_matches([' ', '\t']).len();
        self.pos += n;
        n
    }

    pub(super) fn expect_end(&mut self, context: &str) -> Result<(), ParseError> {
        self.skip_spaces();
        match self.peek() {
            None => Ok(()),
            Some(c) => Err(self.err(format!("unexpected {c:?} {context}; expected end of line"))),
        }
    }

    /// A quoted string (JSON escapes) or a bare word, and its column.
    pub(super) fn token(&mut self, what: &str) -> Result<(Cow<'a, str>, usize), ParseError> {
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
