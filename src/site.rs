//! The in-memory site model: every page, section and taxonomy, their URLs and the link graph.
//!
//! [`Site::load`] reads a site folder into this model (in parallel) and collects every problem
//! as a diagnostic. Rendering and checks are functions of a loaded `Site`.

use crate::check::{Checker, PageChecks};
use crate::config::{CONFIG_FILE, Config};
use crate::content::front_matter::{PageFront, SectionFront, SortBy};
use crate::content::{self, Entry, Parsed};
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Rendered};
use crate::render::Templates;
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Most pages one parallel task takes at a time. Left to itself, rayon cuts a list into a few
/// large pieces per thread, and the last of them kept one core busy for up to a tenth of a
/// second while the other had nothing left to do.
pub const PAGES_PER_TASK: usize = 16;

/// How to load a site.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub root: PathBuf,
    pub drafts: bool,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Serve mode: templates see `site.serve = true`.
    pub serve: bool,
    /// The day clinical review ages are measured from; `None` is today.
    pub today: Option<jiff::civil::Date>,
    /// Load for the checks only (`haven check`): no body HTML and no search entries are made;
    /// the templates can still be rendered around empty bodies, for their verdicts.
    pub checks_only: bool,
    /// The time limit of the build (none by default).
    pub deadline: Arc<crate::deadline::Deadline>,
}

impl LoadOptions {
    /// The day review ages are measured from: `today`, else the current date.
    pub fn day(&self) -> jiff::civil::Date {
        self.today.unwrap_or_else(|| jiff::Zoned::now().date())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// A page inside a section (`content/articles/a.md`).
    Article,
    /// A stand-alone page at the content root (`content/about.md`).
    Page,
    /// The Get Help Now page (`content/<help_page>.md`, or generated without one).
    Help,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Shared with the previous build in `serve` when the file did not change.
    pub source: Arc<Parsed<PageFront>>,
    pub kind: PageKind,
    pub slug: Arc<str>,
    /// Site path, e.g. `/articles/a/`.
    pub path: Arc<str>,
    pub section: usize,
    /// Content paths of the bundle's other files (copied next to the page).
    pub assets: Vec<String>,
    /// The rendered body; its prose is dropped once the page has been checked, and its HTML
    /// once the page has been written when the site was loaded with
    /// [`Assembled::finish_into`].
    pub rendered: Arc<Rendered>,
    /// The safety checks' findings, made while loading.
    pub checks: Arc<PageChecks>,
    pub previous: Option<usize>,
    pub next: Option<usize>,
}

impl Page {
    pub fn front(&self) -> &PageFront {
        &self.source.front
    }
    pub fn content_path(&self) -> &str {
        &self.source.content_path
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// `None` for a home section that has no `content/_index.md`.
    pub source: Option<Parsed<SectionFront>>,
    pub front: SectionFront,
    /// Folder relative to `content/` (`""` for home).
    pub dir: String,
    pub path: String,
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
    pub parent: Option<usize>,
    pub rendered: Rendered,
}

impl Section {
    pub fn content_path(&self) -> String {
        if self.dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}/_index.md", self.dir)
        }
    }
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// Pages with this term, newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `tags` or `categories`.
    pub name: &'static str,
    pub title: &'static str,
    pub terms: Vec<Term>,
}

impl Taxonomy {
    pub fn path(&self) -> String {
        format!("/{}/", self.name)
    }
}

/// A file copied into the output unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedFile {
    /// Path in the output, e.g. `css/style.css`.
    pub output: String,
    pub source: FileSource,
    /// The file as messages name it (`static/css/style.css`, `content/a/photo.png`).
    pub shown: PathBuf,
    pub from: CopiedFrom,
}

/// The folder a copied file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopiedFrom {
    /// `content/` (page bundles and other files).
    Content,
    /// The theme's `static/`.
    Theme,
    /// The site's `static/`.
    Static,
}

/// Where a copied file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    Disk(PathBuf),
    /// A file of the theme built into the binary.
    Embedded(&'static [u8]),
}

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub options: LoadOptions,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Content path → site path, for pages and sections. Shared with the sites a live preview
    /// patches from this one (their URLs are the same).
    pub urls: Arc<HashMap<String, String>>,
    /// Content path → index in `pages` (shared like `urls`).
    pub page_index: Arc<HashMap<String, usize>>,
    /// Static files of the theme and the site, and non-markdown content files.
    pub copied: Vec<CopiedFile>,
    /// Every copied file's name (`css/style.css`) → its output path (`css/style.3f9a1c2b.css`
    /// for fingerprinted CSS and JS, else the same), for `asset()` and `_headers`.
    pub assets: BTreeMap<String, String>,
    /// Shared with the previous build in `serve` while templates, configuration and URLs
    /// are unchanged.
    pub templates: Arc<Templates>,
    /// Warnings found while loading (errors make `load` fail).
    pub warnings: Vec<Diagnostic>,
    /// The files of `content/`, as discovered.
    pub entries: Arc<Vec<Entry>>,
    /// Template values of every page's summary, made once (see `render::context::summaries`).
    pub summaries: std::sync::OnceLock<Vec<tera::Value>>,
    /// Template values every page's `page.safety` shares, made once.
    pub safety_defaults: std::sync::OnceLock<crate::render::context::SafetyDefaults>,
    /// The compiled safety checks (shared with the previous build while `safety` is the same).
    pub checker: Arc<Checker>,
    /// The day review ages were measured from.
    pub today: jiff::civil::Date,
}

/// Display path of a file under the root (`content/a.md`), for messages.
fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Loads `site.yaml`, with `--base-url` applied, and checks the paths it names.
pub fn load_config(options: &LoadOptions) -> Result<Config, Vec<Diagnostic>> {
    let mut config = read_config(options).map_err(|d| vec![d])?;
    config.check_paths()?;
    Ok(config)
}

/// `site.yaml` parsed, with `--base-url` applied.
fn read_config(options: &LoadOptions) -> Result<Config, Diagnostic> {
    let path = options.root.join(CONFIG_FILE);
    if let Ok(meta) = std::fs::metadata(&path)
        && meta.len() > crate::limits::MAX_CONFIG_BYTES
    {
        return Err(crate::limits::too_large(
            Path::new(CONFIG_FILE),
            meta.len(),
            crate::limits::MAX_CONFIG_BYTES,
            "site.yaml",
            "site.yaml holds settings, crisis resources and rules: a few kilobytes",
        ));
    }
    let text = match std::fs::read(&path) {
        Ok(bytes) => content::decode(bytes, Path::new(CONFIG_FILE))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Diagnostic::error(
                "missing-config",
                format!("no {CONFIG_FILE} in {}", options.root.display()),
            )
            .suggest(
                "run `haven init DIR` to start a new site, or pass the site folder with --root",
            ));
        }
        Err(e) => {
            return Err(
                Diagnostic::error("io", format!("cannot read {CONFIG_FILE}: {e}"))
                    .in_file(CONFIG_FILE),
            );
        }
    };
    let mut config = Config::parse(&text, Path::new(CONFIG_FILE))?;
    if let Some(url) = &options.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    if !config.base_url.contains("://") {
        let (line, column) = config.source.position(&["base_url"]);
        return Err(Diagnostic::error(
            "invalid-base-url",
            format!("base_url `{}` is not an absolute URL", config.base_url),
        )
        .in_file(CONFIG_FILE)
        .at(line, column)
        .suggest("use the full address, e.g. `https://example.org/`"));
    }
    Ok(config)
}

