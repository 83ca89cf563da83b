//! The build pipeline: a loaded [`Site`] → an [`Output`] (every output file as a value).
//!
//! Rendering is a pure function of the site; nothing here touches the output directory
//! (see `write`), so `serve` can hold the same `Output` in memory.

use crate::diagnostics::Diagnostic;
use crate::render::context::{self, Pager};
use crate::site::{FileSource, PageKind, Site, normalise_alias};
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
            OutputFile::Copied(FileSource::Disk(p)) => std::fs::read(p).map(std::borrow::Cow::Owned),
        }
    }
}

/// Every file of the built site, keyed by path relative to the output root (`a/index.html`).
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub files: BTreeMap<String, OutputFile>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub pages: usize,
    pub articles: usize,
    pub sections: usize,
    pub taxonomies: usize,
    pub files: usize,
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

/// A job that renders one HTML file.
enum Job<'a> {
    Page(usize),
    Section(usize, &'a Pager),
    TaxonomyList(usize),
    Term(usize, usize, &'a Pager),
}

/// Renders the whole site.
pub fn render_site(site: &Site) -> Result<(Output, Stats), Vec<Diagnostic>> {
    let summaries = context::summaries(site);

    let section_pagers: Vec<Vec<Pager>> = site
        .sections
        .iter()
        .map(|s| context::paginate(site, &s.path, &s.pages, s.front.paginate_by, &summaries))
        .collect();
    let term_pagers: Vec<Vec<Vec<Pager>>> = site
        .taxonomies
        .iter()
        .map(|t| {
            t.terms
                .iter()
                .map(|term| {
                    context::paginate(
                        site,
                        &format!("/{}/{}/", t.name, term.slug),
                        &term.pages,
                        site.config.taxonomies.paginate_by,
                        &summaries,
                    )
                })
                .collect()
        })
        .collect();

    let mut jobs: Vec<Job<'_>> = (0..site.pages.len()).map(Job::Page).collect();
    for (i, pagers) in section_pagers.iter().enumerate() {
        jobs.extend(pagers.iter().map(|p| Job::Section(i, p)));
    }
    for (t, terms) in term_pagers.iter().enumerate() {
        jobs.push(Job::TaxonomyList(t));
        for (n, pagers) in terms.iter().enumerate() {
            jobs.extend(pagers.iter().map(|p| Job::Term(t, n, p)));
        }
    }

    let rendered: Vec<Result<(String, Vec<u8>), Diagnostic>> = jobs
        .par_iter()
        .map(|job| render_job(site, job, &summaries))
        .collect();

    let mut output = Output::default();
    let mut errors = Vec::new();
    for r in rendered {
        match r {
            Ok((path, bytes)) => {
                output
                    .files
                    .insert(path, OutputFile::Generated(Arc::new(bytes)));
            }
            Err(d) => errors.push(d),
        }
    }
    let mut not_found = Context::new();
    not_found.insert("current_path", &format!("{}/404.html", site.config.base_path()));
    not_found.insert("current_url", &site.permalink("/404.html"));
    match site.templates.render("404.html", &not_found) {
        Ok(html) => {
            output
                .files
                .insert("404.html".into(), OutputFile::Generated(Arc::new(html.into_bytes())));
        }
        Err(d) => errors.push(d),
    }
    for p in &site.pages {
        for alias in &p.front().aliases {
            let target = site.permalink(&p.path);
            output.files.insert(
                output_path(&normalise_alias(alias)),
                OutputFile::Generated(Arc::new(redirect_page(&target).into_bytes())),
            );
        }
    }
    for c in &site.copied {
        output
            .files
            .entry(c.output.clone())
            .or_insert_with(|| OutputFile::Copied(c.source.clone()));
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        errors.dedup();
        return Err(errors);
    }
    let stats = Stats {
        pages: site.pages.len(),
        articles: site.article_count(),
        sections: site.sections.len(),
        taxonomies: site.taxonomies.len(),
        files: output.files.len(),
    };
    Ok((output, stats))
}

fn render_job(site: &Site, job: &Job<'_>, summaries: &[tera::Value]) -> Result<(String, Vec<u8>), Diagnostic> {
    let mut ctx = Context::new();
    let (template, path) = match *job {
        Job::Page(i) => {
            let page = &site.pages[i];
            ctx.insert_value("page", context::page_value(site, page));
            let template = match page.kind {
                PageKind::Article => {
                    ctx.insert_value(
                        "section",
                        context::section_value(site, &site.sections[page.section], summaries, false),
                    );
                    "article.html"
                }
                PageKind::Page => "page.html",
                PageKind::Help => "help.html",
            };
            (template, page.path.clone())
        }
        Job::Section(i, pager) => {
            let s = &site.sections[i];
            let is_home = i == 0;
            ctx.insert_value("section", context::section_value(site, s, summaries, is_home));
            ctx.insert_value("paginator", pager.value.clone());
            if is_home {
                let mut recent: Vec<usize> = (0..site.pages.len())
                    .filter(|&p| site.pages[p].kind == PageKind::Article)
                    .collect();
                crate::site::sort_pages(&mut recent, &site.pages, crate::content::front_matter::SortBy::Date);
                recent.truncate(6);
                let values: Vec<tera::Value> = recent.iter().map(|&p| summaries[p].clone()).collect();
                ctx.insert("recent", &values);
            }
            (if is_home { "index.html" } else { "section.html" }, pager.path.clone())
        }
        Job::TaxonomyList(t) => {
            let tax = &site.taxonomies[t];
            ctx.insert_value("taxonomy", context::taxonomy_value(site, tax, true));
            ("taxonomy_list.html", tax.path())
        }
        Job::Term(t, n, pager) => {
            let tax = &site.taxonomies[t];
            ctx.insert_value("taxonomy", context::taxonomy_value(site, tax, false));
            ctx.insert_value("term", context::term_value(site, tax, &tax.terms[n]));
            ctx.insert_value("paginator", pager.value.clone());
            ("taxonomy_single.html", pager.path.clone())
        }
    };
    let url_path = format!("{}{path}", site.config.base_path());
    ctx.insert("current_path", &url_path);
    ctx.insert("current_url", &site.permalink(&path));
    let html = site.templates.render(template, &ctx)?;
    if let Job::Page(i) = *job {
        check_safety_slots(site, i, template, &html)?;
    }
    Ok((output_path(&path), html.into_bytes()))
}

/// An article template must print the content warning and crisis notice an article needs.
fn check_safety_slots(site: &Site, page: usize, template: &str, html: &str) -> Result<(), Diagnostic> {
    let p = &site.pages[page];
    if p.kind != PageKind::Article {
        return Ok(());
    }
    let mut missing = Vec::new();
    if !p.front().content_warnings.is_empty() && !html.contains("data-haven=\"content-warning\"") {
        missing.push("the content warning (`page.safety.warnings`)");
    }
    if !html.contains("data-haven=\"crisis-notice\"") {
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

    #[test]
    fn redirect_page_escapes_the_target() {
        let html = redirect_page("https://e.org/a/?x=\"y\"");
        assert!(html.contains("url=https://e.org/a/?x=&quot;y&quot;"));
    }
}
