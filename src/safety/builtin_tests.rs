//! Positive and negative cases for every built-in safe-messaging rule and topic vocabulary.
//!
//! Each built-in rule (`builtin/phrases.yaml`) and topic (`builtin/topics.yaml`) has sentences it
//! must find and realistic near misses it must leave alone: everyday senses of its key words
//! ("trauma surgeon", "oilseed rape") and wording that follows safe-messaging guidance ("suicide
//! is not inevitable"). A rule is tried in an article that declares every topic and with no
//! other rule of its category (which would report the same words in its place), so that
//! neither topic gating nor another rule can hide what it does. A rule or topic without cases
//! fails here, by name, and every failing case is listed at once.

use super::ProseSpan;
use super::phrases::phrase_rules;
use super::scan::Scanner;
use super::topics::builtin_topics;
use crate::config::{Level, PhraseRule, SafeMessaging, SafetyConfig, Topic};
use indexmap::IndexMap;
use std::sync::OnceLock;

/// Sentences one rule or topic must find, and near misses it must not.
struct Cases {
    id: &'static str,
    positive: &'static [&'static str],
    negative: &'static [&'static str],
}

const RULES: &[Cases] = &[
    Cases {
        id: "suicide-method",
        positive: &[
            "He hanged himself in the garage of the family home.",
            "She took an overdose of paracetamol after the argument.",
            "The inquest heard that he had jumped from the multi-storey car park.",
            "He was found hanging from a tree in the woods.",
        ],
        negative: &[
            "The children were hanging out by the bridge after school.",
            "Pharmacies sell paracetamol in small packs to reduce deaths from overdose.",
            "He jumped off the pier into the sea on a hot summer afternoon.",
            "Three sailors were hanged for mutiny in the eighteenth century.",
            "We shot ourselves in the foot by selling the house too early.",
        ],
    },
    Cases {
        id: "suicide-method-in-context",
        positive: &[
            "Her brother found her in the loft the next morning.",
            "He had bought a rope two days before.",
            "He drove to the bridge that evening.",
        ],
        negative: &[
            "On his birthday we went to the river for a picnic, which he loved.",
            "Keep medicines locked away and take unused tablets back to the pharmacy.",
            "The rope swing over the stream was the children's favourite.",
            "If someone tells you they have a plan, ask whether they have access to a gun and \
             help them remove it.",
        ],
    },
    Cases {
        id: "self-harm-method",
        positive: &[
            "She used a razor blade on her upper arm.",
            "He burned himself with a lighter most nights.",
            "She hid the cuts under long sleeves all summer.",
            "I cut my thighs so nobody would see.",
        ],
        negative: &[
            "She burned her hand on the oven door while baking.",
            "Use a sharp knife for the chicken; blunt blades slip and cut your fingers.",
            "If a wound is deep or won't stop bleeding, it needs medical attention.",
            "Her scars have faded, and she no longer hides her arms.",
        ],
    },
    Cases {
        id: "self-harm-method-in-context",
        positive: &[
            "The cuts got deeper each time.",
            "I kept a blade hidden in my pencil case.",
        ],
        negative: &[
            "Her scars have healed and faded into silvery lines.",
            // Why someone self-harms is not how: the guidance asks to leave out method, not reasons.
            "Some people self-harm to feel something when they feel numb.",
            "Schools keep craft knives in a locked cupboard.",
        ],
    },
    Cases {
        id: "suicide-note",
        positive: &[
            "Police found a suicide note in his bedroom.",
            "She posted a goodbye message on Instagram the night she died.",
            "The inquest heard that his last message to his sister said he was sorry.",
        ],
        negative: &[
            "Write a farewell card for your colleague's retirement party.",
            "Many bereaved families find comfort in reading old messages and cards.",
            "Saying goodbye to everyone at her leaving do was hard.",
        ],
    },
    Cases {
        id: "suicide-note-in-context",
        positive: &[
            "The letter she left asked her parents to forgive her.",
            "In the note he apologised to his children.",
            "He had written letters to each of his friends.",
        ],
        negative: &[
            "She left a note on the fridge saying she had gone to the shops.",
            "Make a note of the helpline number and keep it in your phone.",
            "The coroner will write to the hospital trust about its discharge policy.",
        ],
    },
    Cases {
        id: "suicide-without-warning",
        positive: &[
            "His suicide came completely out of the blue.",
            "She seemed so happy; nobody saw it coming.",
            "He had everything to live for.",
        ],
        negative: &[
            "Suicide rarely comes without warning; learn the signs and ask directly.",
            "Panic attacks can come out of the blue.",
            "Warning signs can include talking about wanting to die or withdrawing from friends.",
        ],
    },
    Cases {
        id: "suicide-without-warning-in-context",
        positive: &[
            "Her death came without any warning.",
            "He did it for no reason that any of us could see.",
        ],
        negative: &[
            "Her death was not out of the blue: there were warning signs, even if we didn't recognise them.",
            "Look out for warning signs: a death by suicide rarely comes out of the blue.",
            "Warning signs can be subtle, so a death may seem to come out of nowhere.",
        ],
    },
    Cases {
        id: "suicide-as-solution",
        positive: &[
            "He saw suicide as the only way out.",
            "For her, ending it seemed the only option left.",
            "Some people called it the easy way out.",
        ],
        negative: &[
            "Talking to a counsellor brought relief from her suicidal thoughts.",
            "The fire exit was the only way out of the building.",
            "Suicide is never a solution, and help is always there.",
        ],
    },
    Cases {
        id: "suicide-as-solution-in-context",
        positive: &[
            "His death was a release from years of pain.",
            "She is gone now, and at least she is at peace.",
        ],
        negative: &[
            "After the funeral we went for a walk, which was a relief.",
            "Death is not an escape from pain; support is.",
            "She felt like death was the only way out, but with help she found another.",
        ],
    },
    Cases {
        id: "suicide-as-choice",
        positive: &[
            "He made the decision to end his life.",
            "Taking her own life was a brave act.",
            "He chose to die on his own terms.",
        ],
        negative: &[
            "Whether to tell her family was her decision, and we respected that.",
            "She decided to go back to university after a year out.",
            "Suicide is rarely a free choice; it happens when pain outweighs the resources for \
             coping.",
            "She ended her career on her own terms.",
        ],
    },
    Cases {
        id: "suicide-inevitable",
        positive: &[
            "Looking back, his suicide was inevitable.",
            "Some people believe that if someone really wants to die, nothing can stop them.",
            "Her fate was sealed long before that night.",
        ],
        negative: &[
            "Death is an inevitable part of life, and grief is a natural response to it.",
            "Suicide is not inevitable; it is preventable.",
            "When someone really wants to talk, give them your full attention.",
        ],
    },
    Cases {
        id: "suicide-single-cause",
        positive: &[
            "He killed himself because of the bullying at school.",
            "Losing her job was the final straw.",
            "Online trolls drove her to suicide.",
        ],
        negative: &[
            "Exam stress made her anxious and tearful, so her teacher helped her plan her revision.",
            "Bullying can be one of many factors that add to suicide risk.",
            "Suicide over the past decade has fallen among older men.",
        ],
    },
    Cases {
        id: "suicide-romanticised",
        positive: &[
            "In death they are together forever.",
            "She took her life and is finally free.",
            "He was too good for this world.",
        ],
        negative: &[
            "My partner and I went together to see the GP.",
            "Suicide is not peaceful or romantic; it leaves deep grief behind.",
            "Recovery gave her a sense of peace she had not felt in years.",
        ],
    },
    Cases {
        id: "suicide-romanticised-in-context",
        positive: &[
            "He is at peace now.",
            "She gained her wings that night.",
            "He lost his long battle with depression.",
        ],
        negative: &[
            "It's only a matter of time before the new helpline opens in our area.",
            "After the operation, her back pain was finally over.",
            "Breathing exercises help her feel more at peace with herself.",
            "Free from the pressure of exams, she enjoyed the summer.",
        ],
    },
    Cases {
        id: "suicide-epidemic",
        positive: &[
            "Newspapers called it a suicide epidemic.",
            "The headline warned of an epidemic of suicide among young farmers.",
        ],
        negative: &[
            "The opioid epidemic has hit rural towns hard.",
            "Suicide rates among young men have risen, and prevention work is expanding.",
        ],
    },
    Cases {
        id: "soaring-suicide-rates",
        positive: &[
            "Soaring suicide rates among teenagers worry schools.",
            "The suicide rate has skyrocketed since 2020.",
        ],
        negative: &[
            "The suicide rate rose by two per cent last year.",
            "House prices have soared, and debt is a risk factor for suicide.",
        ],
    },
    Cases {
        id: "sensational-suicide",
        positive: &[
            "Shocking suicide figures revealed.",
            "A third student has taken their own life at the same university this year.",
            "The bridge has become a suicide hotspot.",
        ],
        negative: &[
            "Call the suicide crisis line if you need to talk tonight.",
            "Avoid words such as \"epidemic\" when you write about suicide.",
        ],
    },
    Cases {
        id: "sensational-in-context",
        positive: &[
            "Harrowing footage of her final moments was shared online.",
            "The tragic death of the teenager sent the town into meltdown.",
        ],
        negative: &[
            "Never share graphic images of self-harm; report them to the platform instead.",
            "The referee's decision was shocking, and the team lost.",
            "Avoid words like \"tragic\" or \"horror\" when you write about a death.",
        ],
    },
    Cases {
        id: "successful-suicide",
        positive: &[
            "It was his second, successful suicide attempt.",
            "She finally succeeded in killing herself.",
        ],
        negative: &[
            "Her successful recovery from depression took two years.",
            "He succeeded in finding a therapist he trusted.",
        ],
    },
    Cases {
        id: "failed-suicide-attempt",
        positive: &[
            "After a failed suicide attempt, he spent a week in hospital.",
            "It was her second unsuccessful attempt to take her own life.",
        ],
        negative: &[
            "He survived a suicide attempt and now speaks about recovery.",
            "After several failed attempts to quit smoking, she asked her GP for help.",
        ],
    },
    Cases {
        id: "completed-suicide",
        positive: &[
            "Completed suicides rose in the region last year.",
            "Men are more likely than women to complete suicide.",
        ],
        negative: &[
            "She completed a suicide prevention course at work.",
            "He completed his degree while recovering from a suicide attempt.",
        ],
    },
    Cases {
        id: "suicide-success-failure",
        positive: &[
            "She felt she had failed at suicide.",
            "He managed to end his life on his third attempt.",
            "A botched suicide attempt left him in a wheelchair.",
        ],
        negative: &[
            "Crisis services succeeded in reaching more people at risk of suicide this year.",
            "Her attempt to quit drinking failed twice before it worked.",
        ],
    },
    Cases {
        id: "suicide-success-failure-in-context",
        positive: &[
            "Her first attempt was unsuccessful.",
            "He was disappointed to wake up in hospital.",
            "Third time lucky, he wrote.",
        ],
        negative: &[
            "The first antidepressant didn't work for her, but the second one helped.",
            "The rescue attempt failed because of the weather.",
            "Our bid for funding for the helpline didn't work out.",
        ],
    },
    Cases {
        id: "eating-disorder-numbers",
        positive: &[
            "She was eating fewer than 500 calories a day.",
            "At my lowest I weighed just 38 kg.",
            "She dropped from a size 12 to a size 4.",
            "His BMI was 15 when he was admitted.",
        ],
        negative: &[
            "Newborn babies usually weigh around 3.5 kg.",
            "My suitcase weighed 23 kg at check-in.",
            "She wears size 6 shoes.",
        ],
    },
    Cases {
        id: "eating-disorder-numbers-in-context",
        positive: &[
            "She counted every calorie she ate.",
            "He ran 10 miles every morning before eating anything.",
            "She did 200 sit-ups every night.",
        ],
        negative: &[
            "In treatment she kept a food diary with her dietitian.",
            "Preheat the oven and bake the loaf for 40 minutes.",
            "A dietitian can help you plan regular meals; you don't need to count calories.",
        ],
    },
    Cases {
        id: "committed-suicide",
        positive: &[
            "He committed suicide in 2015.",
            "More suicides were committed in rural areas.",
        ],
        negative: &[
            "We say \"died by suicide\" rather than \"committed suicide\".",
            "She is committed to suicide prevention.",
        ],
    },
    Cases {
        id: "commit-suicide",
        positive: &[
            "Men are more likely to commit suicide than women.",
            "He threatened to commit suicide.",
        ],
        negative: &[
            "Avoid saying \"commit suicide\", which suggests a crime.",
            "Our company will commit to a suicide prevention plan.",
        ],
    },
    Cases {
        id: "suicide-victim",
        positive: &[
            "The suicide victim was 24.",
            "He was described as a victim of suicide.",
        ],
        negative: &[
            "The charity supports victims of abuse and families bereaved by suicide.",
            "Support for people bereaved by suicide is available locally.",
        ],
    },
    Cases {
        id: "cry-for-help",
        positive: &[
            "Her overdose was just a cry for help.",
            "Self-harm is just attention-seeking.",
            "Staff called him a frequent flyer at A&E.",
        ],
        negative: &[
            "Self-harm is not attention-seeking; it is a sign of distress.",
            "The brand's latest stunt was a cry for attention.",
            "Every suicide attempt is a cry for help that deserves a caring response.",
        ],
    },
    Cases {
        id: "self-harmer",
        positive: &[
            "Self-harmers often hide their injuries.",
            "She was known at school as a cutter.",
        ],
        negative: &[
            "Use a cookie cutter to shape the dough.",
            "He bought a new box cutter for the warehouse.",
            "People who self-harm deserve compassion.",
        ],
    },
    Cases {
        id: "schizophrenic-noun",
        positive: &[
            "A schizophrenic attacked a man in the park.",
            "Schizophrenics hear voices.",
            "He is a schizophrenic who lives alone.",
        ],
        negative: &[
            "People with schizophrenia are more likely to be victims than perpetrators.",
            "She had a schizophrenic episode last year.",
        ],
    },
    Cases {
        id: "eating-disorder-noun",
        positive: &[
            "She has been an anorexic since she was fourteen.",
            "Bulimics often hide their symptoms.",
            "The anorexic girl in the film barely speaks.",
        ],
        negative: &[
            "Anorexic thoughts can persist during recovery.",
            "She has anorexia and is getting treatment.",
        ],
    },
    Cases {
        id: "addict",
        positive: &[
            "Drug addicts need treatment, not punishment.",
            "My brother was a junkie for ten years.",
            "The town drunk was asleep on the bench.",
        ],
        negative: &[
            "He got drunk at the wedding.",
            "She is addicted to her phone.",
            "Addiction is a treatable condition.",
        ],
    },
    Cases {
        id: "clean-dirty",
        positive: &[
            "His urine test came back dirty.",
            "She has been clean for two years.",
            "They sent him home after a dirty sample.",
        ],
        negative: &[
            "The biopsy results came back clean.",
            "Needle exchanges give out clean needles.",
            "Keep your kitchen clean for a week and notice how you feel.",
        ],
    },
    Cases {
        id: "alcoholic-noun",
        positive: &[
            "Her father was an alcoholic who drank every day.",
            "Alcoholics rarely ask for help.",
        ],
        negative: &[
            "He goes to Alcoholics Anonymous every Tuesday.",
            "Alcoholic drinks are banned at the ground.",
            "Non-alcoholic beer is on offer.",
        ],
    },
    Cases {
        id: "mentally-ill-noun",
        positive: &[
            "Services for the mentally ill are underfunded.",
            "She is a depression sufferer.",
            "He fell victim to depression in his twenties.",
        ],
        negative: &[
            "People with mental illness deserve good care.",
            "She lives with bipolar disorder.",
            "A borderline result on the blood test needs a second look.",
        ],
    },
    Cases {
        id: "suffering-from",
        positive: &[
            "She has been suffering from depression for years.",
            "He is afflicted with anxiety.",
        ],
        negative: &[
            "Sleep often suffers from late-night screen use.",
            "She lives with depression and works full time.",
            "Nobody has to suffer in silence: talking to your GP is a good first step.",
        ],
    },
    Cases {
        id: "stigmatising-slang",
        positive: &[
            "He was locked up in a lunatic asylum.",
            "She's totally nuts.",
            "Stop acting crazy.",
            "He went off his meds.",
        ],
        negative: &[
            "She works with asylum seekers.",
            "She's been crazy busy at work.",
            "A woman's mental health matters as much as her physical health.",
        ],
    },
    Cases {
        id: "trivialised-diagnosis",
        positive: &[
            "I'm so OCD about my desk.",
            "The weather has been totally bipolar this week.",
        ],
        negative: &[
            "She was diagnosed with OCD at sixteen.",
            "He has bipolar disorder and manages it with medication.",
        ],
    },
];

