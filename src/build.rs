//! The build pipeline: a loaded [`Site`] → every output file, handed to a [`Sink`] as it is
//! rendered.
//!
//! Rendering is a pure function of the site; nothing here touches the output directory.
//! `haven build` streams into `write::SiteWriter` (so the whole site is never held in memory),
//! while `serve` and the tests collect an [`Output`].

use crate::diagnostics::Diagnostic;
use crate::render::context::{self, Pager};
use crate::site::{FileSource, Page, PageKind, Site, alias_path};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use tera::Context;

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFile {
    Generated(Arc<Vec<u8>>),
    Copied(FileSource),
}

impl OutputFile {
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            OutputFile::Generated(b) => Ok(std::borrow::Cow::Borrowed(b.as_slice())),
            OutputFile::Copied(FileSource::Embedded(b)) => Ok(std::borrow::Cow::Borrowed(b)),
            OutputFile::Copied(FileSource::Disk(p)) => {
                std::fs::read(p).map(std::borrow::Cow::Owned)
            }
        }
    }
}

/// Every file of the built site, keyed by path relative to the output root (`a/index.html`).
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub files: BTreeMap<Arc<str>, OutputFile>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub pages: usize,
    pub articles: usize,
    pub sections: usize,
    pub taxonomies: usize,
    pub files: usize,
    pub html_files: usize,
}

/// `/articles/a/` → `articles/a/index.html`.
pub fn output_path(site_path: &str) -> String {
    let p = site_path.trim_start_matches('/');
    if p.is_empty() {
        "index.html".to_string()
    } else if p.ends_with(".html") {
        p.to_string()
    } else {
        format!("{}/index.html", p.trim_end_matches('/'))
    }
}

/// One HTML file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Page(usize),
    /// Section, 1-based listing page.
    Section(usize, usize),
    TaxonomyList(usize),
    /// Taxonomy, term, 1-based listing page.
    Term(usize, usize, usize),
}

/// Every listing's pagers, and the `section` value its articles show, computed once per render.
pub struct Listings {
    sections: Vec<Vec<Pager>>,
    terms: Vec<Vec<Vec<Pager>>>,
    /// `section` for the articles of each section (without its page list).
    section_values: Vec<tera::Value>,
}

impl Listings {
    pub fn new(site: &Site) -> Listings {
        Listings {
            section_values: site
                .sections
                .iter()
                .map(|s| context::section_value(site, s, &[], false))
                .collect(),
            sections: site
                .sections
                .iter()
                .map(|s| context::paginate(&s.path, &s.pages, s.front.paginate_by))
                .collect(),
            terms: site
                .taxonomies
                .iter()
                .map(|t| {
                    t.terms
                        .iter()
                        .map(|term| {
                            context::paginate(
                                &format!("/{}/{}/", t.name, term.slug),
                                &term.pages,
                                site.config.taxonomies.paginate_by,
                            )
                        })
                        .collect()
                })
                .collect(),
        }
    }

    fn all_jobs(&self, site: &Site) -> Vec<Job> {
        let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
        for (i, pagers) in self.sections.iter().enumerate() {
            jobs.extend(pagers.iter().map(|p| Job::Section(i, p.index)));
        }
        for (t, terms) in self.terms.iter().enumerate() {
            jobs.push(Job::TaxonomyList(t));
            for (n, pagers) in terms.iter().enumerate() {
                jobs.extend(pagers.iter().map(|p| Job::Term(t, n, p.index)));
            }
        }
        jobs
    }
}

/// Where rendered files go: an in-memory [`Output`] (the live preview, tests) or the output
/// folder (`write::SiteWriter`), so that `haven build` never holds the whole site in memory.
pub trait Sink: Sync {
    fn put(&self, path: String, file: OutputFile) -> Result<(), Diagnostic>;
}

/// Collects files into an [`Output`].
#[derive(Default)]
struct MemorySink(std::sync::Mutex<BTreeMap<Arc<str>, OutputFile>>);

impl Sink for MemorySink {
    fn put(&self, path: String, file: OutputFile) -> Result<(), Diagnostic> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(path.into(), file);
        Ok(())
    }
}

