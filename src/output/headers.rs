//! `_headers` (Netlify and Cloudflare Pages syntax): security headers and caching for every file.
//!
//! The Content-Security-Policy allows only same-origin styles, scripts and images (plus `data:`
//! images); the `calm` theme uses no inline scripts or styles (the search page loads
//! `js/search.js` from the site), and JSON-LD data blocks are not scripts to the browser, so the
//! policy does not block them. Site templates that add inline `<script>`/`style=` need their own
//! `_headers` (a file in `static/` replaces this one).
//!
//! Caching: CSS and JS carry a content hash in their names (see `render::fingerprint`), so each
//! of those files gets its own rule with `public, max-age=31536000, immutable`. A second
//! `Cache-Control` rule that also matched them (such as one for `/*`) would be comma-joined with
//! it by Cloudflare into conflicting directives, so no other rule sets `Cache-Control`:
//! everything else (HTML, feeds, images) keeps the host's default, which on Netlify and
//! Cloudflare Pages is `public, max-age=0, must-revalidate` — revalidated on each use, a `304`
//! with ETags. A site without hashed files (no CSS or JS) gets that value from the `/*` rule.

use crate::site::Site;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Cache-Control of fingerprinted files.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache-Control of everything else: the Netlify and Cloudflare Pages default.
pub const REVALIDATE: &str = "public, max-age=0, must-revalidate";

pub fn headers(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut text = format!(
        "/*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n  Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()\n  Content-Security-Policy: {CONTENT_SECURITY_POLICY}\n"
    );
    let hashed: Vec<&str> = site
        .assets
        .iter()
        .filter(|(name, output)| name != output)
        .map(|(_, output)| output.as_str())
        .collect();
    if hashed.is_empty() {
        text.push_str(&format!("  Cache-Control: {REVALIDATE}\n"));
    } else {
        text.push_str(&format!(
            "\n# Content-hashed CSS and JS: a change gives a new name, so they are kept forever.\n# No other rule sets Cache-Control (overlapping rules would be joined): HTML and every\n# other file get the host's default, {REVALIDATE}.\n"
        ));
        for path in hashed {
            text.push_str(&format!("/{path}\n  Cache-Control: {IMMUTABLE}\n"));
        }
    }
    vec![("_headers".to_string(), text.into_bytes())]
}
