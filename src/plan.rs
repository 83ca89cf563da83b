//! The output plan: every file a build writes, and what wants it written.
//!
//! A site is checked against its plan before anything is rendered: each file of the output is
//! wanted by one thing only (a page, a listing, an alias, a generated file, a copied file), and
//! no file sits where another needs a folder. When two things want the same path the build
//! fails with "two things want to write X: A and B", naming both by file and line, instead of
//! one silently replacing the other. `replace_generated` in `site.yaml` lets a static file
//! replace a file Haven generates on purpose.
//!
//! The plan follows the renderer (`build::render_into`) path for path; a test compares the two
//! on whole sites.

use crate::build::output_path;
use crate::config::{item_position, key_position};
use crate::content::Parsed;
use crate::diagnostics::Diagnostic;
use crate::output::Generated;
use crate::render::context::paginate;
use crate::site::{CopiedFrom, Site, alias_path};
use std::collections::HashMap;
use std::path::PathBuf;

/// What wants a file of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimant {
    /// A page (index into `site.pages`).
    Page(usize),
    /// A section's listing page (section, 1-based page).
    Section(usize, usize),
    /// A taxonomy's list of terms.
    TaxonomyList(usize),
    /// A term's listing page (taxonomy, term, 1-based page).
    Term(usize, usize, usize),
    /// An alias of a page (page, index in its `aliases`).
    Alias(usize, usize),
    /// `404.html`.
    NotFound,
    /// The search page.
    SearchPage,
    /// A deploy file (sitemap, feed, search index …).
    Generated(Generated),
    /// A copied file (index into `site.copied`).
    Copied(usize),
    /// Haven's marker file.
    Marker,
}

impl Claimant {
    /// Whether this is a page of the site at a URL (rather than a file).
    fn is_url(&self) -> bool {
        matches!(
            self,
            Claimant::Page(_)
                | Claimant::Section(..)
                | Claimant::TaxonomyList(_)
                | Claimant::Term(..)
                | Claimant::Alias(..)
                | Claimant::SearchPage
        )
    }

    /// Whether this is a file Haven makes that `replace_generated` can name.
    fn is_replaceable(&self) -> bool {
        matches!(self, Claimant::NotFound | Claimant::Generated(_))
    }
}

/// Every file of the site's output, as (path relative to the output, what wants it), in the
/// order the checks report them: pages and listings, generated files, aliases, copied files.
/// Files that `replace_generated` hands to a static file are left out.
pub fn plan(site: &Site) -> Vec<(String, Claimant)> {
    let mut out = Vec::with_capacity(site.pages.len() * 2 + site.copied.len() + 16);
    for (i, s) in site.sections.iter().enumerate() {
        for pager in paginate(&s.path, &s.pages, s.front.paginate_by) {
            out.push((
                output_path(&pager.path()),
                Claimant::Section(i, pager.index),
            ));
        }
    }
    for (i, p) in site.pages.iter().enumerate() {
        out.push((output_path(&p.path), Claimant::Page(i)));
    }
    for (t, tax) in site.taxonomies.iter().enumerate() {
        out.push((output_path(&tax.path()), Claimant::TaxonomyList(t)));
        for (n, term) in tax.terms.iter().enumerate() {
            let path = format!("/{}/{}/", tax.name, term.slug);
            let per_page = site.config.taxonomies.paginate_by;
            for pager in paginate(&path, &term.pages, per_page) {
                out.push((
                    output_path(&pager.path()),
                    Claimant::Term(t, n, pager.index),
                ));
            }
        }
    }
    let replaced = |path: &str| site.config.replace_generated.iter().any(|r| r == path);
    if !replaced("404.html") {
        out.push(("404.html".to_string(), Claimant::NotFound));
    }
    let search_page = output_path("/search/");
    if site.config.search.enabled
        && site.templates.has(crate::render::SEARCH_TEMPLATE)
        && !out.iter().any(|(path, _)| *path == search_page)
    {
        out.push((search_page, Claimant::SearchPage));
    }
    for (path, what) in crate::output::names(site) {
        if !replaced(&path) {
            out.push((path, Claimant::Generated(what)));
        }
    }
    out.push((crate::write::MARKER.to_string(), Claimant::Marker));
    for (i, p) in site.pages.iter().enumerate() {
        for (j, alias) in p.front().aliases.iter().enumerate() {
            // Aliases that are not paths are reported by `check_paths`.
            if let Ok(path) = alias_path(alias) {
                out.push((output_path(&path), Claimant::Alias(i, j)));
            }
        }
    }
    for (i, c) in site.copied.iter().enumerate() {
        out.push((c.output.clone(), Claimant::Copied(i)));
    }
    out
}