/// Pages and sections read from disk, before URLs and rendering.
struct Loaded {
    pages: Vec<Arc<Parsed<PageFront>>>,
    sections: Vec<Parsed<SectionFront>>,
    assets: Vec<String>,
}

/// What a rebuild may reuse from the previous build. Give one only when templates and the
/// theme did not change (content files and `site.yaml` are compared, templates are not).
pub struct Reuse<'a> {
    pub previous: &'a Site,
    /// Content paths (`articles/a.md`) of files that changed, were created or deleted.
    pub changed: &'a HashSet<String>,
    /// Whether the list of content files may have changed (files created, deleted or renamed).
    pub rediscover: bool,
}

fn read_content(
    root: &Path,
    entries: &[Entry],
    drafts: bool,
    reuse: Option<&Reuse<'_>>,
) -> (Loaded, Vec<Diagnostic>) {
    let content_dir = root.join("content");
    let previous: HashMap<&str, &Arc<Parsed<PageFront>>> = reuse
        .map(|r| {
            r.previous
                .pages
                .iter()
                .filter(|p| !r.changed.contains(p.content_path()))
                .map(|p| (p.content_path(), &p.source))
                .collect()
        })
        .unwrap_or_default();
    enum Item {
        Page(Arc<Parsed<PageFront>>),
        Section(Parsed<SectionFront>),
        Asset(String),
        Skip,
    }
    let results: Vec<Result<Item, Diagnostic>> = entries
        .par_iter()
        .with_max_len(PAGES_PER_TASK)
        .map(|entry| match entry {
            Entry::Asset { content_path } => Ok(Item::Asset(content_path.clone())),
            Entry::Page { content_path } => {
                if let Some(&p) = previous.get(content_path.as_str()) {
                    return Ok(Item::Page(Arc::clone(p)));
                }
                let path = content_dir.join(content_path);
                let display = display_path(root, &path);
                // The body is read when the page is rendered, after every URL is known.
                let text = content::read_front_matter(&path, &display)?;
                let mut page = content::parse_page(text, &display, content_path)?;
                Ok(if page.front.draft && !drafts {
                    Item::Skip
                } else {
                    page.drop_body();
                    Item::Page(Arc::new(page))
                })
            }
            Entry::Section { content_path } => {
                let path = content_dir.join(content_path);
                let display = display_path(root, &path);
                let text = content::read_text(&path, &display)?;
                Ok(Item::Section(content::parse_section(
                    text,
                    &display,
                    content_path,
                )?))
            }
        })
        .collect();
    let mut loaded = Loaded {
        pages: Vec::new(),
        sections: Vec::new(),
        assets: Vec::new(),
    };
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(Item::Page(p)) => loaded.pages.push(p),
            Ok(Item::Section(s)) => loaded.sections.push(s),
            Ok(Item::Asset(a)) => loaded.assets.push(a),
            Ok(Item::Skip) => {}
            Err(d) => errors.push(d),
        }
    }
    (loaded, errors)
}

fn parent_dir(content_path: &str) -> &str {
    content_path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// A site read and assembled, its bodies not yet rendered (see [`Site::assemble`]).
pub struct Assembled<'a> {
    site: Site,
    /// Problems found so far.
    errors: Vec<Diagnostic>,
    /// A previous site whose unchanged pages' rendered bodies can be reused.
    reusable: Option<&'a Site>,
}

impl Assembled<'_> {
    /// Renders and checks every body and checks the links: the loaded site, or every problem.
    pub fn finish(self) -> Result<Site, Vec<Diagnostic>> {
        self.complete(None)
    }

    /// Like [`Assembled::finish`], handing each page's output file to `sink` as soon as its body
    /// is rendered; the rest of the site is then rendered with `build::render_rest_into`. On
    /// error the sink may have received some pages; the caller discards them.
    pub fn finish_into(self, sink: &dyn crate::build::Sink) -> Result<Site, Vec<Diagnostic>> {
        self.complete(Some(sink))
    }

    fn complete(self, sink: Option<&dyn crate::build::Sink>) -> Result<Site, Vec<Diagnostic>> {
        let Assembled {
            mut site,
            mut errors,
            reusable,
        } = self;
        // A site with errors is rendered for its other problems, but written nowhere.
        let sink = sink.filter(|_| !errors.iter().any(Diagnostic::is_error));
        let mut problems = site.render_markdown(reusable, sink);
        // Once writing fails (a full disk), every later page fails the same way: the first
        // says it.
        let mut said = false;
        problems.retain(|d| d.code != "write" || !std::mem::replace(&mut said, true));
        errors.extend(problems);
        for p in &site.pages {
            errors.extend(p.rendered.diagnostics.iter().cloned());
        }
        for s in &site.sections {
            errors.extend(s.rendered.diagnostics.iter().cloned());
        }
        errors.extend(site.check_links());
        let (errs, mut warns): (Vec<_>, Vec<_>) = errors.into_iter().partition(|d| d.is_error());
        crate::diagnostics::sort(&mut warns);
        site.warnings = warns;
        if errs.is_empty() { Ok(site) } else { Err(errs) }
    }
}

/// A page placed in the site: its section, slug, URL and kind, from its path and front matter.
fn assemble_page(
    p: Arc<Parsed<PageFront>>,
    section_by_dir: &HashMap<String, usize>,
    help_path: &str,
) -> Page {
    let is_bundle = p.content_path.ends_with("/index.md");
    let dir = parent_dir(&p.content_path).to_string();
    let (section_dir, file_name) = if is_bundle {
        (
            parent_dir(&dir).to_string(),
            dir.rsplit('/').next().unwrap_or(&dir).to_string(),
        )
    } else {
        let name = p.content_path.rsplit('/').next().unwrap_or(&p.content_path);
        (dir.clone(), name.to_string())
    };
    let section = owning_section(&section_dir, section_by_dir);
    let slug = match &p.front.slug {
        Some(s) => slug_of(s),
        None => slug_of(&file_name),
    };
    let folder_path = if section_dir.is_empty() {
        String::new()
    } else {
        section_dir
            .split('/')
            .map(slug_of)
            .collect::<Vec<_>>()
            .join("/")
            + "/"
    };
    let path = format!("/{folder_path}{slug}/");
    let kind = if path == help_path {
        PageKind::Help
    } else if section == 0 {
        PageKind::Page
    } else {
        PageKind::Article
    };
    Page {
        source: p,
        kind,
        slug: slug.into(),
        path: path.into(),
        section,
        assets: Vec::new(),
        rendered: Arc::default(),
        checks: Arc::default(),
        previous: None,
        next: None,
    }
}

