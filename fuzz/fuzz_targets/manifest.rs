//! Fuzzes package.json reading, then feeds the manifest to the parsers that build importers from
//! manifests (npm v1, yarn v1) over a small fixed lockfile, so hostile manifests reach that code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_lockfile::Manifest;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(root) = Manifest::parse(text, ".") else {
        return;
    };
    let _ = root.dependencies();
    let _ = root.workspace_globs();
    // The same manifest also as a workspace member, so name-to-workspace resolution runs.
    let mut member = root.clone();
    member.path = "packages/a".into();
    let manifests = [root, member];
    for (family, lock) in portcullis_lockfile_fuzz::MANIFEST_LOCKFILES {
        portcullis_lockfile_fuzz::parse_with_manifests_and_check(family, lock, &manifests);
        portcullis_lockfile_fuzz::parse_with_manifests_and_check(family, lock, &manifests[..1]);
    }
});