const TOPICS: &[Cases] = &[
    Cases {
        id: "suicide",
        positive: &[
            "She has had suicidal thoughts since her teens.",
            "He took his own life in 2019.",
            "Some days I wish I wasn't here.",
            "If you are thinking about ending your life, call a helpline now.",
        ],
        negative: &[
            "The suicide squeeze won the game in the ninth inning.",
            "The car has suicide doors at the back.",
            "Raising taxes before an election would be political suicide.",
            "I nearly killed myself laughing at the film.",
            "We really shot ourselves in the foot with that plan.",
            "Cancer took her life at forty-two.",
            "The rebels were hanged for treason.",
        ],
    },
    Cases {
        id: "self-harm",
        positive: &[
            "He started self-harming at fourteen.",
            "She used to cut herself when things got too much.",
            "I have old scars on my forearms.",
            "He hit himself when he felt overwhelmed.",
        ],
        negative: &[
            "I cut myself shaving this morning.",
            "She burned her arm on the oven door.",
            "Don't burn yourself out at work.",
            "He hurt himself playing rugby.",
            "She cut herself off from her friends.",
        ],
    },
    Cases {
        id: "substance-use",
        positive: &[
            "He has been drinking heavily since the divorce.",
            "She relapsed after six months in rehab.",
            "Opioid overdoses have risen in the city.",
            "I've been sober for three years.",
        ],
        negative: &[
            "Clean the graze with rubbing alcohol.",
            "Children can get an overdose of sugar at parties.",
            "Add a pinch of mixed spice to the cake.",
            "Drunk on success, the team celebrated all night.",
            "Try a digital detox at the weekend.",
            "Use an alcohol-based hand gel after the bus.",
        ],
    },
    Cases {
        id: "abuse",
        positive: &[
            "She left an abusive relationship last year.",
            "Coercive control is a form of domestic abuse.",
            "He was raped as a teenager.",
            "When I was small, he hit me if dinner was late.",
        ],
        negative: &[
            "Oilseed rape turns the fields yellow in May.",
            "We watched Gaslight, the 1944 thriller, last night.",
            "The council was accused of abuse of power.",
            "Report abuse using the flag button.",
            "Substance abuse services are run by the local council.",
            "He beat me at chess again.",
            "My brother hit me with a pillow during a play fight.",
        ],
    },
    Cases {
        id: "eating-disorders",
        positive: &[
            "She was diagnosed with anorexia at fifteen.",
            "Binge eating disorder is the most common eating disorder.",
            "He would make himself sick after meals.",
            "She counted every calorie and refused to eat with the family.",
        ],
        negative: &[
            "Purging the cache fixed the website.",
            "I stopped eating meat last year.",
            "The council is purging the electoral roll of old entries.",
            "You'll make yourself sick with worry about the exam.",
            "We stopped eating out to save money.",
        ],
    },
    Cases {
        id: "trauma",
        positive: &[
            "She was diagnosed with PTSD after the assault.",
            "Flashbacks can make it feel as if the event is happening again.",
            "He still has nightmares about the crash.",
            "Loud bangs have made him jumpy since the war.",
        ],
        negative: &[
            "Fireworks make our dog jumpy every November.",
            "She trained as a trauma surgeon in Leeds.",
            "He was taken to the major trauma centre.",
            "The film tells its story in flashback.",
            "Blunt trauma to the knee kept him off the pitch.",
            "The staff have had trauma-informed training.",
            "I had a nightmare about missing my exam.",
        ],
    },
];

