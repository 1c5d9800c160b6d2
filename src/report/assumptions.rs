//! The inputs behind a run as a reader of a report needs them: name, distribution, where it
//! was set, and the comment the scenario file gives it (where the number comes from).

use crate::model::Model;
use std::collections::HashMap;

/// One resolved input.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    /// As `validate` prints it, e.g. `demand.growth` or `interventions[0].budget`.
    pub name: String,
    /// The distribution (or fixed value) in words, e.g. `pert(low=0.1, mode=0.2, high=0.3)`.
    pub distribution: String,
    pub uncertain: bool,
    /// `FILE:LINE:COL` that set it, or `default`.
    pub origin: String,
    /// The comment on that line, else the nearest comment block above it in the same group of
    /// lines (blank lines and `[section]` headers end a group); empty for defaults.
    pub comment: String,
}

/// Every input of `model`, in the order `validate` lists them.
pub fn collect(model: &Model) -> Vec<Assumption> {
    let mut files: HashMap<String, Option<Vec<String>>> = HashMap::new();
    model
        .params
        .params
        .iter()
        .map(|p| {
            let comment = match split_origin(&p.origin) {
                Some((file, line)) => {
                    let lines = files.entry(file.to_string()).or_insert_with(|| {
                        std::fs::read_to_string(file)
                            .ok()
                            .map(|t| t.lines().map(str::to_string).collect())
                    });
                    lines
                        .as_deref()
                        .map(|l| comment_for(l, line))
                        .unwrap_or_default()
                }
                None => String::new(),
            };
            Assumption {
                name: p.name.clone(),
                distribution: p.desc.clone(),
                uncertain: !p.dist.is_fixed(),
                origin: p.origin.clone(),
                comment,
            }
        })
        .collect()
}

/// `("path", line)` from `path:line:col`; `None` for `default` and the like.
fn split_origin(origin: &str) -> Option<(&str, usize)> {
    let mut parts = origin.rsplitn(3, ':');
    let _col: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    (line > 0).then_some((file, line))
}

/// The comment for the key on 1-based `line` of a TOML file's `lines`.
pub fn comment_for(lines: &[String], line: usize) -> String {
    let Some(own) = lines.get(line - 1) else {
        return String::new();
    };
    if let Some(c) = inline_comment(own) {
        return c;
    }
    // Walk up over the group's other keys to the comment block that introduces them.
    let mut i = line - 1;
    while i > 0 {
        let above = lines[i - 1].trim();
        if above.is_empty() || above.starts_with('[') {
            return String::new();
        }
        if above.starts_with('#') {
            let end = i;
            while i > 0 && lines[i - 1].trim().starts_with('#') {
                i -= 1;
            }
            return lines[i..end]
                .iter()
                .map(|l| l.trim().trim_start_matches('#').trim())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
        }
        i -= 1;
    }
    String::new()
}

/// The text after a `#` that is outside any string on a TOML line.
fn inline_comment(line: &str) -> Option<String> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, ch) in line.char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if ch == '\\' => escaped = true,
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '"' || ch == '\'' => quote = Some(ch),
            None if ch == '#' => {
                let c = line[i + 1..].trim();
                // A whole-line comment is a block comment, not this line's own.
                if line[..i].trim().is_empty() || c.is_empty() {
                    return None;
                }
                return Some(c.to_string());
            }
            None => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn inline_comment_wins_and_ignores_hashes_in_strings() {
        let l = lines("name = \"a # b\"   # the name\nx = 1");
        assert_eq!(comment_for(&l, 1), "the name");
        assert_eq!(inline_comment("s = 'x#y'"), None);
        assert_eq!(inline_comment("s = \"q\\\"#\" # c"), Some("c".into()));
    }

    #[test]
    fn block_above_covers_the_group_until_a_blank_or_header() {
        let text =
            "[demand]\n# Fitted from SEN2\n# to January 2023.\na = 1\nb = 2\n\nc = 3\n[x]\nd = 4";
        let l = lines(text);
        assert_eq!(comment_for(&l, 4), "Fitted from SEN2 to January 2023.");
        assert_eq!(comment_for(&l, 5), "Fitted from SEN2 to January 2023.");
        assert_eq!(comment_for(&l, 7), "");
        assert_eq!(comment_for(&l, 9), "");
    }

    #[test]
    fn origins_split_at_the_last_two_colons() {
        assert_eq!(split_origin("a/b.toml:12:3"), Some(("a/b.toml", 12)));
        assert_eq!(split_origin("C:/x.toml:2:1"), Some(("C:/x.toml", 2)));
        assert_eq!(split_origin("default"), None);
    }

    #[test]
    fn bcp_inputs_carry_their_source_comments() {
        let model = crate::load_model(std::path::Path::new("scenarios/bcp/baseline.toml"))
            .expect("BCP baseline loads");
        let a = collect(&model);
        let growth = a.iter().find(|a| a.name == "demand.growth").unwrap();
        assert!(growth.uncertain);
        assert!(growth.distribution.starts_with("normal("));
        assert!(growth.comment.contains("SEN2"), "{}", growth.comment);
        let code = a.iter().find(|a| a.name.ends_with("ep_hours")).unwrap();
        assert!(!code.origin.is_empty());
    }
}
