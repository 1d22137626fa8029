//! Bounds-checked little-endian reads of bun.lockb bytes, and the `[start, end)`-framed arrays
//! Bun writes with a type line naming their element size. Every failure is an error at a byte
//! offset saying what was expected, never a panic or an out-of-bounds read.

use std::fmt::Display;

use super::CONVERT_HINT;
use crate::ParseError;

pub(super) fn err(offset: usize, message: impl Display) -> ParseError {
    ParseError::new(format!("at byte {offset}: {message}"))
}

/// One framed buffer: where its elements are.
#[derive(Clone, Copy, Debug)]
pub(super) struct Array {
    pub(super) start: usize,
    pub(super) len: usize,
    pub(super) elem: usize,
}

impl Array {
    pub(super) fn count(self) -> usize {
        self.len / self.elem.max(1)
    }
}

/// Reads one `[start, end)`-framed array at `pos`; returns it and where the next one starts.
/// `elem` is the element size Portcullis expects (checked against the size Bun wrote in the
/// array's type line, so a layout change is refused rather than misread).
pub(super) fn read_array(
    r: &Reader<'_>,
    pos: usize,
    elem: Option<usize>,
    what: &str,
) -> Result<(Array, usize), ParseError> {
    let start = r.usize(pos, what)?;
    let end = r.usize(pos + 8, what)?;
    let data_from = pos + 16;
    if start < data_from || start > end || end > r.limit {
        return Err(err(
            pos,
            format!(
                "{what}: range {start}..{end} is not inside the file's data ({data_from}..{})",
                r.limit
            ),
        ));
    }
    let Some(elem) = elem else {
        return Ok((
            Array {
                start,
                len: end - start,
                elem: 1,
            },
            end,
        ));
    };
    if let Some(declared) = declared_size(r.bytes.get(data_from..start).unwrap_or_default())
        && declared != elem
    {
        return Err(err(
            data_from,
            format!(
                "{what}: elements are {declared} bytes, Portcullis reads {elem}-byte elements; {CONVERT_HINT}"
            ),
        ));
    }
    if !(end - start).is_multiple_of(elem) {
        return Err(err(
            pos,
            format!(
                "{what}: {} bytes is not a whole number of {elem}-byte elements",
                end - start
            ),
        ));
    }
    Ok((
        Array {
            start,
            len: end - start,
            elem,
        },
        end,
    ))
}

/// The element size in Bun's array type line, `\n<u32> 4 sizeof, 4 alignof\n` (then padding).
fn declared_size(prefix: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(prefix.split(|&b| b == 0).next()?).ok()?;
    let (_, after_type) = text.split_once("> ")?;
    after_type.split_once(" sizeof")?.0.parse().ok()
}

/// Bounds-checked little-endian reads below `limit`.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) limit: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn get(&self, at: usize, len: usize, what: &str) -> Result<&'a [u8], ParseError> {
        at.checked_add(len)
            .filter(|&end| end <= self.limit)
            .and_then(|end| self.bytes.get(at..end))
            .ok_or_else(|| {
                err(
                    at,
                    format!(
                        "the file ends inside {what} ({len} bytes needed, {} left): it is truncated or corrupt",
                        self.limit.saturating_sub(at)
                    ),
                )
            })
    }

    pub(super) fn array<const N: usize>(
        &self,
        at: usize,
        what: &str,
    ) -> Result<[u8; N], ParseError> {
        let b = self.get(at, N, what)?;
        let mut out = [0; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    pub(super) fn u8(&self, at: usize, what: &str) -> Result<u8, ParseError> {
        Ok(self.array::<1>(at, what)?[0])
    }

    pub(super) fn u16(&self, at: usize, what: &str) -> Result<u16, ParseError> {
        Ok(u16::from_le_bytes(self.array(at, what)?))
    }

    pub(super) fn u32(&self, at: usize, what: &str) -> Result<u32, ParseError> {
        Ok(u32::from_le_bytes(self.array(at, what)?))
    }

    pub(super) fn u64(&self, at: usize, what: &str) -> Result<u64, ParseError> {
        Ok(u64::from_le_bytes(self.array(at, what)?))
    }

    /// A u64 used as a file offset or size: must fit in memory.
    pub(super) fn usize(&self, at: usize, what: &str) -> Result<usize, ParseError> {
        let v = self.u64(at, what)?;
        usize::try_from(v).map_err(|_| err(at, format!("{what} is {v}, beyond any file")))
    }
}
