//! The live preview's build state: the last good site and output, updated incrementally.
//!
//! A content edit re-reads only the changed files and re-renders only the outputs they can
//! affect; anything else (config, templates, static files, files added or removed) rebuilds
//! the site. A failed rebuild leaves the last good state untouched; a rebuild whose safety
//! checks find errors counts as failed, as it does for `haven build`, so the preview never
//! shows what a build would refuse to publish.

use crate::build::{self, Output};
use crate::check;
use crate::diagnostics::Diagnostic;
use crate::site::{LoadOptions, Reuse, Site};
use crate::watch::Changes;
use std::collections::HashSet;
use std::ops::Bound;
use std::sync::Arc;

pub struct Preview {
    pub options: LoadOptions,
    pub site: Site,
    pub output: Arc<Output>,
}

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuilt {
    /// Only these many HTML files were rendered again.
    Incremental {
        rendered: usize,
    },
    Full,
}

impl Preview {
    pub fn new(options: LoadOptions) -> Result<Preview, Vec<Diagnostic>> {
        let site = Site::load(&options)?;
        let (output, _) = build::render_site(&site)?;
        refuse_errors(check::check_site(&site))?;
        Ok(Preview {
            options,
            site,
            output: Arc::new(output),
        })
    }

    /// Sets the time limit of the next rebuild.
    pub fn set_deadline(&mut self, deadline: &Arc<crate::deadline::Deadline>) {
        self.options.deadline = Arc::clone(deadline);
        self.site.options.deadline = Arc::clone(deadline);
    }

    /// Applies a batch of changes. On error the previous site and output stay in place.
    pub fn apply(&mut self, changes: &Changes) -> Result<Rebuilt, Vec<Diagnostic>> {
        let content_only = !changes.config && !changes.templates && changes.statics.is_empty();
        if !content_only {
            let site = Site::load(&self.options)?;
            let (output, _) = build::render_site(&site)?;
            refuse_errors(check::check_site(&site))?;
            self.site = site;
            self.output = Arc::new(output);
            return Ok(Rebuilt::Full);
        }
        let changed: HashSet<String> = changes.content.iter().cloned().collect();
        // Files that exist now but were not known are new; known ones that are gone were
        // deleted (or a folder holding them was). A file that neither exists nor was known is
        // an editor's temporary file that came and went, and changes nothing. (The known paths
        // are searched where they are: collecting them into a set would copy every path of the
        // site for each edit.)
        let content_dir = self.options.root.join("content");
        let rediscover = changed.iter().any(|c| {
            let exists = content_dir.join(c).exists();
            let folder = format!("{c}/");
            let was_known = self
                .site
                .entries
                .iter()
                .map(|e| e.content_path())
                .any(|k| k == c || k.starts_with(&folder));
            exists != was_known || (exists && content_dir.join(c).is_dir())
        });
        let changed_pages =
            |site: &Site| check::check_pages(site, |page| changed.contains(page.content_path()));
        if !rediscover
            && let Some(site) = self.site.with_body_edits(&changed)
            && let Some(result) = build::rerender(&self.site, &self.output, &site)
        {
            let (output, jobs) = result?;
            refuse_errors(changed_pages(&site))?;
            self.site = site;
            self.output = Arc::new(output);
            return Ok(Rebuilt::Incremental {
                rendered: jobs.len(),
            });
        }
        let reuse = Reuse {
            previous: &self.site,
            changed: &changed,
            rediscover,
        };
        let site = Site::reload(&self.options, Some(&reuse))?;
        match build::rerender(&self.site, &self.output, &site) {
            Some(result) => {
                let (output, jobs) = result?;
                refuse_errors(changed_pages(&site))?;
                self.site = site;
                self.output = Arc::new(output);
                Ok(Rebuilt::Incremental {
                    rendered: jobs.len(),
                })
            }
            None => {
                let (output, _) = build::render_site(&site)?;
                refuse_errors(check::check_site(&site))?;
                self.site = site;
                self.output = Arc::new(output);
                Ok(Rebuilt::Full)
            }
        }
    }
}

/// The errors of a check report, as a failed rebuild (warnings are reported separately).
fn refuse_errors(report: check::Report) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = report
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The preview server serves the output straight from memory.
impl crate::serve::SiteFiles for Output {
    fn get(&self, path: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        self.files.get(path).and_then(|f| f.bytes().ok())
    }

    fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.files
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }
}