/// The problems of the site's plan: two things that want the same path, a file where a folder
/// is needed, and `replace_generated` entries that replace nothing.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let plan = plan(site);
    let mut problems = Vec::new();
    let mut owner: HashMap<&str, usize> = HashMap::with_capacity(plan.len());
    for (n, (path, claimant)) in plan.iter().enumerate() {
        match owner.get(path.as_str()) {
            Some(&first) => problems.push(collision(site, path, &plan[first].1, claimant, false)),
            None => {
                owner.insert(path, n);
            }
        }
    }
    // A file where another file needs a folder (`articles` as a file and `articles/a/`).
    let mut reported = std::collections::HashSet::new();
    for (path, claimant) in &plan {
        let mut at = path.as_str();
        while let Some((folder, _)) = at.rsplit_once('/') {
            if let Some(&file) = owner.get(folder)
                && reported.insert(folder)
            {
                problems.push(collision(site, folder, &plan[file].1, claimant, true));
            }
            at = folder;
        }
    }
    problems.extend(check_replaced(site));
    problems
}

/// `replace_generated` may only name files Haven generates for this site, each replaced by a
/// static file.
fn check_replaced(site: &Site) -> Vec<Diagnostic> {
    if site.config.replace_generated.is_empty() {
        return Vec::new();
    }
    let mut generated: Vec<String> = crate::output::names(site)
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    generated.push("404.html".to_string());
    generated.sort();
    let mut problems = Vec::new();
    for (i, name) in site.config.replace_generated.iter().enumerate() {
        let (line, column) = site.config.source.item_position(&["replace_generated"], i);
        let problem = |message: String, help: String| {
            Diagnostic::error("invalid-replace", message)
                .in_file(crate::config::CONFIG_FILE)
                .at(line, column)
                .suggest(help)
        };
        if !generated.contains(name) {
            problems.push(problem(
                format!("`replace_generated` lists `{name}`, which Haven does not generate for this site"),
                format!(
                    "remove it; the files Haven generates are: {}",
                    generated.join(", ")
                ),
            ));
            continue;
        }
        let by_static = site
            .copied
            .iter()
            .any(|c| &c.output == name && c.from != CopiedFrom::Content);
        if !by_static {
            problems.push(problem(
                format!("`replace_generated` lists `{name}`, but no static file replaces it"),
                format!("add static/{name}, or remove `{name}` from `replace_generated`"),
            ));
        }
    }
    problems
}

/// "two things want to write X: A and B", at B's place (or A's when B has none).
fn collision(
    site: &Site,
    path: &str,
    first: &Claimant,
    second: &Claimant,
    folder: bool,
) -> Diagnostic {
    let (a, a_at) = describe(site, first);
    let (b, b_at) = describe(site, second);
    let what = if folder {
        format!("{b}, which needs a folder there")
    } else {
        b
    };
    let code = if first.is_url() && second.is_url() {
        "duplicate-url"
    } else {
        "output-collision"
    };
    let url = if code == "duplicate-url" {
        let page = path.strip_suffix("index.html").unwrap_or(path);
        format!(" (the URL /{page})")
    } else {
        String::new()
    };
    let mut d = Diagnostic::error(
        code,
        format!("two things want to write {path}{url}: {a} and {what}"),
    );
    // At the one more likely to be the mistake; the second if they are alike.
    let at = if blame(first) > blame(second) {
        a_at.or(b_at)
    } else {
        b_at.or(a_at)
    };
    if let Some((file, line)) = at {
        d = d.in_file(file).at(line, 0);
    }
    d.suggest(advice(site, path, first, second))
}

/// How likely a claimant is the one to change: an alias or a copied file more than a page, a
/// page with a `slug` more than one without.
fn blame(c: &Claimant) -> u8 {
    match c {
        Claimant::Alias(..) => 4,
        Claimant::Copied(_) => 3,
        Claimant::Term(..) => 2,
        Claimant::Page(_) => 1,
        _ => 0,
    }
}