/// The section folder a page or folder belongs to: the nearest ancestor with `_index.md`.
fn owning_section(dir: &str, section_by_dir: &HashMap<String, usize>) -> usize {
    let mut d = dir;
    loop {
        if let Some(&i) = section_by_dir.get(d) {
            return i;
        }
        if d.is_empty() {
            return 0;
        }
        d = parent_dir(d);
    }
}

/// A URL-safe slug from a file or folder name.
pub fn slug_of(name: &str) -> String {
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let valid = !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        stem.to_string()
    } else {
        markdown::slugify(stem)
    }
}

impl Site {
    /// Reads and renders the whole site; every problem found is returned together.
    pub fn load(options: &LoadOptions) -> Result<Site, Vec<Diagnostic>> {
        Site::reload(options, None)
    }

    /// Like [`Site::load`], reusing what did not change since `reuse.previous`: unchanged files
    /// are not read again and their markdown is not rendered again while every URL stays the same.
    /// The result equals a clean load of the same files.
    pub fn reload(
        options: &LoadOptions,
        reuse: Option<&Reuse<'_>>,
    ) -> Result<Site, Vec<Diagnostic>> {
        Site::assemble(options, reuse)?.finish()
    }

    /// The first part of loading: every file read and the site's structure (sections, pages,
    /// URLs, taxonomies, templates) assembled, bodies not yet rendered. [`Assembled::finish`]
    /// completes the site; `haven build` uses [`Assembled::finish_into`] to write each page as
    /// soon as its body is rendered.
    pub fn assemble<'a>(
        options: &LoadOptions,
        reuse: Option<&Reuse<'a>>,
    ) -> Result<Assembled<'a>, Vec<Diagnostic>> {
        let root = options.root.clone();
        let config = load_config(options)?;
        let theme = Theme::locate(&root, &config.theme).map_err(|d| {
            let (line, column) = config.source.position(&["theme"]);
            vec![d.at(line, column)]
        })?;
        let content_dir = root.join("content");
        if !content_dir.is_dir() {
            return Err(vec![
                Diagnostic::error(
                    "missing-content",
                    format!("no content/ folder in {}", root.display()),
                )
                .suggest("create content/ with your markdown files, or run `haven init DIR`"),
            ]);
        }
        let entries = match reuse {
            Some(r) if !r.rediscover => Arc::clone(&r.previous.entries),
            _ => Arc::new(content::discover(&content_dir, &root)?),
        };
        // The safety checks' rules compile (tens of milliseconds of regex building) while the
        // content is read.
        let ((loaded, mut errors), checker) = rayon::join(
            || read_content(&root, &entries, options.drafts, reuse),
            || match reuse {
                Some(r)
                    if serde_json::to_value(&r.previous.config.safety).ok()
                        == serde_json::to_value(&config.safety).ok() =>
                {
                    Arc::clone(&r.previous.checker)
                }
                _ => Arc::new(Checker::new(&config)),
            },
        );
        errors.extend(crate::check::check_resources(&config));

        // Sections: home first, then by folder.
        let mut sections: Vec<Section> = Vec::new();
        let mut parsed_sections = loaded.sections;
        parsed_sections.sort_by(|a, b| a.content_path.cmp(&b.content_path));
        let home_index = parsed_sections
            .iter()
            .position(|s| s.content_path == "_index.md");
        let home = home_index.map(|i| parsed_sections.remove(i));
        sections.push(Section {
            front: home
                .as_ref()
                .map(|h| h.front.clone())
                .unwrap_or(SectionFront {
                    title: config.title.clone(),
                    description: Some(config.description.clone()),
                    sort_by: SortBy::Date,
                    paginate_by: 0,
                    weight: 0,
                    draft: false,
                    extra: serde_json::Value::Null,
                }),
            source: home,
            dir: String::new(),
            path: "/".to_string(),
            pages: Vec::new(),
            subsections: Vec::new(),
            parent: None,
            rendered: Rendered::default(),
        });
        for s in parsed_sections {
            if s.front.draft && !options.drafts {
                continue;
            }
            let dir = parent_dir(&s.content_path).to_string();
            let path = format!(
                "/{}/",
                dir.split('/').map(slug_of).collect::<Vec<_>>().join("/")
            );
            sections.push(Section {
                front: s.front.clone(),
                source: Some(s),
                dir,
                path,
                pages: Vec::new(),
                subsections: Vec::new(),
                parent: None,
                rendered: Rendered::default(),
            });
        }
        let section_by_dir: HashMap<String, usize> = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.dir.clone(), i))
            .collect();
        for i in 1..sections.len() {
            let parent = owning_section(parent_dir(&sections[i].dir), &section_by_dir);
            let parent = if sections[i].dir.contains('/') || parent != i {
                parent
            } else {
                0
            };
            sections[i].parent = Some(parent);
            sections[parent].subsections.push(i);
        }

        // Pages: URLs from their folder and slug.
        let help_path = format!("/{}/", config.safety.help_page.trim_matches('/'));
        let mut parsed_pages = loaded.pages;
        parsed_pages.sort_by(|a, b| a.content_path.cmp(&b.content_path));
        let bundle_dirs: HashMap<String, ()> = parsed_pages
            .iter()
            .filter(|p| p.content_path.ends_with("/index.md") || p.content_path == "index.md")
            .map(|p| (parent_dir(&p.content_path).to_string(), ()))
            .collect();
        // Each page's URL depends on its own path and the section folders only: made in parallel.
        let mut pages: Vec<Page> = parsed_pages
            .into_par_iter()
            .map(|p| assemble_page(p, &section_by_dir, &help_path))
            .collect();
        if !pages.iter().any(|p| p.kind == PageKind::Help) {
            pages.push(generated_help_page(&config, &help_path));
        }

        // Required fields and dates, per page.
        for p in &pages {
            errors.extend(check_front(p));
        }

        // Paths from file names, slugs and aliases must stay inside the output; until they
        // do, the site's plan is not checked (an escaping path would only add confusion).
        let mut path_problems: Vec<Diagnostic> =
            sections.iter().filter_map(check_section_path).collect();
        path_problems.extend(pages.iter().filter_map(check_page_path));
        for p in &pages {
            path_problems.extend(check_aliases(p));
        }

        // Bundle files travel with their page; other content files are copied as-is.
        let page_by_bundle: HashMap<String, usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.content_path().ends_with("index.md"))
            .map(|(i, p)| (parent_dir(p.content_path()).to_string(), i))
            .collect();
        let mut copied = Vec::new();
        for asset in loaded.assets {
            let shown = PathBuf::from("content").join(&asset);
            if let Err(problem) = crate::write::path::file_path(&asset) {
                path_problems.push(file_name_problem(&shown, &problem));
                continue;
            }
            let mut dir = parent_dir(&asset);
            let owner = loop {
                if let Some(&i) = page_by_bundle.get(dir) {
                    break Some((i, dir));
                }
                if dir.is_empty() || !bundle_dirs.keys().any(|b| b.starts_with(dir)) {
                    break None;
                }
                dir = parent_dir(dir);
            };
            let output = match owner {
                Some((i, dir)) => {
                    let rel = asset[dir.len()..].trim_start_matches('/');
                    pages[i].assets.push(asset.clone());
                    format!("{}{rel}", &pages[i].path[1..])
                }
                None => asset.clone(),
            };
            copied.push(CopiedFile {
                output,
                source: FileSource::Disk(content_dir.join(&asset)),
                shown,
                from: CopiedFrom::Content,
            });
        }

        // The URL map; duplicates are found with the rest of the output plan.
        let mut urls = HashMap::new();
        let mut page_index = HashMap::with_capacity(pages.len());
        // Taxonomies are gathered on the other core meanwhile: neither needs the other.
        let (taxonomies, ()) = rayon::join(
            || build_taxonomies(&pages),
            || {
                for s in &sections {
                    urls.insert(s.content_path(), s.path.clone());
                }
                for (i, p) in pages.iter().enumerate() {
                    urls.insert(p.content_path().to_string(), p.path.to_string());
                    page_index.insert(p.content_path().to_string(), i);
                }
            },
        );
        path_problems.extend(check_term_paths(&taxonomies, &pages));

        // Static files: the theme's, then the site's own, which replace the theme's of the
        // same name (as a site's templates replace the theme's).
        let theme_static = theme.static_files(&root)?;
        let site_static = root.join("static");
        let mut own = Vec::new();
        if site_static.is_dir() {
            let keep = |name: &str, is_dir: bool| is_dir || !content::is_ignored(name);
            let walk = crate::walk::Walk {
                root: &root,
                display: Path::new("static"),
                keep: &keep,
            };
            for found in walk.files(&site_static)? {
                own.push(CopiedFile {
                    shown: PathBuf::from("static").join(&found.rel),
                    output: found.rel,
                    source: FileSource::Disk(found.path),
                    from: CopiedFrom::Static,
                });
            }
        }
        let replaced: std::collections::HashSet<&str> =
            own.iter().map(|c| c.output.as_str()).collect();
        copied.extend(
            theme_static
                .into_iter()
                .filter(|c| !replaced.contains(c.output.as_str())),
        );
        copied.extend(own);
        for c in &copied {
            if c.from != CopiedFrom::Content
                && let Err(problem) = crate::write::path::file_path(&c.output)
            {
                path_problems.push(file_name_problem(&c.shown, &problem));
            }
        }
        copied.sort_by(|a, b| a.output.cmp(&b.output));
        let assets =
            fingerprint_static(&mut copied, &content_dir, options.serve).map_err(|d| vec![d])?;

        // Compared once: both the templates and the pages' rendered bodies depend on them.
        let previous = reuse.map(|r| r.previous);
        let same_urls_and_config = previous.is_some_and(|p| {
            *p.urls == urls
                && serde_json::to_value(&p.config).ok() == serde_json::to_value(&config).ok()
        });
        let today = options.day();
        // A page's rendered body and checks can be reused while everything they depend on
        // (its file, every URL, the configuration and the day) is the same.
        let reusable = previous.filter(|p| same_urls_and_config && p.today == today);
        let templates = match previous {
            // Reused only for content edits: `Reuse` is never given after a template changed.
            Some(p) if same_urls_and_config && p.copied == copied => Arc::clone(&p.templates),
            _ => Arc::new(
                Templates::load(&root, &theme, &config, &urls, &assets, options).map_err(
                    |mut d| {
                        d.extend(errors.clone());
                        d
                    },
                )?,
            ),
        };

        let mut site = Site {
            root,
            config,
            options: options.clone(),
            pages,
            sections,
            taxonomies,
            urls: Arc::new(urls),
            page_index: Arc::new(page_index),
            copied,
            assets,
            templates,
            warnings: Vec::new(),
            entries,
            summaries: std::sync::OnceLock::new(),
            safety_defaults: std::sync::OnceLock::new(),
            checker,
            today,
        };
        site.assign_pages_to_sections();
        if path_problems.is_empty() {
            errors.extend(crate::plan::check(&site));
        } else {
            errors.extend(path_problems);
        }
        Ok(Assembled {
            site,
            errors,
            reusable,
        })
    }

    /// Renders and checks every page body (in parallel), and renders section bodies, reusing
    /// unchanged pages' results from `previous` (a site with the same URLs, configuration and
    /// day). Prose is dropped once checked: it is the largest part of a rendered page.
    ///
    /// With a `sink`, each page is also rendered with its template and handed to the sink right
    /// away, and its body HTML is then dropped: the site never holds every page's HTML at once
    /// (100 MB for 10,000 articles). Returns the problems of rendering and writing pages.
    fn render_markdown(
        &mut self,
        previous: Option<&Site>,
        sink: Option<&dyn crate::build::Sink>,
    ) -> Vec<Diagnostic> {
        let previous_page = |content_path: &str| {
            let site = previous?;
            site.pages.get(*site.page_index.get(content_path)?)
        };
        let env = self.templates.markdown_env(
            &self.urls,
            self.config.base_path(),
            !self.options.checks_only,
            &self.options.deadline,
        );
        // Sections first: every article's page shows its section.
        for s in &mut self.sections {
            if let Some(src) = &s.source {
                s.rendered = render_body(src, &env);
                s.rendered.drop_prose();
            }
        }
        let listings = sink.map(|_| crate::build::Listings::new(self));
        type Done = (
            Arc<Rendered>,
            Arc<PageChecks>,
            Option<tera::Value>,
            Option<Diagnostic>,
        );
        let done: Vec<Done> = self
            .pages
            .par_iter()
            .with_max_len(PAGES_PER_TASK)
            .map(|p| {
                let (rendered, checks) = match previous_page(p.content_path()) {
                    Some(old) if Arc::ptr_eq(&old.source, &p.source) => {
                        (Arc::clone(&old.rendered), Arc::clone(&old.checks))
                    }
                    _ => self.render_page(&env, p, sink.is_none()),
                };
                let (Some(sink), Some(listings)) = (sink, &listings) else {
                    return (rendered, checks, None, None);
                };
                let page = Page {
                    rendered,
                    checks,
                    ..p.clone()
                };
                let summary = crate::render::context::summary_value(self, &page);
                let problem = crate::build::render_page_job(self, &page, &summary, listings)
                    .and_then(|(path, html)| {
                        sink.put(path, crate::build::OutputFile::Generated(Arc::new(html)))
                    })
                    .err();
                let Page {
                    mut rendered,
                    checks,
                    ..
                } = page;
                // Only the page itself shows its HTML and table of contents (the search entry
                // has its headings already): a site written as it loads keeps neither.
                if let Some(r) = Arc::get_mut(&mut rendered) {
                    r.html = String::new();
                    r.toc = Vec::new();
                }
                (rendered, checks, Some(summary), problem)
            })
            .collect();
        let mut problems = Vec::new();
        let mut summaries = Vec::with_capacity(done.len());
        for (p, (rendered, checks, summary, problem)) in self.pages.iter_mut().zip(done) {
            p.rendered = rendered;
            p.checks = checks;
            summaries.extend(summary);
            problems.extend(problem);
        }
        if sink.is_some() {
            let _ = self.summaries.set(summaries);
        }
        problems
    }

    /// Renders and checks one page's body, makes its search entry, then drops its prose.
    /// `keep_html`: the page's HTML stays with the site until it is written (not when each
    /// page is written as it is rendered).
    fn render_page(
        &self,
        env: &crate::render::MarkdownEnv<'_>,
        page: &Page,
        keep_html: bool,
    ) -> (Arc<Rendered>, Arc<PageChecks>) {
        let source = match page.source.with_body(&self.root) {
            Ok(source) => source,
            Err(d) => {
                let rendered = Rendered {
                    diagnostics: vec![d],
                    ..Rendered::default()
                };
                return (Arc::new(rendered), Arc::default());
            }
        };
        let mut rendered = render_body(&source, env);
        let checks = crate::check::check_page(
            &self.checker,
            &self.config,
            page.kind,
            &source,
            &rendered,
            self.today,
        );
        if self.config.search.enabled && !self.options.checks_only {
            rendered.search_entry =
                crate::output::search::entry_json(&self.config, page, &rendered);
        }
        rendered.drop_prose();
        if keep_html {
            rendered.compact_html();
        }
        (Arc::new(rendered), Arc::new(checks))
    }

    /// The site after edits that changed only the bodies of existing pages (the common case
    /// while writing): the model is patched instead of assembled again. `None` when anything
    /// else may have changed (a page's front matter, a new day, a file that does not parse, a
    /// problem found) — [`Site::reload`] then handles the edit and reports any problem.
    /// Takes the same options as `self` was loaded with.
    pub fn with_body_edits(&self, changed: &HashSet<String>) -> Option<Site> {
        let today = self.options.day();
        if today != self.today || changed.is_empty() {
            return None;
        }
        let content_dir = self.root.join("content");
        let mut pages = self.pages.clone();
        let mut edited = Vec::new();
        for content_path in changed {
            let i = *self.page_index.get(content_path)?;
            let old = &pages[i].source;
            if old.text.is_empty() {
                // The generated Get Help page has no file.
                return None;
            }
            let text = content::read_text(&content_dir.join(content_path), &old.file).ok()?;
            let parsed = content::parse_page(text, &old.file, content_path).ok()?;
            if parsed.front != old.front {
                return None;
            }
            pages[i].source = Arc::new(parsed);
            edited.push(i);
        }
        let env = self.templates.markdown_env(
            &self.urls,
            self.config.base_path(),
            !self.options.checks_only,
            &self.options.deadline,
        );
        let files: HashSet<PathBuf> = edited
            .iter()
            .map(|&i| pages[i].source.file.clone())
            .collect();
        let mut warnings: Vec<Diagnostic> = self
            .warnings
            .iter()
            .filter(|d| d.file.as_ref().is_none_or(|f| !files.contains(f)))
            .cloned()
            .collect();
        for &i in &edited {
            let (rendered, checks) = self.render_page(&env, &pages[i], true);
            pages[i].rendered = rendered;
            pages[i].checks = checks;
            Arc::make_mut(&mut pages[i].source).drop_body();
            for d in check_front(&pages[i])
                .into_iter()
                .chain(pages[i].rendered.diagnostics.iter().cloned())
            {
                if d.is_error() {
                    return None;
                }
                warnings.push(d);
            }
        }
        crate::diagnostics::sort(&mut warnings);
        let site = Site {
            root: self.root.clone(),
            config: self.config.clone(),
            options: self.options.clone(),
            pages,
            sections: self.sections.clone(),
            taxonomies: self.taxonomies.clone(),
            urls: Arc::clone(&self.urls),
            page_index: Arc::clone(&self.page_index),
            copied: self.copied.clone(),
            assets: self.assets.clone(),
            templates: Arc::clone(&self.templates),
            warnings,
            entries: Arc::clone(&self.entries),
            summaries: std::sync::OnceLock::new(),
            safety_defaults: std::sync::OnceLock::new(),
            checker: Arc::clone(&self.checker),
            today,
        };
        // Links from the edited pages, and links into them (their headings may have changed).
        // Every link of the site is compared with the edited files: for the usual one or two,
        // comparing strings is far cheaper than hashing each link's target.
        let few: Vec<&str> = changed.iter().map(String::as_str).collect();
        let is_changed = |path: &str| {
            if few.len() <= 8 {
                few.contains(&path)
            } else {
                changed.contains(path)
            }
        };
        let link_errors = site.check_links_where(|content_path, rendered| {
            is_changed(content_path) || rendered.links.iter().any(|l| is_changed(&l.target))
        });
        link_errors.is_empty().then_some(site)
    }

    /// Fills each section's page list in its sort order, and previous/next links.
    fn assign_pages_to_sections(&mut self) {
        for s in &mut self.sections {
            s.pages.clear();
        }
        for (i, p) in self.pages.iter().enumerate() {
            if p.kind == PageKind::Article {
                self.sections[p.section].pages.push(i);
            }
        }
        for s in 0..self.sections.len() {
            let sort_by = self.sections[s].front.sort_by;
            let pages = &self.pages;
            let mut list = std::mem::take(&mut self.sections[s].pages);
            sort_pages(&mut list, pages, sort_by);
            for (n, &i) in list.iter().enumerate() {
                self.pages[i].previous = n.checked_sub(1).map(|m| list[m]);
                self.pages[i].next = list.get(n + 1).copied();
            }
            self.sections[s].pages = list;
        }
        for s in 0..self.sections.len() {
            let mut subs = std::mem::take(&mut self.sections[s].subsections);
            subs.sort_by(|&a, &b| {
                let (x, y) = (&self.sections[a], &self.sections[b]);
                x.front
                    .weight
                    .cmp(&y.front.weight)
                    .then_with(|| x.front.title.cmp(&y.front.title))
            });
            self.sections[s].subsections = subs;
        }
    }

    /// Every internal link points at an existing page and heading.
    fn check_links(&self) -> Vec<Diagnostic> {
        self.check_links_where(|_, _| true)
    }

    /// Checks the links of the pages and sections `include(content path, rendered)` selects.
    fn check_links_where(&self, include: impl Fn(&str, &Rendered) -> bool) -> Vec<Diagnostic> {
        let section_paths: Vec<String> = self.sections.iter().map(|s| s.content_path()).collect();
        // Looked up per link, not gathered for every page: a live preview checks a few pages.
        let anchors_of = |target: &str| -> Option<&[String]> {
            match self.page_index.get(target) {
                Some(&i) => self.pages.get(i).map(|p| p.rendered.anchors.as_slice()),
                None => section_paths
                    .iter()
                    .position(|path| path == target)
                    .map(|i| self.sections[i].rendered.anchors.as_slice()),
            }
        };
        let known = || -> Vec<String> { self.urls.keys().cloned().collect() };
        let sources: Vec<(&PathBuf, &Rendered)> = self
            .pages
            .iter()
            .filter(|p| include(p.content_path(), &p.rendered))
            .map(|p| (&p.source.file, &*p.rendered))
            .chain(
                self.sections
                    .iter()
                    .zip(&section_paths)
                    .filter(|(s, path)| include(path, &s.rendered))
                    .filter_map(|(s, _)| s.source.as_ref().map(|src| (&src.file, &s.rendered))),
            )
            .collect();
        let problems = |&(file, rendered): &(&PathBuf, &Rendered)| {
            let mut out = Vec::new();
            // "Did you mean" compares a name with every candidate: for the first problems of
            // a file only, so that a file with thousands of broken links cannot take hours.
            let mut guesses = 0;
            let mut guess = || {
                guesses += 1;
                guesses <= MAX_GUESSES_PER_FILE
            };
            // The headings of pages with many, as sets (a page can link to itself thousands
            // of times).
            let mut anchor_sets: HashMap<&str, HashSet<&str>> = HashMap::new();
            for link in &rendered.links {
                let at = || (link.line, link.column);
                let Some(target_anchors) = anchors_of(&link.target) else {
                    let mut d = Diagnostic::error(
                        "broken-link",
                        format!("link to `{}`, which does not exist", link.target),
                    )
                    .in_file(file);
                    let (line, column) = at();
                    d.set_position(line, column);
                    let best = if guess() {
                        crate::yaml::closest(&link.target, &known()).map(str::to_string)
                    } else {
                        None
                    };
                    d = d.suggest(match best {
                        Some(best) => format!("did you mean `{best}`? (paths are relative to this file)"),
                        None => "link to the markdown file of the page, relative to this file, e.g. `../guides/sleep.md`".to_string(),
                    });
                    out.push(d);
                    continue;
                };
                let mut known_anchor = |anchor: &str| {
                    if target_anchors.len() <= 32 {
                        return target_anchors.iter().any(|a| a == anchor);
                    }
                    anchor_sets
                        .entry(link.target.as_str())
                        .or_insert_with(|| target_anchors.iter().map(String::as_str).collect())
                        .contains(anchor)
                };
                if let Some(anchor) = &link.anchor
                    && !known_anchor(anchor)
                {
                    let mut d = Diagnostic::error(
                        "broken-anchor",
                        format!("`{}` has no heading with the id `#{anchor}`", link.target),
                    )
                    .in_file(file);
                    let (line, column) = at();
                    d.set_position(line, column);
                    let best = if guess() {
                        crate::yaml::closest(anchor, target_anchors)
                    } else {
                        None
                    };
                    d = d.suggest(match best {
                        Some(best) => format!("did you mean `#{best}`?"),
                        None if target_anchors.is_empty() => {
                            "that page has no headings".to_string()
                        }
                        None => {
                            let mut list: Vec<String> = target_anchors
                                .iter()
                                .take(20)
                                .map(|a| format!("#{a}"))
                                .collect();
                            if target_anchors.len() > 20 {
                                list.push(format!("and {} more", target_anchors.len() - 20));
                            }
                            format!("its headings are: {}", list.join(", "))
                        }
                    });
                    out.push(d);
                }
            }
            out
        };
        sources
            .par_iter()
            .with_min_len(PAGES_PER_TASK)
            .flat_map_iter(problems)
            .collect()
    }

    pub fn article_count(&self) -> usize {
        self.pages
            .iter()
            .filter(|p| p.kind == PageKind::Article)
            .count()
    }

    pub fn permalink(&self, path: &str) -> String {
        self.config.permalink(path)
    }
}

