//! Bun's 8-byte strings (inline or pointing into the string bytes), and the text built from
//! binary fields: semver versions as Bun prints them, platform lists from bit masks, and the
//! base64 of integrity digests.

use super::reader::{Reader, err};
use crate::ParseError;

/// Bun's 8-byte strings, resolved against the string bytes buffer.
pub(super) struct Strings<'a> {
    pub(super) buf: &'a [u8],
    /// File offset of `buf`, for error messages.
    pub(super) base: usize,
}

impl<'a> Strings<'a> {
    pub(super) fn get(&self, r: &Reader<'a>, at: usize) -> Result<&'a str, ParseError> {
        let raw = r.get(at, 8, "a string")?;
        let bytes =
            if raw[7] & 0x80 == 0 {
                let len = raw.iter().position(|&b| b == 0).unwrap_or(8);
                &raw[..len]
            } else {
                let v = u64::from_le_bytes(r.array(at, "a string")?) & !(1 << 63);
                let off = (v & 0xffff_ffff) as usize;
                let len = (v >> 32) as usize;
                off.checked_add(len).and_then(|end| self.buf.get(off..end)).ok_or_else(|| {
                err(
                    at,
                    format!(
                        "string points at {off}..{} of the {}-byte string buffer (at byte {})",
                        off.saturating_add(len),
                        self.buf.len(),
                        self.base
                    ),
                )
            })?
            };
        std::str::from_utf8(bytes).map_err(|_| err(at, "string is not valid UTF-8"))
    }
}

/// A semver version as Bun prints it: `major.minor.patch[-pre][+build]`. Format 2 stores the
/// numbers as `u32` then 4 padding bytes; format 3 as `u64`. Tags are 16-byte extern strings.
pub(super) fn format_semver(
    r: &Reader<'_>,
    strings: &Strings<'_>,
    at: usize,
    version: u32,
) -> Result<String, ParseError> {
    let (nums, tags) = if version == 2 {
        let n = |i: usize| r.u32(at + 4 * i, "a version number").map(u64::from);
        ([n(0)?, n(1)?, n(2)?], at + 16)
    } else {
        let n = |i: usize| r.u64(at + 8 * i, "a version number");
        ([n(0)?, n(1)?, n(2)?], at + 24)
    };
    let pre = strings.get(r, tags)?;
    let build = strings.get(r, tags + 16)?;
    let mut out = format!("{}.{}.{}", nums[0], nums[1], nums[2]);
    if !pre.is_empty() {
        out.push('-');
        out.push_str(pre);
    }
    if !build.is_empty() {
        out.push('+');
        out.push_str(build);
    }
    Ok(out)
}

/// Names of the platforms a mask allows; empty when it allows all (or, degenerate, none).
pub(super) fn platform(mask: u16, names: &[(u16, &str)]) -> Vec<String> {
    let all = names.iter().fold(0, |acc, (bit, _)| acc | bit);
    if mask & all == all || mask & all == 0 {
        return Vec::new();
    }
    names
        .iter()
        .filter(|(bit, _)| mask & bit != 0)
        .map(|(_, n)| (*n).to_owned())
        .collect()
}

pub(super) fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
