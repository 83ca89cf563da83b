//! Many terms compiled together and matched in one pass over each span of prose.
//!
//! A *term* belongs to an owner (a topic or a phrase rule) and is either one pattern or several
//! sets of patterns that must all occur in one sentence (or within a number of words of each
//! other): "a word for dying by suicide near a word for a method". Two kinds of exception narrow
//! it: `except` patterns are longer phrases inside which a match does not count ("trauma
//! surgeon" for `trauma*`), and `unless` patterns veto the whole sentence they occur in ("lock
//! up medicines" in a sentence about overdose).
//!
//! Matching starts from anchors: every pattern's rarest word (see [`super::pattern`]) goes into
//! one Aho-Corasick automaton, so a span is read once; only where an anchor starts a word are
//! the span's tokens made and the patterns around it tried.

use super::pattern::{Classes, Match, Probe, Tokens, compile};
use super::text::{Token, sentence_ids_into, tokenize_into};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::collections::HashMap;

/// The largest word limit (`within`) a term may set.
pub const MAX_WITHIN: usize = 50;

/// Who a term belongs to: an index the caller gives meaning to.
pub type Owner = u32;

type PatId = u32;

/// A term as the caller describes it: patterns as written.
#[derive(Debug, Clone, Default)]
pub struct TermDef<'a> {
    pub owner: Owner,
    /// Each set is satisfied by any of its patterns; every set must be satisfied.
    pub sets: Vec<Vec<&'a str>>,
    /// `None`: the sets must meet in one sentence; `Some(n)`: also within `n` words.
    pub within: Option<usize>,
    /// Patterns whose presence in the sentence vetoes a match.
    pub unless: Vec<&'a str>,
    /// Longer phrases inside which a match does not count.
    pub except: Vec<&'a str>,
}

/// How a term uses a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// In the term's leading set, the one whose words are rarest: the first pass over a span
    /// looks for these only.
    Lead,
    /// In another set, or an exception: looked for only in spans where the term may match.
    Other,
}

#[derive(Debug)]
struct Term {
    owner: Owner,
    sets: Vec<Vec<PatId>>,
    within: Option<usize>,
    unless: Vec<PatId>,
    except: Vec<PatId>,
}

/// A compile error: which pattern, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub pattern: String,
    pub reason: String,
}

/// Collects terms; [`build`](Self::build) compiles them into a [`RuleSet`].
pub struct RuleSetBuilder<'c> {
    classes: &'c Classes,
    pattern_ids: HashMap<String, PatId>,
    /// Each pattern as written.
    sources: Vec<String>,
    /// For each pattern, how common its anchor words are (see [`Probe::anchor_cost`]).
    pattern_costs: Vec<usize>,
    probes: Vec<(Probe, PatId)>,
    roles: Vec<Vec<(u32, Role)>>,
    terms: Vec<Term>,
}

impl<'c> RuleSetBuilder<'c> {
    pub fn new(classes: &'c Classes) -> Self {
        RuleSetBuilder {
            classes,
            pattern_ids: HashMap::new(),
            sources: Vec::new(),
            pattern_costs: Vec::new(),
            probes: Vec::new(),
            roles: Vec::new(),
            terms: Vec::new(),
        }
    }

    fn pattern(&mut self, source: &str) -> Result<PatId, PatternError> {
        if let Some(&id) = self.pattern_ids.get(source) {
            return Ok(id);
        }
        let probes = compile(source, self.classes).map_err(|reason| PatternError {
            pattern: source.to_string(),
            reason,
        })?;
        let id = self.roles.len() as PatId;
        self.roles.push(Vec::new());
        self.sources.push(source.to_string());
        self.pattern_costs
            .push(probes.iter().map(Probe::anchor_cost).sum());
        self.probes.extend(probes.into_iter().map(|p| (p, id)));
        self.pattern_ids.insert(source.to_string(), id);
        Ok(id)
    }

