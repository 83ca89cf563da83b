//! Haven: a static site generator for psychoeducation sites, with safety in the content model.
//!
//! The pipeline: `config` and `content` read files into values, `site` assembles the in-memory
//! model (pages, sections, taxonomies, links), `markdown` renders bodies, `render` holds the
//! templates and contexts, `build` renders a whole site file by file into a sink (memory or
//! disk), and `write` is the only place that touches the output directory.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod deadline;
pub mod diagnostics;
pub mod lanes;
pub mod limits;
pub mod markdown;
pub mod output;
pub mod plan;
pub mod preview;
pub mod render;
pub mod safety;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod shortcode;
pub mod site;
pub mod theme;
pub mod walk;
pub mod watch;
pub mod write;
pub mod yaml;
