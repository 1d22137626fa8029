//! The portcullis binary (being written).
fn main() {}