/// Broken links and anchors of one file that get a "did you mean" suggestion.
const MAX_GUESSES_PER_FILE: usize = 50;

/// Renames the theme's and the site's static CSS and JS to content-hashed names (see
/// [`crate::render::fingerprint`]), except in serve mode, where a stylesheet is swapped in place
/// under its stable name. Content files (page bundles) keep their names: markdown links to them.
/// Returns every copied file's name → output path.
fn fingerprint_static(
    copied: &mut [CopiedFile],
    content_dir: &Path,
    serve: bool,
) -> Result<BTreeMap<String, String>, Diagnostic> {
    let mut assets = BTreeMap::new();
    for c in copied.iter_mut() {
        let name = c.output.clone();
        let from_static = match &c.source {
            FileSource::Embedded(_) => true,
            FileSource::Disk(p) => !p.starts_with(content_dir),
        };
        if !serve && from_static && crate::render::is_fingerprinted(&name) {
            let bytes: std::borrow::Cow<'_, [u8]> = match &c.source {
                FileSource::Embedded(b) => std::borrow::Cow::Borrowed(b),
                FileSource::Disk(p) => std::borrow::Cow::Owned(std::fs::read(p).map_err(|e| {
                    Diagnostic::error("io", format!("cannot read {}: {e}", p.display())).in_file(p)
                })?),
            };
            c.output = crate::render::fingerprint(&name, &bytes);
        }
        assets.insert(name, c.output.clone());
    }
    copied.sort_by(|a, b| a.output.cmp(&b.output));
    Ok(assets)
}