/// What to do about a collision between `first` and `second`.
fn advice(site: &Site, path: &str, first: &Claimant, second: &Claimant) -> String {
    let copied_from = |c: &Claimant| match c {
        Claimant::Copied(i) => Some(site.copied[*i].from),
        _ => None,
    };
    match (first, second) {
        (generated, other) | (other, generated) if generated.is_replaceable() => {
            match copied_from(other) {
                Some(CopiedFrom::Content) => format!(
                    "rename or remove the file; to replace the generated {path} on purpose, move it to static/{path} and add `replace_generated: [{path}]` to site.yaml"
                ),
                Some(_) => format!(
                    "rename or remove the file, or add `replace_generated: [{path}]` to site.yaml to replace the generated {path} with it on purpose"
                ),
                None => format!("change the alias or the page: {path} is a file Haven generates"),
            }
        }
        (_, Claimant::Alias(..)) | (Claimant::Alias(..), _) => {
            "remove the alias or change it: an alias may only name a URL no page has".to_string()
        }
        (Claimant::Copied(_), Claimant::Copied(_)) => {
            "rename or remove one of the files".to_string()
        }
        (_, Claimant::Copied(_)) | (Claimant::Copied(_), _) => {
            "rename or remove the file: it is where a page of the site is written".to_string()
        }
        (_, Claimant::Term(..) | Claimant::TaxonomyList(_))
        | (Claimant::Term(..) | Claimant::TaxonomyList(_), _) => {
            "rename the tag or category, or give the page another `slug`".to_string()
        }
        _ => "give one of them another `slug`, or rename the file".to_string(),
    }
}

/// A claimant in words, and its file and line when it has them.
fn describe(site: &Site, c: &Claimant) -> (String, Option<(PathBuf, usize)>) {
    let at_key = |src: &Parsed<_>, key: &str| {
        let front = src.text.get(..src.body_offset).unwrap_or(&src.text);
        let line = key_position(front, &[key]).0;
        Some((src.file.clone(), line))
    };
    match c {
        Claimant::Page(i) => {
            let p = &site.pages[*i];
            if p.source.text.is_empty() {
                return (
                    format!("the Get Help page at {} (`safety.help_page`)", p.path),
                    config_at(site, &["safety", "help_page"]),
                );
            }
            let file = p.source.file.display();
            if p.front().slug.is_some() {
                (
                    format!("the page {file} (slug `{}`)", p.slug),
                    at_key(&p.source, "slug"),
                )
            } else {
                (format!("the page {file}"), Some((p.source.file.clone(), 0)))
            }
        }
        Claimant::Section(i, n) => {
            let s = &site.sections[*i];
            let at = s.source.as_ref().map(|src| (src.file.clone(), 0));
            let name = match (&s.source, *i) {
                (Some(src), 0) => format!("the home page {}", src.file.display()),
                (Some(src), _) => format!("the section {}", src.file.display()),
                (None, _) => "the home page".to_string(),
            };
            if *n == 1 {
                (name, at)
            } else {
                (format!("page {n} of the listing of {name}"), at)
            }
        }
        Claimant::TaxonomyList(t) => (
            format!("the list of all {}", site.taxonomies[*t].name),
            None,
        ),
        Claimant::Term(t, n, page) => {
            let tax = &site.taxonomies[*t];
            let term = &tax.terms[*n];
            // The first file (in file order) that uses the term.
            let first = term.pages.iter().min().map(|&i| &site.pages[i]);
            let key = if tax.name == "tags" {
                "tags"
            } else {
                "category"
            };
            let kind = if tax.name == "tags" {
                "tag"
            } else {
                "category"
            };
            let listing = if *page > 1 {
                format!("page {page} of the page of the {kind} `{}`", term.name)
            } else {
                format!("the page of the {kind} `{}`", term.name)
            };
            match first {
                Some(p) => {
                    let at = at_key(&p.source, key);
                    let shown = at.as_ref().map_or(String::new(), |(f, l)| {
                        format!(" (from {}:{l})", f.display())
                    });
                    (format!("{listing}{shown}"), at)
                }
                None => (listing, None),
            }
        }
        Claimant::Alias(i, j) => {
            let p = &site.pages[*i];
            let alias = &p.front().aliases[*j];
            let front = p.source.text.get(..p.source.body_offset).unwrap_or("");
            let line = item_position(front, &["aliases"], *j).0;
            (
                format!("the alias `{alias}` in {}:{line}", p.source.file.display()),
                Some((p.source.file.clone(), line)),
            )
        }
        Claimant::NotFound => (
            "the 404 page Haven generates (template 404.html)".to_string(),
            None,
        ),
        Claimant::SearchPage => (
            "the search page Haven generates (template search.html)".to_string(),
            None,
        ),
        Claimant::Generated(what) => (what.describe().to_string(), None),
        Claimant::Copied(i) => {
            let c = &site.copied[*i];
            (
                format!("the file {}", c.shown.display()),
                Some((c.shown.clone(), 0)),
            )
        }
        Claimant::Marker => (
            format!("Haven's marker file {}", crate::write::MARKER),
            None,
        ),
    }
}

