//! Subresource Integrity (SRI) strings as npm records them: `sha512-<base64>`, possibly several.
//!
//! Yarn berry's `checksum` field is *not* SRI (it hashes yarn's zip cache), so it never
//! becomes an [`Integrity`].

use serde::{Serialize, Serializer};

/// A hash algorithm that can appear in an SRI string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    /// Broken for collision resistance; what old lockfiles carry.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512, what the registry publishes today.
    Sha512,
}

impl HashAlgorithm {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "sha1" => Self::Sha1,
            "sha256" => Self::Sha256,
            "sha384" => Self::Sha384,
            "sha512" => Self::Sha512,
            _ => return None,
        })
    }

    /// Digest length in bytes.
    fn digest_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

/// Why a string is not a usable SRI string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntegrityError {
    /// No `algo-digest` token with a known algorithm.
    #[error("integrity {0:?} has no sha1/sha256/sha384/sha512 hash")]
    NoKnownHash(String),
    /// A digest that is not base64 of the algorithm's length.
    #[error("integrity {0:?} has a malformed digest")]
    BadDigest(String),
}

/// A parsed SRI string: one or more hashes of the same content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Integrity {
    raw: String,
    hashes: Vec<(HashAlgorithm, String)>,
}

impl Integrity {
    /// Parses an SRI string. Tokens with unknown algorithms are ignored, as the SRI spec says,
    /// but at least one known one must be present.
    pub fn parse(raw: &str) -> Result<Self, IntegrityError> {
        let mut hashes = Vec::new();
        for token in raw.split_ascii_whitespace() {
            let Some((algo, rest)) = token.split_once('-') else {
                continue;
            };
            let Some(algo) = HashAlgorithm::parse(algo) else {
                continue;
            };
            // Options after '?' are allowed by the spec and carry no meaning for us.
            let digest = rest.split('?').next().unwrap_or_default();
            if decoded_len(digest) != Some(algo.digest_len()) {
                return Err(IntegrityError::BadDigest(raw.to_owned()));
            }
            hashes.push((algo, digest.to_owned()));
        }
        if hashes.is_empty() {
            return Err(IntegrityError::NoKnownHash(raw.to_owned()));
        }
        Ok(Self {
            raw: raw.to_owned(),
            hashes,
        })
    }

    /// The string as recorded.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The strongest algorithm present.
    pub fn strongest(&self) -> HashAlgorithm {
        self.hashes
            .iter()
            .map(|(a, _)| *a)
            .max()
            .unwrap_or(HashAlgorithm::Sha1)
    }

    /// Every (algorithm, base64 digest) pair.
    pub fn hashes(&self) -> &[(HashAlgorithm, String)] {
        &self.hashes
    }
}

/// Length in bytes that a standard base64 string decodes to, if it is well formed.
fn decoded_len(b64: &str) -> Option<usize> {
    let bytes = b64.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    let pad = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    if pad > 2 {
        return None;
    }
    let body = &bytes[..bytes.len() - pad];
    if !body
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
    {
        return None;
    }
    Some(bytes.len() / 4 * 3 - pad)
}

impl std::fmt::Display for Integrity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Integrity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA512: &str = "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==";
    const SHA1: &str = "sha1-hHF9kBvIK+BW6kjjUeD8k5zxcOo=";

    #[test]
    fn parses_npm_integrity() {
        let i = Integrity::parse(SHA512).unwrap();
        assert_eq!(i.strongest(), HashAlgorithm::Sha512);
        let both = Integrity::parse(&format!("{SHA1} {SHA512}")).unwrap();
        assert_eq!(both.hashes().len(), 2);
        assert_eq!(both.strongest(), HashAlgorithm::Sha512);
        assert_eq!(
            Integrity::parse(SHA1).unwrap().strongest(),
            HashAlgorithm::Sha1
        );
    }

    #[test]
    fn rejects_garbage() {
        assert!(matches!(
            Integrity::parse(""),
            Err(IntegrityError::NoKnownHash(_))
        ));
        assert!(matches!(
            Integrity::parse("md5-abc"),
            Err(IntegrityError::NoKnownHash(_))
        ));
        assert!(matches!(
            Integrity::parse("sha512-abcd"),
            Err(IntegrityError::BadDigest(_))
        ));
        assert!(matches!(
            Integrity::parse("sha1-!!!!"),
            Err(IntegrityError::BadDigest(_))
        ));
    }
}