/// Every built-in topic, with Haven's vocabulary and no terms of the site's own.
fn builtin_topic_config() -> IndexMap<String, Topic> {
    let builtins = builtin_topics().unwrap_or_else(|e| panic!("{e}"));
    builtins
        .keys()
        .map(|key| {
            let mut topic = Topic::with_terms(key, false, &[]);
            topic.builtin = true;
            (key.clone(), topic)
        })
        .collect()
}

/// A site's override that turns the built-in rule `id` off.
fn turned_off(id: &str) -> PhraseRule {
    PhraseRule {
        id: id.to_string(),
        matches: Vec::new(),
        pattern: None,
        except: Vec::new(),
        unless: Vec::new(),
        topics: None,
        replacement: None,
        severity: Some(Level::Off),
        category: None,
        source: None,
        message: None,
    }
}

/// The built-in rules' ids, in file order, with their categories.
fn builtin_rules() -> Vec<(String, String)> {
    phrase_rules(&SafetyConfig::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|rule| (rule.id, rule.category))
        .collect()
}

/// Scanners that together run every built-in rule, each with every built-in topic and at most
/// one rule of a category: a scan reports one finding where rules of one category overlap, so
/// a rule alone in its category is seen exactly as it matches. Built once for all tests.
fn rule_scanners() -> &'static [(Vec<String>, Scanner)] {
    static SCANNERS: OnceLock<Vec<(Vec<String>, Scanner)>> = OnceLock::new();
    SCANNERS.get_or_init(|| {
        let rules = builtin_rules();
        let mut layers: Vec<Vec<&(String, String)>> = Vec::new();
        for rule in &rules {
            match layers
                .iter_mut()
                .find(|layer| layer.iter().all(|other| other.1 != rule.1))
            {
                Some(layer) => layer.push(rule),
                None => layers.push(vec![rule]),
            }
        }
        layers
            .into_iter()
            .map(|layer| {
                let ids: Vec<String> = layer.iter().map(|(id, _)| id.clone()).collect();
                let scanner = Scanner::new(&SafetyConfig {
                    topics: builtin_topic_config(),
                    phrases: rules
                        .iter()
                        .filter(|(id, _)| !ids.contains(id))
                        .map(|(id, _)| turned_off(id))
                        .collect(),
                    ..SafetyConfig::default()
                })
                .unwrap_or_else(|e| panic!("{e}"));
                (ids, scanner)
            })
            .collect()
    })
}

