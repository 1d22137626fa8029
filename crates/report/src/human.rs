//! The human reporter: findings grouped by severity, most severe first, wrapped for an
//! 80-column terminal, coloured only when asked (the CLI asks on a TTY without NO_COLOR).

use std::fmt::Write as _;

use portcullis_checks::{Finding, Level};
use portcullis_types::Severity;

use crate::Report;

/// Rendering options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    /// ANSI colours.
    pub color: bool,
    /// Line width to wrap at.
    pub width: usize,
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.wrap("2", t)
    }
    fn severity(&self, s: Option<Severity>, t: &str) -> String {
        let code = match s {
            Some(Severity::Critical) => "1;35",
            Some(Severity::High) => "1;31",
            Some(Severity::Moderate) => "1;33",
            Some(Severity::Low) => "1;36",
            None => "1",
        };
        self.wrap(code, t)
    }
}

/// Renders the report for a terminal.
pub fn render_human(report: &Report, options: HumanOptions) -> String {
    let p = Paint(options.color);
    let mut out = String::new();
    for project in &report.projects {
        let _ = writeln!(
            out,
            "{} {} ({}, {} packages)",
            p.bold("scanned"),
            project.lockfile,
            project.format,
            project.packages
        );
    }
    let severities = [
        Some(Severity::Critical),
        Some(Severity::High),
        Some(Severity::Moderate),
        Some(Severity::Low),
        None,
    ];
    for sev in severities {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == sev)
            .collect();
        if group.is_empty() {
            continue;
        }
        let title = sev.map_or("UNKNOWN SEVERITY", |s| match s {
            Severity::Critical => "CRITICAL",
            Severity::High => "HIGH",
            Severity::Moderate => "MODERATE",
            Severity::Low => "LOW",
        });
        let _ = writeln!(out, "\n{} ({})", p.severity(sev, title), group.len());
        for f in group {
            write_finding(&mut out, &p, f, options.width);
        }
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(out);
        for w in &report.warnings {
            out.push_str(&wrap(&format!("warning: {w}"), options.width, "  "));
        }
    }
    let s = report.summary;
    let verdict = if s.deny > 0 {
        p.wrap("1;31", "FAIL")
    } else {
        p.wrap("1;32", "PASS")
    };
    let _ = writeln!(
        out,
        "\n{verdict}: {} deny, {} warn, {} allow",
        s.deny, s.warn, s.allow
    );
    out
}

fn write_finding(out: &mut String, p: &Paint, f: &Finding, width: usize) {
    let level = match f.level {
        Level::Deny => p.wrap("31", "deny"),
        Level::Warn => p.wrap("33", "warn"),
        Level::Allow => p.dim("allow"),
    };
    let _ = writeln!(
        out,
        "\n  {} {}@{} [{}] {level}",
        p.bold(f.code.as_str()),
        f.package.name,
        f.package.version,
        f.package.source
    );
    out.push_str(&wrap(&f.message, width, "    "));
    if let Some(a) = &f.advisory {
        let mut ids = vec![a.id.clone()];
        ids.extend(a.aliases.iter().cloned());
        let score = a
            .cvss_score
            .map(|s| format!(", CVSS {s:.1}"))
            .unwrap_or_default();
        out.push_str(&wrap(
            &format!("ids: {}{score}", ids.join(", ")),
            width,
            "    ",
        ));
        if let Some(url) = &a.url {
            let _ = writeln!(out, "    {}", p.dim(url));
        }
    }
    if let Some(fix) = &f.fix {
        out.push_str(&wrap(&format!("fix: {fix}"), width, "    "));
    }
    for path in &f.paths {
        out.push_str(&wrap(&format!("via {}", path.join(" › ")), width, "    "));
    }
    if f.more_paths > 0 {
        let _ = writeln!(
            out,
            "    {}",
            p.dim(&format!(
                "… and {} more paths (portcullis why {}@{})",
                f.more_paths, f.package.name, f.package.version
            ))
        );
    }
}

/// Word-wraps `text` to `width` columns, each line starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("{indent}  ");
        }
        if line.len() > indent.len() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_width_with_hanging_indent() {
        let w = wrap("aaa bbb ccc ddd", 10, "  ");
        assert_eq!(w, "  aaa bbb\n    ccc\n    ddd\n");
        assert!(
            wrap(&"x".repeat(100), 10, "  ").starts_with("  xxxx"),
            "a long word stays whole"
        );
    }
}
