//! The JSON reporter: the [`Report`] as-is, pretty-printed (the stable contract).

use crate::Report;

/// Renders the report as pretty JSON with a trailing newline.
pub fn render_json(report: &Report) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    let mut out =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
