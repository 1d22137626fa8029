//! Placeholder while the bun parser is being written; refuses the file with exit 2.

use crate::{Lockfile, ParseError};

pub(crate) fn parse(_text: &str) -> Result<Lockfile, ParseError> {
    Err(ParseError::new("this format is not supported yet"))
}