impl MemorySink {
    fn into_files(self) -> BTreeMap<Arc<str>, OutputFile> {
        self.0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Renders the whole site into memory.
pub fn render_site(site: &Site) -> Result<(Output, Stats), Vec<Diagnostic>> {
    let sink = MemorySink::default();
    let stats = render_site_into(site, &sink)?;
    Ok((
        Output {
            files: sink.into_files(),
        },
        stats,
    ))
}

/// Renders the whole site, handing every file to `sink` as soon as it is ready. On error the
/// sink may have received some files; the caller discards them.
pub fn render_site_into(site: &Site, sink: &dyn Sink) -> Result<Stats, Vec<Diagnostic>> {
    render_into(site, sink, false)
}

/// Like [`render_site_into`] for a site loaded with
/// [`Assembled::finish_into`](crate::site::Assembled::finish_into), whose pages went to `sink`
/// as they were loaded: renders everything else.
pub fn render_rest_into(site: &Site, sink: &dyn Sink) -> Result<Stats, Vec<Diagnostic>> {
    render_into(site, sink, true)
}

fn render_into(
    site: &Site,
    sink: &dyn Sink,
    pages_written: bool,
) -> Result<Stats, Vec<Diagnostic>> {
    let summaries = context::summaries(site);
    let listings = Listings::new(site);
    let mut jobs = listings.all_jobs(site);
    if pages_written {
        jobs.retain(|job| !matches!(job, Job::Page(_)));
    }
    let (rendered, mut errors) = render_jobs(site, &jobs, &listings, summaries, sink);
    let mut page_files: std::collections::HashSet<String> = rendered.into_iter().collect();
    if pages_written {
        page_files.extend(site.pages.iter().map(|p| output_path(&p.path)));
    }

    // Everything besides the listed pages; later entries replace earlier ones.
    let (mut extras, special_errors) = render_special_pages(site, &page_files);
    errors.extend(special_errors);
    for p in &site.pages {
        // Aliases that are not paths fail the build before this (see `site::check_aliases`).
        for alias in p.front().aliases.iter().filter_map(|a| alias_path(a).ok()) {
            let target = site.permalink(&p.path);
            extras.insert(
                output_path(&alias),
                OutputFile::Generated(Arc::new(redirect_page(&target).into_bytes())),
            );
        }
    }
    extras.extend(
        crate::output::files(site)
            .into_iter()
            .map(|(path, bytes)| (path, OutputFile::Generated(Arc::new(bytes)))),
    );
    for c in &site.copied {
        if !page_files.contains(&c.output) {
            extras
                .entry(c.output.clone())
                .or_insert_with(|| OutputFile::Copied(c.source.clone()));
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        errors.dedup();
        return Err(errors);
    }
    let html_files = page_files.len()
        + extras
            .keys()
            .filter(|k| k.ends_with(".html") && !page_files.contains(*k))
            .count();
    let files = page_files.len() + extras.keys().filter(|k| !page_files.contains(*k)).count();
    extras
        .into_par_iter()
        .try_for_each(|(path, file)| sink.put(path, file))
        .map_err(|d| vec![d])?;
    Ok(Stats {
        pages: site.pages.len(),
        articles: site.article_count(),
        sections: site.sections.len(),
        taxonomies: site.taxonomies.len(),
        files,
        html_files,
    })
}

/// Every verdict that rendering gives on the site, without writing anything: each page and
/// listing rendered with its template (around the empty bodies of a site loaded for the checks
/// only), and the 404 and search pages. `haven check` runs this so that it fails wherever
/// `haven build` would.
pub fn check_templates(site: &Site) -> Vec<Diagnostic> {
    struct Discard;
    impl Sink for Discard {
        fn put(&self, _: String, _: OutputFile) -> Result<(), Diagnostic> {
            Ok(())
        }
    }
    let summaries = context::summaries(site);
    let listings = Listings::new(site);
    let jobs = listings.all_jobs(site);
    let (_, mut errors) = render_jobs(site, &jobs, &listings, summaries, &Discard);
    let page_files: std::collections::HashSet<String> =
        site.pages.iter().map(|p| output_path(&p.path)).collect();
    errors.extend(render_special_pages(site, &page_files).1);
    errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    errors.dedup();
    errors
}

/// The 404 page (rendered but left out when a static file replaces it through
/// `replace_generated`), and the search page when search is on and the theme has `search.html`
/// (a page of the site at /search/ wins); and the problems rendering them.
fn render_special_pages(
    site: &Site,
    page_files: &std::collections::HashSet<String>,
) -> (BTreeMap<String, OutputFile>, Vec<Diagnostic>) {
    let mut extras: BTreeMap<String, OutputFile> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut not_found = Context::new();
    not_found.insert(
        "current_path",
        &format!("{}/404.html", site.config.base_path()),
    );
    not_found.insert("current_url", &site.permalink("/404.html"));
    let replaced = |path: &str| site.config.replace_generated.iter().any(|r| r == path);
    match site
        .templates
        .render("404.html", &not_found, &site.options.deadline, "/404.html")
    {
        // A static file replaces it (`replace_generated`); the template is still checked.
        Ok(_) if replaced("404.html") => {}
        Ok(html) => {
            extras.insert(
                "404.html".into(),
                OutputFile::Generated(Arc::new(html.into_bytes())),
            );
        }
        Err(d) => errors.push(d),
    }
    // The search page, when search is on and the theme has `search.html` (a page of the site
    // at /search/ wins).
    let search_file = output_path("/search/");
    if site.config.search.enabled
        && site.templates.has(crate::render::SEARCH_TEMPLATE)
        && !page_files.contains(&search_file)
    {
        let mut ctx = Context::new();
        ctx.insert(
            "current_path",
            &format!("{}/search/", site.config.base_path()),
        );
        ctx.insert("current_url", &site.permalink("/search/"));
        ctx.insert_value("search", crate::output::search::page_value(site));
        match site.templates.render(
            crate::render::SEARCH_TEMPLATE,
            &ctx,
            &site.options.deadline,
            "/search/",
        ) {
            Ok(html) => {
                extras.insert(
                    search_file,
                    OutputFile::Generated(Arc::new(html.into_bytes())),
                );
            }
            Err(d) => errors.push(d),
        }
    }
    (extras, errors)
}

/// Renders `jobs` in parallel into `sink`; returns the output paths written and the problems
/// found.
fn render_jobs(
    site: &Site,
    jobs: &[Job],
    listings: &Listings,
    summaries: &[tera::Value],
    sink: &dyn Sink,
) -> (Vec<String>, Vec<Diagnostic>) {
    let results: Vec<Result<String, Diagnostic>> = jobs
        .par_iter()
        .with_max_len(crate::site::PAGES_PER_TASK)
        .map(|job| {
            let (path, bytes) = render_job(site, *job, listings, summaries)?;
            sink.put(path.clone(), OutputFile::Generated(Arc::new(bytes)))?;
            Ok(path)
        })
        .collect();
    let (mut paths, mut errors) = (Vec::new(), Vec::new());
    for r in results {
        match r {
            Ok(path) => paths.push(path),
            Err(d) => errors.push(d),
        }
    }
    // A failing sink reports the same problem for every file: keep one.
    errors.dedup_by(|a, b| a.code == "write" && b.code == "write");
    (paths, errors)
}

/// The result of an incremental re-render: the new output and the jobs that ran.
pub type Rerendered = Result<(Output, Vec<Job>), Vec<Diagnostic>>;

/// Re-renders only what an edit of existing content files can have changed, starting from the
/// previous build's output. Returns `None` when the change is structural (pages added, removed
/// or moved, URLs, aliases or terms changed): the caller then renders the whole site.
pub fn rerender(old_site: &Site, old_output: &Output, site: &Site) -> Option<Rerendered> {
    let same_pages = old_site.pages.len() == site.pages.len()
        && old_site.pages.iter().zip(&site.pages).all(|(a, b)| {
            a.content_path() == b.content_path() && a.front().aliases == b.front().aliases
        });
    let same_terms = old_site.taxonomies.len() == site.taxonomies.len()
        && old_site
            .taxonomies
            .iter()
            .zip(&site.taxonomies)
            .all(|(a, b)| {
                a.terms.len() == b.terms.len()
                    && a.terms
                        .iter()
                        .zip(&b.terms)
                        .all(|(x, y)| x.slug == y.slug && x.name == y.name)
            });
    if !same_pages
        || !same_terms
        || old_site.urls != site.urls
        || old_site.copied != site.copied
        || old_site.sections.len() != site.sections.len()
        || old_site
            .sections
            .iter()
            .zip(&site.sections)
            .any(|(a, b)| a.front != b.front || a.path != b.path)
    {
        return None;
    }
    let old_summaries = context::summaries(old_site);
    let summaries = context::summaries_reusing(site, old_site);
    let listings = Listings::new(site);
    let changed: Vec<usize> = (0..site.pages.len())
        .filter(|&i| {
            !Arc::ptr_eq(&old_site.pages[i].source, &site.pages[i].source)
                || !Arc::ptr_eq(&old_site.pages[i].rendered, &site.pages[i].rendered)
        })
        .collect();
    let summary_changed: Vec<usize> = changed
        .iter()
        .copied()
        .filter(|&i| old_summaries[i] != summaries[i])
        .collect();
    let mut jobs: std::collections::HashSet<Job> = changed.iter().map(|&i| Job::Page(i)).collect();
    // Sections: listings whose order changed are re-rendered whole, with every page's neighbours.
    for (s, (old, new)) in old_site.sections.iter().zip(&site.sections).enumerate() {
        let reorder = old.pages != new.pages;
        if reorder || old.rendered.html != new.rendered.html {
            jobs.extend(
                listings.sections[s]
                    .iter()
                    .map(|p| Job::Section(s, p.index)),
            );
            if reorder {
                jobs.extend(new.pages.iter().map(|&i| Job::Page(i)));
                jobs.extend(old.pages.iter().map(|&i| Job::Page(i)));
            }
            continue;
        }
        for pager in &listings.sections[s] {
            if pager
                .chunk(&new.pages)
                .iter()
                .any(|i| summary_changed.contains(i))
            {
                jobs.insert(Job::Section(s, pager.index));
            }
        }
    }
    for &i in &summary_changed {
        // Neighbours show this page's title; the home page lists recent articles; articles
        // show their section.
        jobs.extend(site.pages[i].previous.map(Job::Page));
        jobs.extend(site.pages[i].next.map(Job::Page));
        jobs.insert(Job::Section(0, 1));
    }
    for (t, (old_t, new_t)) in old_site.taxonomies.iter().zip(&site.taxonomies).enumerate() {
        let mut counts_changed = false;
        for (n, (old_term, term)) in old_t.terms.iter().zip(&new_t.terms).enumerate() {
            if old_term.pages != term.pages {
                counts_changed = true;
                jobs.extend(
                    listings.terms[t][n]
                        .iter()
                        .map(|p| Job::Term(t, n, p.index)),
                );
                continue;
            }
            for pager in &listings.terms[t][n] {
                if pager
                    .chunk(&term.pages)
                    .iter()
                    .any(|i| summary_changed.contains(i))
                {
                    jobs.insert(Job::Term(t, n, pager.index));
                }
            }
        }
        if counts_changed {
            jobs.insert(Job::TaxonomyList(t));
        }
    }
    let mut jobs: Vec<Job> = jobs.into_iter().collect();
    jobs.sort_by_key(|j| format!("{j:?}"));
    let sink = MemorySink(std::sync::Mutex::new(old_output.files.clone()));
    let (_, errors) = render_jobs(site, &jobs, &listings, summaries, &sink);
    let mut output = Output {
        files: sink.into_files(),
    };
    // Deploy files follow what changed (URLs, aliases, terms and configuration are the same
    // here): the sitemap the pages' last-modified dates, the feeds the summaries (titles,
    // dates, authors, tags, descriptions and summary HTML), the search index the entries.
    let parts = crate::output::Parts {
        sitemap: changed.iter().any(|&i| {
            crate::output::sitemap::last_modified(&old_site.pages[i])
                != crate::output::sitemap::last_modified(&site.pages[i])
        }),
        feeds: !summary_changed.is_empty(),
        search: changed.iter().any(|&i| {
            old_site.pages[i].rendered.search_entry != site.pages[i].rendered.search_entry
        }),
        rest: false,
    };
    output.files.extend(
        crate::output::files_of(site, parts)
            .into_iter()
            .map(|(path, bytes)| (path.into(), OutputFile::Generated(Arc::new(bytes)))),
    );
    Some(if errors.is_empty() {
        Ok((output, jobs))
    } else {
        Err(errors)
    })
}

/// The site path a job renders (`/articles/a/`, `/tags/sleep/page/2/`).
fn job_path(site: &Site, listings: &Listings, job: Job) -> String {
    match job {
        Job::Page(i) => site.pages[i].path.to_string(),
        Job::Section(i, n) => listings.sections[i][n - 1].path(),
        Job::TaxonomyList(t) => site.taxonomies[t].path(),
        Job::Term(t, n, p) => listings.terms[t][n][p - 1].path(),
    }
}

fn render_job(
    site: &Site,
    job: Job,
    listings: &Listings,
    summaries: &[tera::Value],
) -> Result<(String, Vec<u8>), Diagnostic> {
    let mut ctx = Context::new();
    let template = match job {
        Job::Page(i) => {
            let summary = summaries.get(i).cloned().unwrap_or_else(tera::Value::none);
            return render_page_job(site, &site.pages[i], &summary, listings);
        }
        Job::Section(i, n) => {
            let s = &site.sections[i];
            let pager = &listings.sections[i][n - 1];
            let is_home = i == 0;
            ctx.insert_value(
                "section",
                context::section_value(site, s, summaries, is_home),
            );
            ctx.insert_value(
                "paginator",
                context::paginator_value(site, pager, &s.pages, summaries),
            );
            if is_home {
                let mut recent: Vec<usize> = (0..site.pages.len())
                    .filter(|&p| site.pages[p].kind == PageKind::Article)
                    .collect();
                crate::site::sort_pages(
                    &mut recent,
                    &site.pages,
                    crate::content::front_matter::SortBy::Date,
                );
                recent.truncate(6);
                let values: Vec<tera::Value> =
                    recent.iter().map(|&p| summaries[p].clone()).collect();
                ctx.insert("recent", &values);
            }
            if is_home {
                "index.html"
            } else {
                "section.html"
            }
        }
        Job::TaxonomyList(t) => {
            let tax = &site.taxonomies[t];
            ctx.insert_value("taxonomy", context::taxonomy_value(site, tax, true));
            "taxonomy_list.html"
        }
        Job::Term(t, n, p) => {
            let tax = &site.taxonomies[t];
            let term = &tax.terms[n];
            let pager = &listings.terms[t][n][p - 1];
            ctx.insert_value("taxonomy", context::taxonomy_value(site, tax, false));
            ctx.insert_value("term", context::term_value(site, tax, term));
            ctx.insert_value(
                "paginator",
                context::paginator_value(site, pager, &term.pages, summaries),
            );
            "taxonomy_single.html"
        }
    };
    let path = job_path(site, listings, job);
    let url_path = format!("{}{path}", site.config.base_path());
    ctx.insert("current_path", &url_path);
    ctx.insert("current_url", &site.permalink(&path));
    let html = site.templates.render_bytes(
        template,
        &ctx,
        LISTING_BYTES,
        &site.options.deadline,
        &path,
    )?;
    Ok((output_path(&path), html))
}

/// Room for what a page template adds around the body (the default theme adds ≈ 8 KB), so
/// that rendering a page does not grow its buffer.
const PAGE_CHROME_BYTES: usize = 16 * 1024;

/// Room for a listing page (20 summaries in the default theme: ≈ 13 KB).
const LISTING_BYTES: usize = 32 * 1024;

/// A page's output path and HTML; `summary` is its summary value (see `context::summaries`).
pub fn render_page_job(
    site: &Site,
    page: &Page,
    summary: &tera::Value,
    listings: &Listings,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert_value("page", context::page_value(site, page, summary));
    let template = match page.kind {
        PageKind::Article => {
            ctx.insert_value("section", listings.section_values[page.section].clone());
            "article.html"
        }
        PageKind::Page => "page.html",
        PageKind::Help => "help.html",
    };
    ctx.insert(
        "current_path",
        &format!("{}{}", site.config.base_path(), page.path),
    );
    ctx.insert("current_url", &site.permalink(&page.path));
    let expected_len = page.rendered.html.len() + PAGE_CHROME_BYTES;
    let html = site.templates.render_bytes(
        template,
        &ctx,
        expected_len,
        &site.options.deadline,
        &page.source.file.display().to_string(),
    )?;
    check_safety_slots(site, page, template, &html)?;
    Ok((output_path(&page.path), html))
}

/// An article template must print the content warning and crisis notice an article needs.
fn check_safety_slots(
    site: &Site,
    p: &Page,
    template: &str,
    html: &[u8],
) -> Result<(), Diagnostic> {
    if p.kind != PageKind::Article {
        return Ok(());
    }
    // Printed by the template: a marker in the article's own text does not stand in for it
    // (and `haven check`, which renders templates around empty bodies, agrees with the build).
    // Articles almost never have a marker of their own: one search of the body, then each
    // marker's first occurrence in the page suffices.
    let body = p.rendered.html.as_bytes();
    let body_has_markers = memchr::memmem::find(body, b"data-haven=").is_some();
    let count = |haystack: &[u8], needle: &str| {
        memchr::memmem::find_iter(haystack, needle.as_bytes()).count()
    };
    let contains = |needle: &str| {
        if body_has_markers {
            count(html, needle) > count(body, needle)
        } else {
            memchr::memmem::find(html, needle.as_bytes()).is_some()
        }
    };
    let mut missing = Vec::new();
    if !p.front().content_warnings.is_empty() && !contains("data-haven=\"content-warning\"") {
        missing.push("the content warning (`page.safety.warnings`)");
    }
    if !contains("data-haven=\"crisis-notice\"") {
        missing.push("the crisis notice (`page.safety.crisis_level`)");
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(Diagnostic::error(
        "missing-safety-slot",
        format!(
            "the template {} does not output {} for {}",
            template,
            missing.join(" or "),
            p.source.file.display()
        ),
    )
    .in_file(site.templates.display_path(template))
    .at(1, 1)
    .suggest("print them in an element marked data-haven=\"content-warning\" / data-haven=\"crisis-notice\"; see docs/templates.md"))
}

/// An HTML page that sends readers (and search engines) from an old URL to the new one.
pub fn redirect_page(target: &str) -> String {
    let t = crate::markdown::escape_attr(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{t}\">{t}</a>.</p>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_are_pretty() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/articles/a/"), "articles/a/index.html");
        assert_eq!(output_path("/old/page.html"), "old/page.html");
    }

    /// A site whose pages are written as their bodies are rendered (`haven build` over a
    /// previous build) is the same site, file for file, as one rendered after loading; and no
    /// page keeps its HTML.
    #[test]
    fn a_site_written_while_it_loads_is_the_same_site() {
        let options = crate::site::LoadOptions {
            root: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            drafts: false,
            base_url: None,
            serve: false,
            today: Some("2026-06-01".parse().expect("a date")),
            checks_only: false,
            deadline: Default::default(),
        };
        let bytes = |files: &BTreeMap<Arc<str>, OutputFile>| -> Vec<(String, Vec<u8>)> {
            files
                .iter()
                .map(|(path, file)| {
                    let bytes = file.bytes().expect("readable").into_owned();
                    (path.to_string(), bytes)
                })
                .collect()
        };
        let loaded = Site::load(&options).expect("the example site loads");
        // A loaded site keeps every page's HTML until it is written: spare capacity in each
        // would add a third to the largest part of its memory.
        assert!(
            loaded.pages.iter().all(|p| !p.rendered.html.is_empty()
                && p.rendered.html.capacity() == p.rendered.html.len())
        );
        let (whole, _) = render_site(&loaded).expect("renders");

        let sink = MemorySink::default();
        let streamed = Site::assemble(&options, None)
            .expect("assembles")
            .finish_into(&sink)
            .expect("loads");
        assert!(
            streamed
                .pages
                .iter()
                .all(|p| p.rendered.html.is_empty() && p.rendered.toc.is_empty())
        );
        assert!(loaded.pages.iter().any(|p| !p.rendered.toc.is_empty()));
        render_rest_into(&streamed, &sink).expect("renders");
        let files = sink.into_files();
        assert!(files.len() > 20);
        assert!(bytes(&files) == bytes(&whole.files));
    }

    #[test]
    fn redirect_page_escapes_the_target() {
        let html = redirect_page("https://e.org/a/?x=\"y\"");
        assert!(html.contains("url=https://e.org/a/?x=&quot;y&quot;"));
    }
}