    /// Adds a term; an unusable pattern is an error naming it.
    pub fn add(&mut self, def: &TermDef<'_>) -> Result<(), PatternError> {
        if def.sets.is_empty() || def.sets.iter().any(Vec::is_empty) {
            return Err(PatternError {
                pattern: String::new(),
                reason: "has an empty list of patterns".to_string(),
            });
        }
        if def.within.is_some_and(|n| n > MAX_WITHIN) {
            return Err(PatternError {
                pattern: String::new(),
                reason: format!(
                    "has `within` over {MAX_WITHIN} words; leave it out to use the sentence"
                ),
            });
        }
        let term_id = self.terms.len() as u32;
        let ids = |builder: &mut Self, list: &[&str]| {
            list.iter()
                .map(|p| builder.pattern(p))
                .collect::<Result<Vec<PatId>, PatternError>>()
        };
        let mut sets = Vec::with_capacity(def.sets.len());
        for set in &def.sets {
            sets.push(ids(self, set)?);
        }
        // The rarest set leads: every match needs one of its patterns, so spans without them
        // need no more work.
        let cost = |set: &Vec<PatId>| -> usize {
            set.iter().map(|&p| self.pattern_costs[p as usize]).sum()
        };
        if let Some(rarest) = (0..sets.len()).min_by_key(|&i| cost(&sets[i])) {
            sets.swap(0, rarest);
        }
        let unless = ids(self, &def.unless)?;
        let except = ids(self, &def.except)?;
        for (k, set) in sets.iter().enumerate() {
            let role = if k == 0 { Role::Lead } else { Role::Other };
            for &p in set {
                self.roles[p as usize].push((term_id, role));
            }
        }
        for &p in unless.iter().chain(&except) {
            self.roles[p as usize].push((term_id, Role::Other));
        }
        self.terms.push(Term {
            owner: def.owner,
            sets,
            within: def.within,
            unless,
            except,
        });
        Ok(())
    }

    pub fn build(self) -> Result<RuleSet, String> {
        let has_role = |pattern: PatId, wanted: Role| {
            self.roles[pattern as usize]
                .iter()
                .any(|(_, role)| *role == wanted)
        };
        let lead = Anchors::build(
            self.probes
                .iter()
                .enumerate()
                .filter(|(_, (_, pattern))| has_role(*pattern, Role::Lead)),
        )?;
        let other = Anchors::build(
            self.probes
                .iter()
                .enumerate()
                .filter(|(_, (_, pattern))| has_role(*pattern, Role::Other)),
        )?;
        Ok(RuleSet {
            lead,
            other,
            sources: self.sources,
            probes: self.probes,
            roles: self.roles,
            terms: self.terms,
        })
    }
}

/// The anchor words of some probes, in one automaton.
#[derive(Debug)]
struct Anchors {
    automaton: AhoCorasick,
    literal_lens: Vec<usize>,
    /// Whether a literal is a word (its match must start a word) or punctuation.
    literal_is_word: Vec<bool>,
    /// For each literal, the literals it starts with (itself included): the automaton reports
    /// the longest at a position, and the shorter ones apply there too.
    covering: Vec<Vec<u32>>,
    /// For each literal: the probes anchored on it, and whether as a word beginning.
    entries: Vec<Vec<(u32, bool)>>,
    /// For each literal: whether it (and every literal it starts with) stands only for whole
    /// words, so that a match followed by more letters can be passed over at once.
    whole_words_only: Vec<bool>,
}

