//! `robots.txt`: lets every crawler in and points it at the sitemap.
//!
//! Crawlers only read `robots.txt` at the root of a host, so on a site under a path prefix
//! (`https://me.github.io/lib/`) this file is written but ignored; submit the sitemap URL to
//! search engines directly there.

use crate::site::Site;

pub fn robots(site: &Site) -> Vec<(String, Vec<u8>)> {
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.permalink("/sitemap.xml")
    );
    vec![("robots.txt".to_string(), text.into_bytes())]
}