fn render_body<F>(src: &Parsed<F>, env: &crate::render::MarkdownEnv<'_>) -> Rendered {
    let source = markdown::Source {
        file: &src.file,
        content_path: &src.content_path,
        text: &src.text,
    };
    markdown::render(&source, src.body(), src.body_offset, env)
}

/// Orders `list` (indices into `pages`) as a listing shows them; ties go by file. Each page's
/// key is made once: comparing through the pages (and lowercasing titles) on every comparison
/// made sorting a 10,000-article section a noticeable part of loading.
pub fn sort_pages(list: &mut [usize], pages: &[Page], sort_by: SortBy) {
    use std::cmp::Reverse;
    let file = |i: usize| pages[i].content_path();
    match sort_by {
        // Newest first; undated pages last.
        SortBy::Date => list.sort_by_cached_key(|&i| (Reverse(pages[i].front().date), file(i))),
        SortBy::Title => {
            list.sort_by_cached_key(|&i| (pages[i].front().title.to_lowercase(), file(i)))
        }
        SortBy::Weight => list.sort_by_cached_key(|&i| (pages[i].front().weight, file(i))),
    }
}

/// An alias as a site path: `old/path` or `/old/path` → `/old/path/` (a path ending in
/// `.html` is kept as is, `/` is the home page); an error if it cannot name a file below the
/// output (see [`crate::write::path::site_path`]).
pub fn alias_path(alias: &str) -> Result<String, crate::write::path::PathProblem> {
    let alias = alias.trim();
    if !alias.is_empty() && alias.bytes().all(|b| b == b'/') {
        return Ok("/".to_string());
    }
    let path = crate::write::path::site_path(alias)?;
    Ok(if path.ends_with(".html") {
        format!("/{path}")
    } else {
        format!("/{path}/")
    })
}

