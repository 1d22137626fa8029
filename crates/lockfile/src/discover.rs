//! Which lockfile a package manager would use in a directory.
//!
//! `packageManager` in package.json decides first (corepack's contract); otherwise the order
//! below, which puts each manager's own precedence first (npm-shrinkwrap.json over
//! package-lock.json, bun.lock over bun.lockb) and installed trees last.

use std::path::{Path, PathBuf};

use crate::Error;

/// Candidate file names, in precedence order, with the package manager that writes each.
const CANDIDATES: [(&str, &str); 8] = [
    ("npm-shrinkwrap.json", "npm"),
    ("package-lock.json", "npm"),
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("bun.lock", "bun"),
    ("bun.lockb", "bun"),
    ("node_modules/.package-lock.json", "node_modules"),
    ("node_modules", "node_modules"),
];

/// The outcome of looking for a lockfile in a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// The lockfile (or node_modules directory) to read.
    pub path: PathBuf,
    /// Why this one: which rule chose it.
    pub reason: String,
    /// Other lockfiles present and not used.
    pub ignored: Vec<PathBuf>,
}

/// Finds the lockfile to use in `dir`.
pub fn discover(dir: &Path) -> Result<Discovered, Error> {
    if !dir.is_dir() {
        return Err(Error::Io {
            path: dir.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such directory"),
        });
    }
    let present: Vec<(&str, &str)> = CANDIDATES
        .iter()
        .copied()
        .filter(|(name, _)| dir.join(name).exists())
        .collect();
    let lockfiles: Vec<_> = present
        .iter()
        .filter(|(name, _)| !name.starts_with("node_modules"))
        .copied()
        .collect();
    let manager = declared_manager(dir);

    let (chosen, reason) = if let Some(m) = manager.as_deref()
        && let Some(hit) = lockfiles.iter().find(|(_, owner)| *owner == m)
    {
        (*hit, format!("package.json declares packageManager {m}"))
    } else if let Some(first) = lockfiles.first() {
        let why = match (&manager, lockfiles.len()) {
            (Some(m), _) => format!("package.json declares packageManager {m} but it has no lockfile here; using the first by precedence"),
            (None, 1) => "the only lockfile".to_owned(),
            (None, _) => "first by precedence (npm-shrinkwrap.json, package-lock.json, pnpm-lock.yaml, yarn.lock, bun.lock, bun.lockb)".to_owned(),
        };
        (*first, why)
    } else if let Some(nm) = present.first() {
        (
            *nm,
            "no lockfile; reading the installed node_modules tree".to_owned(),
        )
    } else {
        let looked_for = CANDIDATES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::NotFound {
            dir: dir.to_owned(),
            looked_for,
        });
    };

    let path = if chosen.1 == "node_modules" {
        dir.join("node_modules")
    } else {
        dir.join(chosen.0)
    };
    let ignored = lockfiles
        .iter()
        .filter(|c| **c != chosen)
        .map(|(name, _)| dir.join(name))
        .collect();
    Ok(Discovered {
        path,
        reason,
        ignored,
    })
}

/// The package manager named by package.json's `packageManager` (`pnpm@9.1.0` → `pnpm`).
fn declared_manager(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let pm = json.get("packageManager")?.as_str()?;
    let name = pm.split('@').next()?;
    ["npm", "pnpm", "yarn", "bun"]
        .contains(&name)
        .then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str) {
        std::fs::write(dir.join(name), "x").unwrap();
    }

    #[test]
    fn precedence_and_package_manager() {
        let t = tempfile::tempdir().unwrap();
        assert!(matches!(discover(t.path()), Err(Error::NotFound { .. })));
        touch(t.path(), "yarn.lock");
        touch(t.path(), "package-lock.json");
        let d = discover(t.path()).unwrap();
        assert!(d.path.ends_with("package-lock.json"));
        assert_eq!(d.ignored, vec![t.path().join("yarn.lock")]);
        std::fs::write(
            t.path().join("package.json"),
            r#"{"packageManager":"yarn@4.1.0"}"#,
        )
        .unwrap();
        let d = discover(t.path()).unwrap();
        assert!(d.path.ends_with("yarn.lock"), "{d:?}");
        assert!(d.reason.contains("packageManager yarn"));
        touch(t.path(), "npm-shrinkwrap.json");
        std::fs::write(t.path().join("package.json"), "{}").unwrap();
        assert!(
            discover(t.path())
                .unwrap()
                .path
                .ends_with("npm-shrinkwrap.json")
        );
    }

    #[test]
    fn falls_back_to_node_modules() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("node_modules")).unwrap();
        let d = discover(t.path()).unwrap();
        assert!(d.path.ends_with("node_modules"));
    }
}