impl Anchors {
    /// The anchors of `probes` (index, probe); `None` when they have none.
    fn build<'a>(
        probes: impl Iterator<Item = (usize, &'a (Probe, PatId))>,
    ) -> Result<Option<Anchors>, String> {
        let mut literal_ids: HashMap<String, u32> = HashMap::new();
        let mut literals: Vec<String> = Vec::new();
        let mut entries: Vec<Vec<(u32, bool)>> = Vec::new();
        for (p, (probe, _)) in probes {
            for (literal, prefix) in probe.anchor_literals() {
                let id = *literal_ids.entry(literal.to_string()).or_insert_with(|| {
                    literals.push(literal.to_string());
                    entries.push(Vec::new());
                    (literals.len() - 1) as u32
                });
                entries[id as usize].push((p as u32, prefix));
            }
        }
        if literals.is_empty() {
            return Ok(None);
        }
        let covering: Vec<Vec<u32>> = literals
            .iter()
            .map(|l| {
                l.char_indices()
                    .map(|(i, c)| &l[..i + c.len_utf8()])
                    .filter_map(|prefix| literal_ids.get(prefix).copied())
                    .collect()
            })
            .collect();
        let whole_words_only = covering
            .iter()
            .map(|cover| {
                cover
                    .iter()
                    .all(|&l| entries[l as usize].iter().all(|(_, prefix)| !prefix))
            })
            .collect();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&literals)
            .map_err(|e| format!("the patterns' words could not be compiled: {e}"))?;
        Ok(Some(Anchors {
            automaton,
            literal_lens: literals.iter().map(String::len).collect(),
            literal_is_word: literals
                .iter()
                .map(|l| l.chars().next().is_some_and(super::is_word_char))
                .collect(),
            covering,
            entries,
            whole_words_only,
        }))
    }

    /// Where the anchors' literals start in `lower`: `(byte offset, literal)`, into `out`.
    fn find(&self, lower: &str, out: &mut Vec<(usize, u32)>) {
        self.find_in(lower, 0, lower.len(), out);
    }

    /// [`find`](Self::find) in `lower[start..end]` only (offsets are still into `lower`).
    fn find_in(&self, lower: &str, start: usize, end: usize, out: &mut Vec<(usize, u32)>) {
        out.clear();
        let bytes = lower.as_bytes();
        let input = aho_corasick::Input::new(lower).span(start..end);
        for m in self.automaton.find_iter(input) {
            let s = m.start();
            // Only a word's first letter can anchor (the tokens decide the rare cases after a
            // digit or a non-ASCII letter).
            if s > 0
                && (bytes[s - 1].is_ascii_alphabetic() || bytes[s - 1] == b'_')
                && self.literal_is_word[m.pattern().as_usize()]
            {
                continue;
            }
            // "st" at the start of "stress": not the whole word it stands for.
            let literal = m.pattern().as_usize();
            if self.whole_words_only[literal]
                && self.literal_is_word[literal]
                && bytes
                    .get(m.end())
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                continue;
            }
            out.push((s, m.pattern().as_u32()));
        }
    }

    /// Tries the probes of each anchor in `anchors` that `wanted` selects, pushing matches.
    fn match_probes(
        &self,
        anchors: &[(usize, u32)],
        tokens: &Tokens<'_>,
        probes: &[(Probe, PatId)],
        wanted: impl Fn(PatId) -> bool,
        found: &mut Vec<(PatId, Match)>,
    ) {
        for &(s, literal) in anchors {
            let Ok(at) = tokens.list.binary_search_by_key(&s, |t| t.start) else {
                continue;
            };
            let token = tokens.list[at];
            for &l in &self.covering[literal as usize] {
                let whole_word = token.end == s + self.literal_lens[l as usize];
                for &(probe, prefix) in &self.entries[l as usize] {
                    if !(prefix || whole_word) {
                        continue;
                    }
                    let (probe, pattern) = &probes[probe as usize];
                    if wanted(*pattern)
                        && probe.anchor_accepts(tokens, at)
                        && let Some(m) = probe.match_at(tokens, at)
                    {
                        found.push((*pattern, m));
                    }
                }
            }
        }
    }
}

/// Terms compiled for matching. `Send + Sync`: one rule set serves every worker thread.
#[derive(Debug)]
pub struct RuleSet {
    /// The anchors of the leading sets' patterns.
    lead: Option<Anchors>,
    /// The anchors of the other patterns: other sets, exceptions and vetoes.
    other: Option<Anchors>,
    /// Each pattern as written.
    sources: Vec<String>,
    probes: Vec<(Probe, PatId)>,
    /// For each pattern: the terms using it, and how.
    roles: Vec<Vec<(u32, Role)>>,
    terms: Vec<Term>,
}

/// A term that matched: its owner and the byte range to report, in the span's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub owner: Owner,
    pub start: usize,
    pub end: usize,
    /// Whether the hit joins several sets (its range spans words in between).
    pub joined: bool,
}

/// Buffers reused from span to span.
#[derive(Debug, Default)]
pub struct Scratch {
    lower: String,
    anchors: Vec<(usize, u32)>,
    tokens: Vec<Token>,
    sentences: Vec<u32>,
    found: Vec<(PatId, Match)>,
    candidates: Vec<u32>,
}

