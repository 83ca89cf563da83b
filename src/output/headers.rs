//! `_headers` (Netlify and Cloudflare Pages syntax): security headers and caching for every file.
//!
//! The Content-Security-Policy allows only same-origin styles, scripts and images (plus `data:`
//! images); the `calm` theme uses no inline scripts or styles, and JSON-LD data blocks are not
//! scripts to the browser, so the policy does not block them. Site templates that add inline
//! `<script>`/`style=` need their own `_headers` (a file in `static/` replaces this one).
//!
//! Caching: nothing is fingerprinted yet, so every file (HTML, CSS, JS, feeds) is revalidated on
//! each use; with ETags that costs a `304`. A longer cache for `/css/*` and `/js/*` would let a
//! browser pair new HTML with old CSS after a deploy, and a second `Cache-Control` rule that also
//! matches `/*` is comma-joined with it by Cloudflare into conflicting directives. Once asset
//! names carry a content hash, those assets can get `public, max-age=31536000, immutable` in a
//! rule that no `Cache-Control` rule for HTML overlaps.

use crate::site::Site;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub fn headers(_site: &Site) -> Vec<(String, Vec<u8>)> {
    let text = format!(
        "/*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n  Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()\n  Content-Security-Policy: {CONTENT_SECURITY_POLICY}\n  Cache-Control: public, max-age=0, must-revalidate\n"
    );
    vec![("_headers".to_string(), text.into_bytes())]
}
