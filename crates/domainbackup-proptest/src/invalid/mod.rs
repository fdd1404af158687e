//! Invalid documents: a valid case with exactly one of libvirt's rules broken, carrying the
//! rejection libvirt gives for it. Each breach names its rule by the catalogue's entry
//! ([`domainbackup_model::rules`]), and that id is what reports count; a rule broken in several ways has
//! one breach per way, told apart by a variant name (`parse.disk.format-unknown/luks`).
//!
//! The rejection is derived from the rule and the values the breach puts in the document,
//! never from running the reference: the catalogue gives the stage, code, domain and the
//! message's wording; the breach gives the values. Where libvirt's message comes from
//! libxml2 (well-formedness, schema) only the stage, code and domain are given.
//!
//! This module holds the public API and the machinery (`Breach`, `Expect`, `Scope`);
//! the breaches themselves are listed by stage: `well_formed` (`wf.*`, `root.*`), `schema`
//! and `schema_store` (the RNG schema), `parse` (libvirt's C parser, public and internal
//! parses) and `align` (the fake domain), with the edits they share in `edits`. The order
//! in which `breaches()` joins those lists is the order of [`rule_ids`], and through it of
//! the cases [`invalid`] draws: moving a breach changes generated documents.

mod align;
mod edits;
mod parse;
mod schema;
mod schema_store;
mod well_formed;

use proptest::prelude::*;

use super::model::{self, Target};
use super::render::{self, Node};
use domainbackup_model::Rejection;
use domainbackup_model::model::{DiskState, DomainBackup};
use domainbackup_model::rules::Rule;
use domainbackup_model::{Mode, Profile};

/// An invalid document and the rejection libvirt gives for it.
#[derive(Debug, Clone)]
pub struct InvalidCase {
    /// The libvirt version.
    pub profile: Profile,
    /// How the document is processed.
    pub mode: Mode,
    /// The rule libvirt refuses the document by (the catalogue's entry).
    pub rule: &'static Rule,
    /// The breach that made it: the rule's id, or `id/variant` where one rule is broken
    /// in several ways.
    pub breach: &'static str,
    /// The document (bytes: some rules break the encoding).
    pub document: Vec<u8>,
    /// libvirt's rejection: stage, code, domain and rule always; the message too where
    /// `message_is_libvirts`.
    pub expected: Rejection,
    /// Whether `expected.message` is libvirt's exact text (false where libxml2 words it).
    pub message_is_libvirts: bool,
}

/// Where a rule can be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Any mode.
    Any,
    /// Public parses (the schema is checked).
    Public,
    /// Internal parses (the rule hides behind the schema otherwise).
    Internal,
    /// Aligned modes.
    Aligned,
}

/// One way of breaking one rule.
struct Breach {
    /// The rule it breaks.
    rule: &'static Rule,
    /// Which of several breaches of the same rule this is.
    variant: Option<&'static str>,
    /// `rule.id`, or `rule.id/variant` (filled in when the list is built).
    name: &'static str,
    scope: Scope,
    /// Narrows the profiles the catalogue gives the rule to those where the breach works.
    only: Option<fn(Profile) -> bool>,
    /// Shapes the valid definition so the rule can be broken as the first error.
    prepare: fn(&mut DomainBackup, Profile),
    /// Breaks the rule in the element tree and says what libvirt reports.
    edit: fn(&mut Node, Profile) -> Expect,
}

enum Expect {
    /// libvirt's rejection by the breach's rule, these values in its message.
    Values(Vec<&'static str>),
    /// libvirt's rejection by another rule (where the version decides which), these values
    /// in its message.
    By(&'static Rule, Vec<&'static str>),
    /// The breach's rule; the text is libxml2's.
    Class,
    /// A byte-level change of the written document that makes it not well-formed (the
    /// breach's rule; the text is libxml2's).
    Bytes(fn(&mut Vec<u8>)),
    /// The expectation, once the written document is changed at byte level (for what the
    /// element tree cannot say: text among elements, entity references, another root).
    Rewritten(Box<Expect>, fn(&mut Vec<u8>)),
}

/// The breach's own rule, with `values` in libvirt's message.
fn values(values: &[&'static str]) -> Expect {
    Expect::Values(values.to_vec())
}

/// Another rule than the breach's, with `values` in libvirt's message.
fn by(rule: &'static Rule, values: &[&'static str]) -> Expect {
    Expect::By(rule, values.to_vec())
}

fn schema() -> Expect {
    Expect::Class
}

/// Every breach, built once, in the order [`rule_ids`] lists them.
fn breaches() -> &'static [Breach] {
    static BREACHES: std::sync::OnceLock<Vec<Breach>> = std::sync::OnceLock::new();
    BREACHES.get_or_init(|| {
        let mut breaches = well_formed::breaches();
        breaches.extend(schema::first_breaches());
        breaches.extend(parse::public_breaches());
        breaches.extend(parse::internal_breaches());
        breaches.extend(align::breaches());
        breaches.extend(schema::breaches());
        breaches.extend(schema_store::breaches());
        breaches.extend(parse::internal_store_and_profile_breaches());
        for breach in &mut breaches {
            breach.name = match breach.variant {
                None => breach.rule.id,
                // Built once for the life of the program, like the list itself.
                Some(variant) => String::leak(format!("{}/{variant}", breach.rule.id)),
            };
        }
        breaches
    })
}

