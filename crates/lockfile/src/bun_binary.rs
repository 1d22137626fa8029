//! Placeholder while the bun.lockb reader is being written.

use crate::{Lockfile, ParseError};

pub(crate) fn parse(_bytes: &[u8]) -> Result<Lockfile, ParseError> {
    Err(ParseError::new("this format is not supported yet"))
}