/// Invalid aliases of a page, each at its line.
fn check_aliases(page: &Page) -> Vec<Diagnostic> {
    let src = &page.source;
    let front = src.text.get(..src.body_offset).unwrap_or("");
    page.front()
        .aliases
        .iter()
        .enumerate()
        .filter_map(|(j, alias)| {
            let problem = alias_path(alias).err()?;
            let (line, column) = crate::config::item_position(front, &["aliases"], j);
            Some(
                Diagnostic::error(
                    "invalid-path",
                    format!("the alias `{alias}` cannot name a page of the site: {problem}"),
                )
                .in_file(&src.file)
                .at(line, column)
                .suggest("an alias is an old path on this site, such as `/old/grounding/` or `/old/page.html`"),
            )
        })
        .collect()
}

/// A page whose URL has an empty part (a file or folder name without letters or digits) or
/// one too long for a file name.
fn check_page_path(page: &Page) -> Option<Diagnostic> {
    if page.source.text.is_empty() {
        // The generated Get Help page: its path is `safety.help_page`, checked with site.yaml.
        return None;
    }
    let src = &page.source;
    let from_slug = page.front().slug.is_some();
    let problem = if page.slug.is_empty() {
        Some(if from_slug {
            format!(
                "the slug `{}` has no letters or digits to make a URL from",
                page.front().slug.as_deref().unwrap_or_default()
            )
        } else {
            "the file's name has no letters or digits to make a URL from".to_string()
        })
    } else if page.path.contains("//") {
        // An empty folder slug: reported with the folder's section when it has one.
        Some(
            "a folder it is in has no letters or digits in its name to make a URL from".to_string(),
        )
    } else {
        crate::write::path::site_path(&page.path)
            .err()
            .map(|problem| {
                format!(
                    "its URL {} cannot be a path of the site: {problem}",
                    page.path
                )
            })
    }?;
    let line = if from_slug {
        crate::config::key_position(src.text.get(..src.body_offset).unwrap_or(""), &["slug"]).0
    } else {
        0
    };
    Some(
        Diagnostic::error("invalid-path", problem)
            .in_file(&src.file)
            .at(line, 0)
            .suggest(if from_slug {
                "give the page a `slug` of letters, digits and dashes"
            } else {
                "rename the file or folder with letters, digits and dashes, or give the page a `slug`"
            }),
    )
}