// ---- building blocks of the schema rules and the internal parse rules ----

/// A breach of `rule` in the modes of `scope`, in every profile the catalogue gives it.
fn breach(
    scope: Scope,
    rule: &'static Rule,
    prepare: fn(&mut DomainBackup, Profile),
    edit: fn(&mut Node, Profile) -> Expect,
) -> Breach {
    Breach {
        rule,
        variant: None,
        name: "",
        scope,
        only: None,
        prepare,
        edit,
    }
}

/// A rule of the schema: broken in public parses.
fn public(
    rule: &'static Rule,
    prepare: fn(&mut DomainBackup, Profile),
    edit: fn(&mut Node, Profile) -> Expect,
) -> Breach {
    breach(Scope::Public, rule, prepare, edit)
}

/// A rule of libvirt's C parser that only an internal parse reaches (the schema refuses
/// the document first otherwise).
fn internal(
    rule: &'static Rule,
    prepare: fn(&mut DomainBackup, Profile),
    edit: fn(&mut Node, Profile) -> Expect,
) -> Breach {
    breach(Scope::Internal, rule, prepare, edit)
}

impl Breach {
    /// The breach exists only in the profiles where `applies` holds (within those the
    /// catalogue gives the rule).
    fn only_where(mut self, applies: fn(Profile) -> bool) -> Breach {
        self.only = Some(applies);
        self
    }

    /// One of several breaches of the same rule, told apart by `name`.
    fn variant(mut self, name: &'static str) -> Breach {
        self.variant = Some(name);
        self
    }

    /// The breach's name: the rule's id, then `/variant` where the rule has several.
    fn name(&self) -> &'static str {
        self.name
    }
}

fn in_scope(breach: &Breach, profile: Profile, mode: Mode) -> bool {
    let options = mode.options(profile);
    let scope = match breach.scope {
        Scope::Any => true,
        Scope::Public => !options.internal,
        Scope::Internal => options.internal,
        Scope::Aligned => options.align,
    };
    scope && breach.rule.holds_in(profile) && breach.only.is_none_or(|applies| applies(profile))
}

/// The name of every breach [`invalid`] can produce for `profile` and `mode`: the rule's
/// id, or `id/variant` where one rule is broken in several ways.
pub fn rule_ids(profile: Profile, mode: Mode) -> Vec<&'static str> {
    breaches()
        .iter()
        .filter(|b| in_scope(b, profile, mode))
        .map(Breach::name)
        .collect()
}

/// The name of every breach [`invalid`] can produce under some profile and mode.
pub fn all_rule_ids() -> Vec<&'static str> {
    breaches().iter().map(Breach::name).collect()
}

