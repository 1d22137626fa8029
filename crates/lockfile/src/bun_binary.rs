//! Placeholder while the bun.lockb reader is being written.

use crate::{Lockfile, Manifest, ParseError};

pub(crate) fn parse(_bytes: &[u8], _manifests: &[Manifest]) -> Result<Lockfile, ParseError> {
    Err(ParseError::new("this format is not supported yet"))
}