fn config_at(site: &Site, keys: &[&str]) -> Option<(PathBuf, usize)> {
    Some((
        PathBuf::from(crate::config::CONFIG_FILE),
        site.config.source.position(keys).0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::LoadOptions;

    fn load(root: &std::path::Path) -> Site {
        let options = LoadOptions {
            root: root.to_path_buf(),
            today: Some("2026-06-01".parse().expect("a date")),
            ..LoadOptions::default()
        };
        Site::load(&options).unwrap_or_else(|e| panic!("{e:#?}"))
    }

    /// The plan lists exactly the files the renderer makes, each once.
    fn assert_plan_is_the_output(site: &Site) {
        let (output, _) = crate::build::render_site(site).expect("renders");
        let mut planned: Vec<String> = plan(site)
            .into_iter()
            .map(|(path, _)| path)
            .filter(|path| path != crate::write::MARKER)
            .collect();
        planned.sort();
        let count = planned.len();
        planned.dedup();
        assert_eq!(planned.len(), count, "a path is planned twice");
        let rendered: Vec<String> = output.files.keys().map(|k| k.to_string()).collect();
        assert_eq!(planned, rendered);
        assert!(check(site).is_empty());
    }

    #[test]
    fn the_plan_of_the_example_site_is_its_output() {
        let site = load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
        assert!(site.pages.iter().any(|p| !p.front().aliases.is_empty()));
        assert!(site.sections.iter().any(|s| s.front.paginate_by > 0));
        assert_plan_is_the_output(&site);
    }

    #[test]
    fn the_plan_follows_search_pagination_and_replaced_files() {
        let dir = tempfile::tempdir().expect("a folder");
        let write = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("a parent")).expect("folders");
            std::fs::write(p, text).expect("a file");
        };
        write(
            "site.yaml",
            "title: T\nbase_url: https://e.org/\nsafety:\n  default_region: US\n  regions:\n    US: {name: US, emergency: '911', resources: [{name: Line, call: '988'}]}\nsearch: {enabled: false}\ntaxonomies: {paginate_by: 1}\nreplace_generated: [robots.txt, 404.html]\n",
        );
        write("static/robots.txt", "User-agent: *\n");
        write("static/404.html", "lost");
        write("static/css/extra.css", "a{}");
        write("content/_index.md", "---\ntitle: Home\n---\n");
        write(
            "content/a/_index.md",
            "---\ntitle: A\npaginate_by: 1\n---\n",
        );
        for n in 0..3 {
            write(
                &format!("content/a/p{n}.md"),
                &format!(
                    "---\ntitle: P{n}\ndescription: D\ndate: 2026-01-0{}\nauthor: Me\ntags: [x, y{n}]\ncategory: C\naliases: [/old/{n}/, /old/{n}.html]\n---\nText.\n",
                    n + 1
                ),
            );
        }
        write("content/a/p0/photo.png", "png");
        let site = load(dir.path());
        let planned: Vec<String> = plan(&site).into_iter().map(|(p, _)| p).collect();
        for path in [
            "a/page/3/index.html",
            "tags/x/page/3/index.html",
            "old/1.html",
        ] {
            assert!(planned.iter().any(|p| p == path), "{path}: {planned:#?}");
        }
        assert!(!planned.iter().any(|p| p == "search-index.json"));
        assert_plan_is_the_output(&site);
    }
}