impl RuleSet {
    /// Each pattern with the words it is anchored on (for checking that rules are anchored on
    /// distinctive words: a common one makes every span do the pattern's work).
    /// Only the patterns of leading sets are looked for in every span; the others only where
    /// a term may match.
    pub fn lead_anchors(&self) -> Vec<(&str, Vec<&str>)> {
        let mut out: Vec<(&str, Vec<&str>)> = self
            .sources
            .iter()
            .map(|s| (s.as_str(), Vec::new()))
            .collect();
        for (probe, pattern) in &self.probes {
            if self.roles[*pattern as usize]
                .iter()
                .any(|(_, role)| *role == Role::Lead)
            {
                out[*pattern as usize]
                    .1
                    .extend(probe.anchor_literals().into_iter().map(|(l, _)| l));
            }
        }
        out
    }

    /// Appends every term hit in `text` (one span of prose) to `hits`, in term order.
    pub fn scan(&self, text: &str, scratch: &mut Scratch, hits: &mut Vec<Hit>) {
        let Some(lead) = &self.lead else {
            return;
        };
        super::lowercase_into(&mut scratch.lower, text);
        let lower = scratch.lower.as_str();
        lead.find(lower, &mut scratch.anchors);
        if scratch.anchors.is_empty() {
            return;
        }
        tokenize_into(lower, &mut scratch.tokens);
        let tokens = Tokens {
            list: &scratch.tokens,
            lower,
        };
        scratch.found.clear();
        lead.match_probes(
            &scratch.anchors,
            &tokens,
            &self.probes,
            |_| true,
            &mut scratch.found,
        );
        if scratch.found.is_empty() {
            return;
        }
        scratch.candidates.clear();
        for (pattern, _) in &scratch.found {
            scratch.candidates.extend(
                self.roles[*pattern as usize]
                    .iter()
                    .filter(|(_, role)| *role == Role::Lead)
                    .map(|(term, _)| *term),
            );
        }
        scratch.candidates.sort_unstable();
        scratch.candidates.dedup();
        // The other patterns, only where a term may match, and only those of such terms.
        let needs_more = scratch.candidates.iter().any(|&t| {
            let term = &self.terms[t as usize];
            term.sets.len() > 1 || !term.unless.is_empty() || !term.except.is_empty()
        });
        scratch.sentences.clear();
        if needs_more && let Some(other) = &self.other {
            // Only in the sentences of the leading matches: every other set, veto and
            // exception of a term counts in the sentence of its leading match alone.
            sentence_ids_into(text, lower, &scratch.tokens, &mut scratch.sentences);
            let sentences = &scratch.sentences;
            let token_list = &scratch.tokens;
            let mut ranges: Vec<(usize, usize)> = scratch
                .found
                .iter()
                .map(|(_, m)| sentences[m.start])
                .map(|id| {
                    let first = sentences.partition_point(|&s| s < id);
                    let last = sentences.partition_point(|&s| s <= id);
                    (token_list[first].start, token_list[last - 1].end)
                })
                .collect();
            ranges.sort_unstable();
            ranges.dedup();
            let candidates = &scratch.candidates;
            let roles = &self.roles;
            let mut end_done = 0;
            for (start, end) in ranges {
                if end <= end_done {
                    continue;
                }
                let start = start.max(end_done);
                end_done = end;
                other.find_in(lower, start, end, &mut scratch.anchors);
                other.match_probes(
                    &scratch.anchors,
                    &tokens,
                    &self.probes,
                    |pattern| {
                        roles[pattern as usize].iter().any(|(term, role)| {
                            *role == Role::Other && candidates.binary_search(term).is_ok()
                        })
                    },
                    &mut scratch.found,
                );
            }
        }
        scratch.found.sort_unstable();
        scratch.found.dedup();
        let mut context = Context {
            text,
            lower,
            tokens: &scratch.tokens,
            sentences: &mut scratch.sentences,
            found: &scratch.found,
        };
        for &term in &scratch.candidates {
            self.evaluate(&self.terms[term as usize], &mut context, hits);
        }
    }

