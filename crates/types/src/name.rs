//! Package names, validated the way the registry would accept them (leniently for legacy names).

use serde::Serialize;

/// Why a string is not a package name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The empty string.
    #[error("package name is empty")]
    Empty,
    /// Longer than npm's 214-character limit.
    #[error("package name is longer than 214 characters")]
    TooLong,
    /// Whitespace, control characters or characters npm never allows in a name.
    #[error("package name {0:?} contains a character npm does not allow")]
    BadChar(String),
    /// A scoped name that is not exactly `@scope/name`.
    #[error("scoped package name {0:?} is not of the form @scope/name")]
    BadScope(String),
    /// `.`/`..` or a name starting with `.` or `_` (never publishable, and a path trick).
    #[error("package name {0:?} is not a valid name")]
    Reserved(String),
}

/// An npm package name such as `lodash` or `@types/node`.
///
/// Legacy names with capital letters (`JSONStream`) are accepted, because real lockfiles
/// contain them; anything that could act as a path trick or break output is not.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PackageName(String);

impl PackageName {
    /// Validates `name`.
    pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
        let name = name.into();
        validate(&name)?;
        Ok(Self(name))
    }

    /// The name as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The scope without `@`, for scoped names.
    pub fn scope(&self) -> Option<&str> {
        self.0
            .strip_prefix('@')
            .and_then(|rest| rest.split_once('/'))
            .map(|(scope, _)| scope)
    }
}

fn validate(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.len() > 214 {
        return Err(NameError::TooLong);
    }
    let bad_char = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '\\' | '"' | '<' | '>' | '|' | '`' | '{' | '}' | '^')
    };
    if name.chars().any(bad_char) {
        return Err(NameError::BadChar(name.to_owned()));
    }
    let bare = match name.strip_prefix('@') {
        Some(rest) => {
            let Some((scope, bare)) = rest.split_once('/') else {
                return Err(NameError::BadScope(name.to_owned()));
            };
            if scope.is_empty()
                || bare.is_empty()
                || bare.contains('/')
                || scope == "."
                || scope == ".."
            {
                return Err(NameError::BadScope(name.to_owned()));
            }
            bare
        }
        None => {
            if name.contains('/') {
                return Err(NameError::BadChar(name.to_owned()));
            }
            name
        }
    };
    if bare == "."
        || bare == ".."
        || bare.starts_with('.')
        || bare.starts_with('_') && !name.starts_with('@')
    {
        return Err(NameError::Reserved(name.to_owned()));
    }
    Ok(())
}

impl std::fmt::Display for PackageName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PackageName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_names() {
        for n in [
            "lodash",
            "@types/node",
            "JSONStream",
            "left-pad",
            "@babel/core",
            "a.b_c",
            "@_x/y",
        ] {
            assert!(PackageName::new(n).is_ok(), "{n}");
        }
        assert_eq!(
            PackageName::new("@types/node").unwrap().scope(),
            Some("types")
        );
        assert_eq!(PackageName::new("lodash").unwrap().scope(), None);
    }

    #[test]
    fn rejects_bad_names() {
        for n in [
            "", "..", ".bin", "_x", "a b", "@scope", "@/x", "@s/", "a/b", "@s/a/b", "x\n", "@../x",
        ] {
            assert!(PackageName::new(n).is_err(), "{n:?}");
        }
        assert_eq!(PackageName::new("x".repeat(215)), Err(NameError::TooLong));
    }
}