/// What the built-in rule `id` reports in `sentence`, in an article that declares every topic
/// (`None`: there is no such rule).
fn rule_hits(id: &str, sentence: &str) -> Option<Vec<String>> {
    let (_, scanner) = rule_scanners()
        .iter()
        .find(|(ids, _)| ids.iter().any(|i| i == id))?;
    let declared: Vec<String> = builtin_topic_config().into_keys().collect();
    let hits = scanner
        .scan(&[ProseSpan::new(sentence, 0)], &declared)
        .phrases
        .into_iter()
        .filter(|hit| hit.rule == id)
        .map(|hit| hit.matched)
        .collect();
    Some(hits)
}

/// The topics that the built-in vocabularies find in `sentence`, with what matched.
fn topics_in(sentence: &str) -> Vec<(String, String)> {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    let scanner = SCANNER.get_or_init(|| {
        Scanner::new(&SafetyConfig {
            topics: builtin_topic_config(),
            safe_messaging: SafeMessaging::Off,
            ..SafetyConfig::default()
        })
        .unwrap_or_else(|e| panic!("{e}"))
    });
    scanner
        .scan(&[ProseSpan::new(sentence, 0)], &[])
        .topics
        .into_iter()
        .map(|m| (m.topic, m.matched))
        .collect()
}

