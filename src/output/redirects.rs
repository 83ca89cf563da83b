//! `_redirects` (Netlify and Cloudflare Pages syntax): a permanent redirect from each alias in
//! front matter to its page, one `from to 301` line per alias, sorted.
//!
//! The alias HTML pages (meta refresh + canonical) are still written for every other host.
//! Cloudflare Pages follows these rules even though a file exists at the alias path; Netlify
//! serves the existing alias page instead (its "shadowing") unless a rule is forced with `301!`,
//! which Cloudflare does not accept, so the portable form is used.

use crate::site::{Site, alias_path};

pub fn redirects(site: &Site) -> Vec<(String, Vec<u8>)> {
    let base = site.config.base_path();
    let mut lines: Vec<String> = site
        .pages
        .iter()
        .flat_map(|p| {
            // Aliases that are not paths fail the build before this (see `site::check_aliases`).
            p.front().aliases.iter().filter_map(move |alias| {
                Some(format!(
                    "{} {} 301",
                    encode_path(&alias_path(alias).ok()?),
                    encode_path(&format!("{base}{}", p.path))
                ))
            })
        })
        .collect();
    if lines.is_empty() {
        return Vec::new();
    }
    lines.sort();
    lines.dedup();
    let mut text = lines.join("\n");
    text.push('\n');
    vec![("_redirects".to_string(), text.into_bytes())]
}

/// Percent-encodes what would end or change a rule: spaces, `*` (a splat), `:` (a
/// placeholder), `#`, `?` and everything outside printable ASCII.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()+,;=@%".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded_for_the_rules_file() {
        assert_eq!(encode_path("/old/a b/"), "/old/a%20b/");
        assert_eq!(encode_path("/old/:id/*"), "/old/%3Aid/%2A");
        assert_eq!(encode_path("/café/"), "/caf%C3%A9/");
    }
}