/// A section whose folder names give an empty part of its URL.
fn check_section_path(section: &Section) -> Option<Diagnostic> {
    let src = section.source.as_ref()?;
    if !section.path.contains("//") {
        return None;
    }
    Some(
        Diagnostic::error(
            "invalid-path",
            format!(
                "the folder content/{} has no letters or digits in its name to make a URL from",
                section.dir
            ),
        )
        .in_file(&src.file)
        .suggest("rename the folder with letters, digits and dashes"),
    )
}

/// Terms whose names give no URL (`tags: ["!!!"]`), at the first file that uses them.
fn check_term_paths(taxonomies: &[Taxonomy], pages: &[Page]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in taxonomies {
        for term in &t.terms {
            let problem = if term.slug.is_empty() {
                "has no letters or digits to make a URL from".to_string()
            } else if let Err(problem) = crate::write::path::site_path(&term.slug) {
                format!("cannot be a path of the site: {problem}")
            } else {
                continue;
            };
            let (kind, key) = if t.name == "tags" {
                ("tag", "tags")
            } else {
                ("category", "category")
            };
            let mut d = Diagnostic::error(
                "invalid-path",
                format!("the {kind} `{}` {problem}", term.name),
            )
            .suggest(format!("name the {kind} with letters or digits"));
            if let Some(p) = term.pages.iter().min().map(|&i| &pages[i]) {
                let front = p.source.text.get(..p.source.body_offset).unwrap_or("");
                d = d
                    .in_file(&p.source.file)
                    .at(crate::config::key_position(front, &[key]).0, 0);
            }
            out.push(d);
        }
    }
    out
}

/// A copied file whose name cannot be written below the output.
fn file_name_problem(shown: &Path, problem: &crate::write::path::PathProblem) -> Diagnostic {
    Diagnostic::error(
        "invalid-path",
        format!(
            "the name of {} cannot be a path of the site: {problem}",
            shown.display()
        ),
    )
    .in_file(shown)
    .suggest("rename it with letters, digits, dashes and dots")
}

fn generated_help_page(config: &Config, help_path: &str) -> Page {
    let slug = help_path.trim_matches('/').to_string();
    let content_path = format!("{slug}.md");
    let text = String::new();
    Page {
        source: Arc::new(Parsed {
            file: PathBuf::from(format!("content/{content_path}")),
            content_path,
            front: PageFront {
                title: "Get help now".to_string(),
                description: Some(format!(
                    "Crisis lines and emergency numbers from {}.",
                    config.title
                )),
                ..PageFront::default()
            },
            text,
            body_offset: 0,
            body_kept: true,
        }),
        kind: PageKind::Help,
        slug: slug.into(),
        path: help_path.into(),
        section: 0,
        assets: Vec::new(),
        rendered: Arc::default(),
        checks: Arc::default(),
        previous: None,
        next: None,
    }
}

/// Line of a top-level front matter key, for messages about it.
pub fn key_line<F>(src: &Parsed<F>, key: &str) -> usize {
    let front_end = src.body_offset;
    src.text[..front_end]
        .lines()
        .position(|l| l.starts_with(&format!("{key}:")))
        .map(|i| i + 1)
        .unwrap_or(1)
}

fn check_front(page: &Page) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let f = page.front();
    let src = &page.source;
    let missing = |key: &str, example: &str| {
        Diagnostic::error(
            "missing-field",
            format!("articles need `{key}` in their front matter"),
        )
        .in_file(&src.file)
        .at(2, 1)
        .suggest(format!("add `{key}: {example}`"))
    };
    if f.title.trim().is_empty() {
        out.push(
            Diagnostic::error("missing-field", "the title is empty")
                .in_file(&src.file)
                .at(key_line(src, "title"), 1),
        );
    }
    if page.kind == PageKind::Article {
        if f.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
            out.push(missing(
                "description",
                "\"One or two sentences about the article\"",
            ));
        }
        if f.date.is_none() {
            out.push(missing("date", "2026-01-31"));
        }
        if f.author.as_deref().is_none_or(|a| a.trim().is_empty()) {
            out.push(missing("author", "\"Your Name\""));
        }
    }
    if f.reviewed_by.is_some() && f.reviewed.is_none() {
        out.push(
            Diagnostic::error(
                "missing-field",
                "`reviewed_by` is set but `reviewed` (the date of the review) is not",
            )
            .in_file(&src.file)
            .at(key_line(src, "reviewed_by"), 1)
            .suggest("add `reviewed: YYYY-MM-DD`"),
        );
    }
    if let (Some(date), Some(updated)) = (f.date, f.updated)
        && updated < date
    {
        out.push(
            Diagnostic::error(
                "invalid-date",
                format!("`updated` ({updated}) is before `date` ({date})"),
            )
            .in_file(&src.file)
            .at(key_line(src, "updated"), 1),
        );
    }
    out
}