/// The ids that lack a positive or a negative case, and the cases that name no built-in.
fn coverage_gaps(kind: &str, ids: &[String], table: &[Cases]) -> Vec<String> {
    let mut gaps = Vec::new();
    for id in ids {
        let cases: Vec<&Cases> = table.iter().filter(|c| c.id == id).collect();
        if cases.iter().all(|c| c.positive.is_empty()) {
            gaps.push(format!(
                "built-in {kind} `{id}` has no positive case (a sentence it must find)"
            ));
        }
        if cases.iter().all(|c| c.negative.is_empty()) {
            gaps.push(format!(
                "built-in {kind} `{id}` has no negative case (a near miss it must not find)"
            ));
        }
        if cases.len() > 1 {
            gaps.push(format!(
                "{kind} `{id}` has {} entries; merge them",
                cases.len()
            ));
        }
    }
    for case in table {
        if !ids.iter().any(|id| id == case.id) {
            gaps.push(format!(
                "cases for `{}`, which is no built-in {kind}",
                case.id
            ));
        }
    }
    gaps
}

/// Fails listing every one of `failures`, if there are any.
fn assert_none(failures: &[String], what: &str) {
    assert!(
        failures.is_empty(),
        "{} {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_builtin_rule_and_topic_has_positive_and_negative_cases() {
    let rule_ids: Vec<String> = builtin_rules().into_iter().map(|(id, _)| id).collect();
    assert!(rule_ids.len() > 20, "built-in rules: {rule_ids:?}");
    let topic_keys: Vec<String> = builtin_topic_config().into_keys().collect();
    assert!(topic_keys.len() >= 6, "built-in topics: {topic_keys:?}");
    let mut gaps = coverage_gaps("rule", &rule_ids, RULES);
    gaps.extend(coverage_gaps("topic", &topic_keys, TOPICS));
    assert_none(&gaps, "gaps in the cases of the built-in rules and topics");
}

#[test]
fn rules_flag_their_positive_cases() {
    let mut failures = Vec::new();
    for case in RULES {
        for sentence in case.positive {
            match rule_hits(case.id, sentence) {
                None => failures.push(format!("`{}` is no built-in rule", case.id)),
                Some(found) if found.is_empty() => {
                    failures.push(format!("`{}` does not flag {sentence:?}", case.id));
                }
                Some(_) => {}
            }
        }
    }
    assert_none(&failures, "positive cases not flagged by their rule");
}

#[test]
fn rules_spare_their_near_misses() {
    let mut failures = Vec::new();
    for case in RULES {
        for sentence in case.negative {
            match rule_hits(case.id, sentence) {
                None => failures.push(format!("`{}` is no built-in rule", case.id)),
                Some(found) if !found.is_empty() => {
                    failures.push(format!("`{}` flags {found:?} in {sentence:?}", case.id));
                }
                Some(_) => {}
            }
        }
    }
    assert_none(&failures, "near misses flagged by their rule");
}

#[test]
fn topics_find_their_positive_cases() {
    let mut failures = Vec::new();
    for case in TOPICS {
        for sentence in case.positive {
            let found = topics_in(sentence);
            if !found.iter().any(|(topic, _)| topic == case.id) {
                failures.push(format!(
                    "topic `{}` not found in {sentence:?} (found {found:?})",
                    case.id
                ));
            }
        }
    }
    assert_none(&failures, "positive cases not found as their topic");
}

#[test]
fn topics_spare_their_near_misses() {
    let mut failures = Vec::new();
    for case in TOPICS {
        for sentence in case.negative {
            if let Some((_, matched)) = topics_in(sentence)
                .into_iter()
                .find(|(topic, _)| topic == case.id)
            {
                failures.push(format!(
                    "topic `{}` found ({matched:?}) in {sentence:?}",
                    case.id
                ));
            }
        }
    }
    assert_none(&failures, "near misses found as their topic");
}