    fn evaluate(&self, term: &Term, cx: &mut Context<'_>, hits: &mut Vec<Hit>) {
        let excepts: Vec<Match> = term.except.iter().flat_map(|&p| cx.matches_of(p)).collect();
        let counts = |m: &Match| !excepts.iter().any(|e| e.start <= m.start && m.end <= e.end);
        let needs_sentence = term.sets.len() > 1 || !term.unless.is_empty();
        if needs_sentence {
            cx.ensure_sentences();
        }
        let cx = &*cx;
        let mut last_sentence = None;
        let mut first: Vec<Match> = term.sets[0]
            .iter()
            .flat_map(|&p| cx.matches_of(p))
            .filter(|m| counts(m))
            .collect();
        first.sort_unstable();
        for m in first {
            let sentence = if needs_sentence {
                Some(cx.sentence(m.start))
            } else {
                None
            };
            // One hit per sentence; and without a word limit, a sentence that has no partner
            // for one match has none for the next either.
            if sentence.is_some() && sentence == last_sentence {
                continue;
            }
            if term.within.is_none() {
                last_sentence = sentence;
            }
            let (mut start, mut end) = (m.report_start, m.report_end);
            let mut complete = true;
            for set in &term.sets[1..] {
                let mut partners = set
                    .iter()
                    .flat_map(|&p| cx.matches_of(p))
                    .filter(|o| counts(o))
                    // Each set needs words of its own: "panic attack" is not "panic" and "attack".
                    .filter(|o| o.end <= m.start || m.end <= o.start)
                    .filter(|o| Some(cx.sentence(o.start)) == sentence);
                let partner = match term.within {
                    None => partners.next(),
                    Some(n) => partners
                        .filter_map(|o| cx.words_between(&m, &o, n).map(|words| (words, o)))
                        .min_by_key(|(words, _)| *words)
                        .map(|(_, o)| o),
                };
                match partner {
                    Some(o) => {
                        start = start.min(o.report_start);
                        end = end.max(o.report_end);
                    }
                    None => {
                        complete = false;
                        break;
                    }
                }
            }
            if !complete {
                continue;
            }
            if let Some(s) = sentence
                && term
                    .unless
                    .iter()
                    .flat_map(|&p| cx.matches_of(p))
                    .any(|u| cx.sentence(u.start) == s)
            {
                continue;
            }
            last_sentence = sentence;
            hits.push(Hit {
                owner: term.owner,
                start: cx.tokens[start].start,
                end: cx.tokens[end - 1].end,
                joined: term.sets.len() > 1,
            });
        }
    }
}

/// One span's tokens and pattern matches while its terms are evaluated.
struct Context<'a> {
    text: &'a str,
    lower: &'a str,
    tokens: &'a [Token],
    /// Filled on first use: most spans need no sentences.
    sentences: &'a mut Vec<u32>,
    found: &'a [(PatId, Match)],
}

