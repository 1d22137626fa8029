//! Errors: every one names the file, and where known the line and column, and what was expected.

use std::path::PathBuf;

use crate::FormatFamily;

/// A lockfile could not be found, read or understood. Callers exit 2 on any of these.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file exists but could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Larger than [`crate::MAX_LOCKFILE_BYTES`].
    #[error("{}: file is {size} bytes, over the {limit}-byte limit for a lockfile; refusing to read it", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A directory where a lockfile was expected.
    #[error("{}: is a directory, expected a lockfile (or a node_modules directory)", path.display())]
    IsDirectory {
        /// The path.
        path: PathBuf,
    },
    /// Neither name nor content says which lockfile format this is.
    #[error("{}: not a lockfile format Portcullis knows: {reason}", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was seen instead.
        reason: String,
    },
    /// The format is known but the content is malformed or unsupported.
    #[error("{}{}: invalid {format} lockfile: {error}", path.display(), error.location())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The detected format family.
        format: FormatFamily,
        /// What went wrong, and where.
        error: ParseError,
    },
    /// Readable, but refused: over a safety limit, or a layout Portcullis will not read.
    #[error("{}: {reason}", path.display())]
    Refused {
        /// The file or folder.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: String,
    },
    /// A package.json that is not valid.
    #[error("{}{}: invalid package.json: {error}", path.display(), error.location())]
    Manifest {
        /// The package.json.
        path: PathBuf,
        /// What went wrong, and where.
        error: ParseError,
    },
    /// No lockfile in a directory.
    #[error("{}: no lockfile found (looked for {looked_for}); run your package manager's install to create one, or pass --lockfile PATH", dir.display())]
    NotFound {
        /// The directory searched.
        dir: PathBuf,
        /// The file names tried.
        looked_for: String,
    },
}

/// A parse failure inside a file, before the file's path is known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What went wrong and what was expected.
    pub message: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
}

impl ParseError {
    /// An error with no position.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// An error at a 1-based line and column.
    pub fn at(line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    /// An error at a byte offset into `text`.
    pub fn at_offset(text: &[u8], offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Self::at(line, column, message)
    }

    /// From a serde_json error, which knows its line and column.
    pub fn from_json(e: &serde_json::Error) -> Self {
        let message = strip_json_position(&e.to_string());
        if e.line() == 0 {
            Self::new(message)
        } else {
            Self::at(e.line(), e.column(), message)
        }
    }

    /// `:line:column` (or `:line`, or nothing) for messages.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            (Some(l), None) => format!(":{l}"),
            _ => String::new(),
        }
    }

    /// Attaches the package.json this error came from.
    pub fn for_manifest(self, path: &std::path::Path) -> Error {
        Error::Manifest {
            path: path.to_owned(),
            error: self,
        }
    }

    /// Attaches the file this error came from.
    pub fn with_path(self, path: &std::path::Path, format: FormatFamily) -> Error {
        Error::Parse {
            path: path.to_owned(),
            format,
            error: self,
        }
    }
}

/// serde_json appends " at line X column Y"; we print the position ourselves.
fn strip_json_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_to_line_column() {
        let e = ParseError::at_offset(b"ab\ncd\nef", 4, "x");
        assert_eq!((e.line, e.column), (Some(2), Some(2)));
        assert_eq!(e.location(), ":2:2");
        assert_eq!(ParseError::new("x").location(), "");
    }

    #[test]
    fn json_errors_keep_position() {
        let err = serde_json::from_str::<serde_json::Value>("{\n  \"a\": ,\n}").unwrap_err();
        let e = ParseError::from_json(&err);
        assert_eq!(e.line, Some(2));
        assert!(!e.message.contains("at line"), "{}", e.message);
    }
}