/// Builds the invalid case for the breach named `name` (see [`rule_ids`]) from a valid
/// definition and a spelling seed.
pub fn break_rule(
    name: &str,
    definition: &DomainBackup,
    seed: u64,
    profile: Profile,
    mode: Mode,
) -> Option<InvalidCase> {
    let breach = breaches()
        .iter()
        .find(|b| b.name == name && in_scope(b, profile, mode))?;
    let options = mode.options(profile);
    let target = Target {
        profile,
        internal: options.internal,
    };
    let mut def = definition.clone();
    if options.align {
        model::make_alignable(&mut def);
    }
    (breach.prepare)(&mut def, profile);
    if !options.internal {
        for disk in &mut def.disks {
            disk.state = DiskState::None;
        }
    }
    let mut expect = None;
    let text = render::render_edited(&def, target, seed, |root| {
        expect = Some((breach.edit)(root, profile))
    });
    let mut document = text.into_bytes();
    let mut expect = expect?;
    while let Expect::Rewritten(inner, change) = expect {
        change(&mut document);
        expect = *inner;
    }
    let (rule, values) = match expect {
        Expect::Values(values) => (breach.rule, Some(values)),
        Expect::By(rule, values) => (rule, Some(values)),
        Expect::Class => (breach.rule, None),
        Expect::Bytes(change) => {
            change(&mut document);
            (breach.rule, None)
        }
        Expect::Rewritten(..) => unreachable!("unwrapped above"),
    };
    let message_is_libvirts = values.is_some();
    let expected = match values {
        Some(values) => {
            let values: Vec<&dyn std::fmt::Display> =
                values.iter().map(|v| v as &dyn std::fmt::Display).collect();
            rule.reject_in(profile, &values)
        }
        None => {
            let wording = rule.wording_in(profile);
            Rejection::from_parts(
                rule.stage,
                wording.code.number(),
                wording.domain.number(),
                "",
            )
            .by(rule)
        }
    };
    Some(InvalidCase {
        profile,
        mode,
        rule,
        breach: breach.name,
        document,
        expected,
        message_is_libvirts,
    })
}

/// Invalid documents for `profile` processed in `mode`: each breaks one rule, drawn from
/// the rules that exist there.
pub fn invalid(profile: Profile, mode: Mode) -> BoxedStrategy<InvalidCase> {
    let ids = rule_ids(profile, mode);
    let target = Target {
        profile,
        internal: mode.options(profile).internal,
    };
    (
        prop::sample::select(ids),
        model::definition(target),
        any::<u64>(),
    )
        .prop_filter_map("rule applies", move |(id, def, seed)| {
            break_rule(id, &def, seed, profile, mode)
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    use super::*;
    use domainbackup_model::xml::{read, schema};
    use domainbackup_model::{Stage, rules};

    #[test]
    fn every_schema_rule_has_a_generated_case() {
        let broken: std::collections::BTreeSet<&str> =
            breaches().iter().map(|b| b.rule.id).collect();
        for rule in rules::ALL.iter().filter(|r| r.stage == Stage::Schema) {
            assert!(broken.contains(rule.id), "no invalid case breaks {rule}");
        }
        let mut unique = std::collections::BTreeSet::new();
        for name in all_rule_ids() {
            assert!(unique.insert(name), "{name} is listed twice");
            let id = name.split('/').next().unwrap_or(name);
            assert!(rules::by_id(id).is_some(), "{name} names no catalogue rule");
        }
    }

    /// Each rule, from random definitions and spellings, in every profile and mode where it
    /// exists (`INVALID_SWEEP` sets how many per rule).
    #[test]
    fn every_rule_from_random_definitions() {
        let per_rule: usize = std::env::var("INVALID_SWEEP")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(4);
        let mut runner = TestRunner::deterministic();
        for profile in Profile::ALL {
            for mode in Mode::ALL {
                let options = mode.options(profile);
                let strategy = model::definition(Target {
                    profile,
                    internal: options.internal,
                });
                for id in rule_ids(profile, mode) {
                    for _ in 0..per_rule {
                        let def = strategy.new_tree(&mut runner).expect("a case").current();
                        let seed = runner.rng().next_u64();
                        let case = break_rule(id, &def, seed, profile, mode).expect("in scope");
                        let text = String::from_utf8_lossy(&case.document).into_owned();
                        let actual = domainbackup_model::process(&case.document, options)
                            .expect_err(&format!("{profile} {mode} {id}: accepted\n{text}"));
                        let e = &case.expected;
                        assert_eq!(
                            (actual.stage, actual.code, actual.domain),
                            (e.stage, e.code, e.domain),
                            "{profile} {mode} {id}: {}\n{text}",
                            actual.to_line()
                        );
                        if case.message_is_libvirts {
                            assert_eq!(actual.message, e.message, "{profile} {mode} {id}\n{text}");
                        }
                        assert_eq!(
                            actual.rule,
                            Some(case.rule),
                            "{profile} {mode} {id}\n{text}"
                        );
                        if actual.stage == Stage::Schema {
                            let document = read::read(&case.document).expect("well-formed");
                            let v = schema::validate(&document, profile).expect_err("invalid");
                            assert_eq!(v.rule, case.rule, "{profile} {mode}: {}\n{text}", v.detail);
                        }
                    }
                }
            }
        }
    }
}