impl Context<'_> {
    fn matches_of(&self, pattern: PatId) -> impl Iterator<Item = Match> + '_ {
        let from = self.found.partition_point(|(p, _)| *p < pattern);
        self.found[from..]
            .iter()
            .take_while(move |(p, _)| *p == pattern)
            .map(|(_, m)| *m)
    }

    fn ensure_sentences(&mut self) {
        if self.sentences.is_empty() {
            sentence_ids_into(self.text, self.lower, self.tokens, self.sentences);
        }
    }

    /// The sentence of a token ([`ensure_sentences`](Self::ensure_sentences) first).
    fn sentence(&self, token: usize) -> u32 {
        self.sentences.get(token).copied().unwrap_or(u32::MAX)
    }

    /// The number of words between two matches (0 when they touch or overlap), if it is at
    /// most `limit`: counting stops past the limit, so far-apart matches cost little.
    fn words_between(&self, a: &Match, b: &Match, limit: usize) -> Option<usize> {
        let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
        if second.start <= first.end {
            return Some(0);
        }
        let mut words = 0;
        for t in &self.tokens[first.end..second.start] {
            if t.is_wordlike() {
                words += 1;
                if words > limit {
                    return None;
                }
            }
        }
        Some(words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(defs: &[TermDef<'_>], classes: &Classes) -> RuleSet {
        let mut b = RuleSetBuilder::new(classes);
        for d in defs {
            b.add(d).unwrap_or_else(|e| panic!("{e:?}"));
        }
        b.build().unwrap_or_else(|e| panic!("{e}"))
    }

    fn scan<'t>(rules: &RuleSet, text: &'t str) -> Vec<(Owner, &'t str)> {
        let mut hits = Vec::new();
        rules.scan(text, &mut Scratch::default(), &mut hits);
        hits.iter()
            .map(|h| (h.owner, &text[h.start..h.end]))
            .collect()
    }

    fn one<'a>(owner: Owner, pattern: &'a str) -> TermDef<'a> {
        TermDef {
            owner,
            sets: vec![vec![pattern]],
            ..TermDef::default()
        }
    }

    #[test]
    fn anchors_find_terms_anywhere_in_a_span() {
        let classes = Classes::new([]);
        let rules = set(
            &[
                one(0, "take {poss} own life"),
                one(1, "suicid*"),
                one(2, "suicide"),
                one(3, "hang {self}"),
            ],
            &classes,
        );
        assert_eq!(
            scan(
                &rules,
                "He took his own life. Suicidal thoughts; he hanged himself."
            ),
            [
                (0, "took his own life"),
                (1, "Suicidal"),
                (3, "hanged himself")
            ]
        );
        assert_eq!(scan(&rules, "suicide"), [(1, "suicide"), (2, "suicide")]);
        assert!(scan(&rules, "presuicidal éhanged himself").is_empty());
        assert!(scan(&rules, "nothing to see").is_empty());
    }

    #[test]
    fn except_phrases_and_unless_sentences() {
        let classes = Classes::new([]);
        let rules = set(
            &[
                TermDef {
                    owner: 0,
                    sets: vec![vec!["trauma*"]],
                    except: vec!["trauma (surgeon | center | centre | team)"],
                    ..TermDef::default()
                },
                TermDef {
                    owner: 1,
                    sets: vec![vec!["flashback*"]],
                    unless: vec!["(film | movie | scene)"],
                    ..TermDef::default()
                },
            ],
            &classes,
        );
        assert!(scan(&rules, "The trauma surgeons met at the trauma centre.").is_empty());
        assert_eq!(
            scan(&rules, "Trauma surgeons treat trauma."),
            [(0, "trauma")]
        );
        assert!(scan(&rules, "The film tells it in flashbacks.").is_empty());
        assert_eq!(
            scan(&rules, "The film was long. Flashbacks woke me."),
            [(1, "Flashbacks")]
        );
    }

    #[test]
    fn sets_meet_in_one_sentence_or_within_words() {
        let classes = Classes::new([]);
        let rules = set(
            &[
                TermDef {
                    owner: 0,
                    sets: vec![vec!["suicide", "died"], vec!["bridge", "train"]],
                    unless: vec!["barrier*"],
                    ..TermDef::default()
                },
                TermDef {
                    owner: 1,
                    sets: vec![vec!["suicide"], vec!["soar"]],
                    within: Some(3),
                    ..TermDef::default()
                },
            ],
            &classes,
        );
        assert_eq!(
            scan(&rules, "He died after he went to the bridge."),
            [(0, "died after he went to the bridge")]
        );
        assert_eq!(
            scan(&rules, "At the bridge, a suicide."),
            [(0, "bridge, a suicide")]
        );
        assert!(scan(&rules, "He died. The bridge was closed.").is_empty());
        assert!(scan(&rules, "Barriers on the bridge prevent suicide.").is_empty());
        assert_eq!(
            scan(&rules, "Suicide rates are soaring."),
            [(1, "Suicide rates are soaring")]
        );
        assert!(
            scan(
                &rules,
                "Suicide is preventable, and in one town hope is soaring."
            )
            .is_empty()
        );
        // One hit per sentence, however many words pair up.
        assert_eq!(
            scan(
                &rules,
                "He died by suicide on the train tracks near the bridge."
            )
            .len(),
            1
        );
    }

    #[test]
    fn each_set_needs_words_of_its_own() {
        let classes = Classes::new([]);
        let rules = set(
            &[TermDef {
                owner: 0,
                sets: vec![vec!["panic attack"], vec!["attack"]],
                ..TermDef::default()
            }],
            &classes,
        );
        assert!(scan(&rules, "I had a panic attack.").is_empty());
        assert_eq!(scan(&rules, "A panic attack after the attack.").len(), 1);
    }

    #[test]
    fn empty_terms_and_bad_patterns_are_errors() {
        let classes = Classes::new([]);
        let mut b = RuleSetBuilder::new(&classes);
        let err = b
            .add(&TermDef {
                owner: 0,
                sets: vec![],
                ..TermDef::default()
            })
            .err();
        assert!(err.is_some());
        let err = b
            .add(&one(0, "[maybe]"))
            .err()
            .unwrap_or_else(|| PatternError {
                pattern: String::new(),
                reason: String::new(),
            });
        assert_eq!(err.pattern, "[maybe]");
        assert!(err.reason.contains("nothing"), "{err:?}");
    }

    #[test]
    fn rule_set_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RuleSet>();
    }
}
