//! JSON Schemas of `site.yaml` and of front matter, generated from the same types Haven parses,
//! so editors (VS Code's YAML extension, JetBrains) can autocomplete and validate as authors type.

use crate::config::Config;
use crate::content::front_matter::{PageFront, SectionFront};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// site.yaml
    Site,
    /// Front matter of articles and pages
    FrontMatter,
    /// Front matter of section `_index.md` files
    Section,
}

pub fn schema(which: Which) -> serde_json::Value {
    let schema = match which {
        Which::Site => schemars::schema_for!(Config),
        Which::FrontMatter => schemars::schema_for!(PageFront),
        Which::Section => schemars::schema_for!(SectionFront),
    };
    serde_json::to_value(schema).unwrap_or_default()
}

pub fn json(which: Which) -> String {
    serde_json::to_string_pretty(&schema(which)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_schema_lists_every_key_and_forbids_others() {
        let s = schema(Which::FrontMatter);
        let props = s["properties"].as_object().unwrap();
        for key in [
            "title",
            "description",
            "date",
            "author",
            "updated",
            "reviewed_by",
            "reviewed",
            "category",
            "tags",
            "content_warnings",
            "crisis_notice",
            "slug",
            "aliases",
            "draft",
            "weight",
            "references",
            "extra",
        ] {
            assert!(props.contains_key(key), "{key}");
        }
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["required"], serde_json::json!(["title"]));
    }

    #[test]
    fn site_schema_has_the_safety_block() {
        let s = schema(Which::Site);
        assert!(s["properties"]["safety"].is_object());
        assert_eq!(s["additionalProperties"], false);
    }
}