fn build_taxonomies(pages: &[Page]) -> Vec<Taxonomy> {
    // Slug → the term, and the first page (in file order) that uses it, whose spelling the
    // term takes.
    type Terms = BTreeMap<String, (Term, usize)>;
    let mut tags: Terms = BTreeMap::new();
    let mut categories: Terms = BTreeMap::new();
    // Tag names repeat across thousands of pages: each is slugified once.
    let mut slugs: HashMap<String, String> = HashMap::new();
    let mut add = |map: &mut Terms, name: &str, i: usize| {
        let slug = match slugs.get(name) {
            Some(slug) => slug,
            None => slugs
                .entry(name.to_string())
                .or_insert_with(|| markdown::slugify(name)),
        };
        match map.get_mut(slug.as_str()) {
            Some((term, named_by)) => {
                if term.pages.last() != Some(&i) {
                    term.pages.push(i);
                }
                if i < *named_by {
                    term.name = name.to_string();
                    *named_by = i;
                }
            }
            None => {
                let term = Term {
                    name: name.to_string(),
                    slug: slug.clone(),
                    pages: vec![i],
                };
                map.insert(slug.clone(), (term, i));
            }
        }
    };
    // Pages are visited newest first, so each term's list comes out in that order.
    let mut order: Vec<usize> = (0..pages.len()).collect();
    sort_pages(&mut order, pages, SortBy::Date);
    for i in order {
        let p = &pages[i];
        if p.kind == PageKind::Help {
            continue;
        }
        for t in &p.front().tags {
            add(&mut tags, t, i);
        }
        if let Some(c) = &p.front().category {
            add(&mut categories, c, i);
        }
    }
    let finish = |map: Terms| -> Vec<Term> { map.into_values().map(|(term, _)| term).collect() };
    let mut out = Vec::new();
    if !tags.is_empty() {
        out.push(Taxonomy {
            name: "tags",
            title: "Tags",
            terms: finish(tags),
        });
    }
    if !categories.is_empty() {
        out.push(Taxonomy {
            name: "categories",
            title: "Categories",
            terms: finish(categories),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_file_names() {
        assert_eq!(slug_of("sleep-and-mood.md"), "sleep-and-mood");
        assert_eq!(slug_of("Sleep And Mood.md"), "sleep-and-mood");
    }

    fn article(content_path: &str, front: PageFront) -> Page {
        Page {
            source: Arc::new(Parsed {
                file: PathBuf::from(format!("content/{content_path}")),
                content_path: content_path.to_string(),
                front,
                text: String::new(),
                body_offset: 0,
                body_kept: true,
            }),
            kind: PageKind::Article,
            slug: "".into(),
            path: "".into(),
            section: 1,
            assets: Vec::new(),
            rendered: Arc::default(),
            checks: Arc::default(),
            previous: None,
            next: None,
        }
    }

    #[test]
    fn listings_sort_by_date_title_or_weight_then_file() {
        let page = |content_path: &str, title: &str, date: Option<&str>, weight: i64| {
            let front = PageFront {
                title: title.to_string(),
                date: date.map(|d| d.parse().expect("a date")),
                weight,
                ..PageFront::default()
            };
            article(content_path, front)
        };
        let pages = [
            page("a/d.md", "banana", Some("2024-01-01"), 2),
            page("a/c.md", "Apple", None, 1),
            page("a/b.md", "cherry", Some("2025-05-05"), 2),
            page("a/a.md", "apple", Some("2024-01-01"), 3),
        ];
        let sorted = |sort_by| {
            let mut list: Vec<usize> = (0..pages.len()).collect();
            sort_pages(&mut list, &pages, sort_by);
            list
        };
        // Newest first, undated last; the same day by file.
        assert_eq!(sorted(SortBy::Date), [2, 3, 0, 1]);
        // Titles without regard to case; "Apple" and "apple" by file.
        assert_eq!(sorted(SortBy::Title), [3, 1, 0, 2]);
        // Lightest first.
        assert_eq!(sorted(SortBy::Weight), [1, 2, 0, 3]);
    }

    #[test]
    fn taxonomy_terms_list_pages_newest_first() {
        let page = |content_path: &str, date: Option<&str>, tags: &[&str], category: &str| {
            let front = PageFront {
                title: content_path.to_string(),
                date: date.map(|d| d.parse().expect("a date")),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                category: Some(category.to_string()),
                ..PageFront::default()
            };
            article(content_path, front)
        };
        let pages = [
            page(
                "a/old.md",
                Some("2024-01-01"),
                &["Sleep", "sleep"],
                "basics",
            ),
            page("a/undated.md", None, &["Sleep"], "Basics"),
            page(
                "a/new-b.md",
                Some("2025-05-05"),
                &["Sleep", "Mood"],
                "Basics",
            ),
            page("a/new-a.md", Some("2025-05-05"), &["Sleep"], "Skills"),
        ];
        let taxonomies = build_taxonomies(&pages);
        let terms: Vec<(&str, &str, &str, Vec<usize>)> = taxonomies
            .iter()
            .flat_map(|t| {
                t.terms.iter().map(|term| {
                    (
                        t.name,
                        term.slug.as_str(),
                        term.name.as_str(),
                        term.pages.clone(),
                    )
                })
            })
            .collect();
        assert_eq!(
            terms,
            [
                ("tags", "mood", "Mood", vec![2]),
                // Newest first, ties by file, undated last; "sleep" is the same term once. A
                // term is spelled as on the first file that uses it.
                ("tags", "sleep", "Sleep", vec![3, 2, 0, 1]),
                ("categories", "basics", "basics", vec![2, 0, 1]),
                ("categories", "skills", "Skills", vec![3]),
            ]
        );
    }

    #[test]
    fn aliases_are_normalised() {
        let path = |alias: &str| alias_path(alias).unwrap();
        assert_eq!(path("old/grounding"), "/old/grounding/");
        assert_eq!(path("/old/grounding/"), "/old/grounding/");
        assert_eq!(path(" //old//grounding "), "/old/grounding/");
        assert_eq!(path("/old/page.html"), "/old/page.html");
        assert_eq!(
            path("/articles/grief/index.html"),
            "/articles/grief/index.html"
        );
        assert_eq!(path("/"), "/");
        assert!(alias_path("../../escaped").is_err());
        assert!(alias_path("").is_err());
        assert!(alias_path("C:\\x").is_err());
    }
}
