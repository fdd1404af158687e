//! The schema stage (`xml::schema`) rule by rule: every rule id in `RULES` is produced by at
//! least one small document for every profile it applies to, the upstream xml2xml vectors
//! of each version pass (and the internal-only one fails), version-specific documents get
//! the verdict of their version, and no id outside `RULES` is ever returned.
//!
//! The verdicts were checked with `xmllint --relaxng` (libxml2 2.9.14) against both
//! schemas; `tests/schema_xmllint.rs` does that automatically for thousands of documents.

mod common;

use std::collections::BTreeSet;

use domainbackup_harness::rules;
use domainbackup_harness::xml::schema::{self, SchemaViolation};

/// The catalogue's schema rules' ids.
fn schema_rule_ids() -> Vec<&'static str> {
    rules::ALL
        .iter()
        .filter(|r| r.stage == Stage::Schema)
        .map(|r| r.id)
        .collect()
}
use domainbackup_harness::xml::{Document, read};
use domainbackup_harness::{ErrorCode, ErrorDomain, Profile, Stage};

const BOTH: &[Profile] = &[Profile::V9_0, Profile::V11_3];
const V9: &[Profile] = &[Profile::V9_0];
const V11: &[Profile] = &[Profile::V11_3];

fn doc(text: &str) -> Document {
    read::read(text.as_bytes()).unwrap_or_else(|e| panic!("not well-formed: {e}\n{text}"))
}

fn validate(text: &str, profile: Profile) -> Result<(), SchemaViolation> {
    let result = schema::validate(&doc(text), profile);
    if let Err(v) = &result {
        assert_eq!(v.rule.stage, Stage::Schema, "{} for {text}", v.rule);
        assert!(
            v.rule.holds_in(profile),
            "{} does not hold in {profile}, by the catalogue: {text}",
            v.rule
        );
        assert!(!v.detail.is_empty(), "empty detail for {}", v.rule);
    }
    result
}

fn pull(body: &str) -> String {
    format!("<domainbackup mode='pull'><server name='localhost'/>{body}</domainbackup>")
}

fn push(body: &str) -> String {
    format!("<domainbackup>{body}</domainbackup>")
}

fn push_disk(body: &str) -> String {
    push(&format!("<disks>{body}</disks>"))
}

fn pull_disk(body: &str) -> String {
    pull(&format!("<disks>{body}</disks>"))
}

/// A push file disk whose target holds `inner`.
fn in_target(inner: &str) -> String {
    push_disk(&format!(
        "<disk name='vda' type='file'><target file='/t'>{inner}</target></disk>"
    ))
}

/// A pull file disk whose scratch holds `inner`.
fn in_scratch(inner: &str) -> String {
    pull_disk(&format!(
        "<disk name='vda'><scratch file='/s'>{inner}</scratch></disk>"
    ))
}

fn encryption(children: &str) -> String {
    in_target(&format!(
        "<encryption format='luks'>{children}</encryption>"
    ))
}

const SECRET: &str = "<secret type='passphrase' usage='u'/>";

/// (rule, profiles where the document produces it, document)
fn cases() -> Vec<(&'static str, &'static [Profile], String)> {
    let s = |x: &str| x.to_string();
    vec![
        (
            "schema.element.namespace",
            BOTH,
            s("<domainbackup xmlns='urn:x'/>"),
        ),
        (
            "schema.element.namespace",
            BOTH,
            s("<domainbackup xmlns:x='urn:x'><x:incremental/></domainbackup>"),
        ),
        (
            "schema.element.namespace",
            BOTH,
            push("<incremental xmlns='urn:x'/>"),
        ),
        (
            "schema.attribute.namespace",
            BOTH,
            s("<domainbackup xml:lang='en'/>"),
        ),
        (
            "schema.attribute.namespace",
            BOTH,
            s("<domainbackup xmlns:x='urn:x' x:mode='push'/>"),
        ),
        (
            "schema.attribute.namespace",
            BOTH,
            push_disk("<disk xmlns:x='urn:x' name='vda' x:backup='no' backup='no'/>"),
        ),
        ("schema.element-not-allowed", BOTH, push("<foo/>")),
        (
            "schema.element-not-allowed",
            BOTH,
            push("<incremental><x/></incremental>"),
        ),
        ("schema.element-not-allowed", BOTH, pull("<privateData/>")),
        (
            "schema.element-not-allowed",
            BOTH,
            push_disk("<disk name='vda' type='file'><scratch file='/s'/></disk>"),
        ),
        (
            "schema.element-not-allowed",
            BOTH,
            pull_disk("<disk name='vda'><target file='/s'/></disk>"),
        ),
        ("schema.text-not-allowed", BOTH, push("x")),
        (
            "schema.entity-reference",
            BOTH,
            "<!DOCTYPE d [<!ENTITY e 'cp'>]><domainbackup><incremental>&e;</incremental></domainbackup>".to_string(),
        ),
        (
            "schema.entity-reference",
            BOTH,
            "<!DOCTYPE d SYSTEM 'd.dtd'><domainbackup><incremental>a&undeclared;</incremental></domainbackup>".to_string(),
        ),
        ("schema.text-not-allowed", BOTH, push("<![CDATA[x]]>")),
        (
            "schema.text-not-allowed",
            BOTH,
            push_disk("<disk name='vda' type='file'><driver type='raw'>raw</driver></disk>"),
        ),
        ("schema.root.name", BOTH, s("<domain/>")),
        (
            "schema.root.unknown-attribute",
            BOTH,
            s("<domainbackup foo=''/>"),
        ),
        (
            "schema.mode.value",
            BOTH,
            s("<domainbackup mode='default'/>"),
        ),
        ("schema.mode.value", BOTH, s("<domainbackup mode=''/>")),
        ("schema.mode.value", BOTH, s("<domainbackup mode='pu ll'/>")),
        (
            "schema.incremental.duplicate",
            BOTH,
            push("<incremental/><incremental>1</incremental>"),
        ),
        (
            "schema.disks.duplicate",
            BOTH,
            push(
                "<disks><disk name='vda' backup='no'/></disks><disks><disk name='vdb' backup='no'/></disks>",
            ),
        ),
        (
            "schema.push.server-forbidden",
            BOTH,
            push("<server name='h'/>"),
        ),
        (
            "schema.push.server-forbidden",
            BOTH,
            s("<domainbackup mode='push'><server name='h'/></domainbackup>"),
        ),
        (
            "schema.pull.server-required",
            BOTH,
            s("<domainbackup mode='pull'/>"),
        ),
        (
            "schema.pull.server-required",
            BOTH,
            s("<domainbackup mode='pull'><disks><disk name='vda'/></disks></domainbackup>"),
        ),
        (
            "schema.pull.server-duplicate",
            BOTH,
            pull("<server name='h'/>"),
        ),
        (
            "schema.incremental.unknown-attribute",
            BOTH,
            push("<incremental a='1'/>"),
        ),
        (
            "schema.server.unknown-attribute",
            BOTH,
            s("<domainbackup mode='pull'><server name='h' foo='1'/></domainbackup>"),
        ),
        (
            "schema.server.tls-value",
            BOTH,
            s("<domainbackup mode='pull'><server name='h' tls='default'/></domainbackup>"),
        ),
        (
            "schema.server.transport-value",
            BOTH,
            s("<domainbackup mode='pull'><server transport='rdma' name='h'/></domainbackup>"),
        ),
        (
            "schema.server.transport-value",
            BOTH,
            s("<domainbackup mode='pull'><server transport='' name='h'/></domainbackup>"),
        ),
        (
            "schema.server.transport-value",
            V9,
            s("<domainbackup mode='pull'><server transport='fd' fdgroup='g'/></domainbackup>"),
        ),
        (
            "schema.server.attribute-not-allowed-for-transport",
            BOTH,
            s("<domainbackup mode='pull'><server name='h' socket='/s'/></domainbackup>"),
        ),
        (
            "schema.server.attribute-not-allowed-for-transport",
            BOTH,
            s(
                "<domainbackup mode='pull'><server transport='unix' socket='/s' port='1'/></domainbackup>",
            ),
        ),
        (
            "schema.server.attribute-not-allowed-for-transport",
            V11,
            s(
                "<domainbackup mode='pull'><server transport='fd' fdgroup='g' name='h'/></domainbackup>",
            ),
        ),
        (
            "schema.server.name-required",
            BOTH,
            s("<domainbackup mode='pull'><server port='10809'/></domainbackup>"),
        ),
        (
            "schema.server.name-required",
            BOTH,
            s("<domainbackup mode='pull'><server transport='tcp'/></domainbackup>"),
        ),
        (
            "schema.server.name-pattern",
            BOTH,
            s("<domainbackup mode='pull'><server name='a_b'/></domainbackup>"),
        ),
        (
            "schema.server.name-pattern",
            BOTH,
            s("<domainbackup mode='pull'><server name=''/></domainbackup>"),
        ),
        (
            "schema.server.name-pattern",
            BOTH,
            s("<domainbackup mode='pull'><server name='1:12345::1'/></domainbackup>"),
        ),
        (
            "schema.server.port-unsigned-int",
            BOTH,
            s("<domainbackup mode='pull'><server name='h' port='+1'/></domainbackup>"),
        ),
        (
            "schema.server.port-unsigned-int",
            BOTH,
            s("<domainbackup mode='pull'><server name='h' port=' 1'/></domainbackup>"),
        ),
        (
            "schema.server.port-unsigned-int",
            BOTH,
            s("<domainbackup mode='pull'><server name='h' port='4294967296'/></domainbackup>"),
        ),
        (
            "schema.server.socket-required",
            BOTH,
            s("<domainbackup mode='pull'><server transport='unix'/></domainbackup>"),
        ),
        (
            "schema.server.socket-pattern",
            BOTH,
            s("<domainbackup mode='pull'><server transport='unix' socket='s'/></domainbackup>"),
        ),
        (
            "schema.server.socket-pattern",
            BOTH,
            s(
                "<domainbackup mode='pull'><server transport='unix' socket='/&#10;'/></domainbackup>",
            ),
        ),
        (
            "schema.server.fdgroup-required",
            V11,
            s("<domainbackup mode='pull'><server transport='fd'/></domainbackup>"),
        ),
        (
            "schema.disks.unknown-attribute",
            BOTH,
            push("<disks a=''><disk name='vda' backup='no'/></disks>"),
        ),
        ("schema.disks.empty", BOTH, push("<disks/>")),
        (
            "schema.disks.empty",
            BOTH,
            pull("<disks> <!-- none --> </disks>"),
        ),
        (
            "schema.disk.unknown-attribute",
            BOTH,
            push_disk("<disk name='vda' backup='no' state='running'/>"),
        ),
        (
            "schema.disk.unknown-attribute",
            BOTH,
            pull_disk("<disk name='vda' index='1'/>"),
        ),
        (
            "schema.disk.name-required",
            BOTH,
            push_disk("<disk backup='no'/>"),
        ),
        (
            "schema.disk.name-pattern",
            BOTH,
            push_disk("<disk name='vd' backup='no'/>"),
        ),
        (
            "schema.disk.name-pattern",
            BOTH,
            pull_disk("<disk name='ioemu:ioemu:hda'/>"),
        ),
        (
            "schema.disk.backupmode-value",
            BOTH,
            push_disk("<disk name='vda' backup='no' backupmode=''/>"),
        ),
        (
            "schema.disk.backupmode-full-with-incremental",
            BOTH,
            push_disk("<disk name='vda' type='file' backupmode='full' incremental='x'/>"),
        ),
        (
            "schema.disk.backup-value",
            BOTH,
            push_disk("<disk name='vda' backup='default' type='file'/>"),
        ),
        (
            "schema.disk.type-value",
            BOTH,
            push_disk("<disk name='vda' type='dir'/>"),
        ),
        (
            "schema.disk.type-value",
            BOTH,
            pull_disk("<disk name='vda' type=''/>"),
        ),
        (
            "schema.disk.backup-no-with-type",
            BOTH,
            push_disk("<disk name='vda' backup='no' type='file'/>"),
        ),
        (
            "schema.disk.backup-no-with-type",
            BOTH,
            pull_disk("<disk name='vda' backup='no' type='block'/>"),
        ),
        (
            "schema.disk.backup-no-with-children",
            BOTH,
            push_disk("<disk name='vda' backup='no'><driver type='raw'/></disk>"),
        ),
        (
            "schema.disk.backup-no-with-children",
            BOTH,
            pull_disk("<disk name='vda' backup='no'><scratch file='/s'/></disk>"),
        ),
        (
            "schema.disk.target-duplicate",
            BOTH,
            push_disk("<disk name='vda' type='file'><target file='/a'/><target file='/b'/></disk>"),
        ),
        (
            "schema.disk.scratch-duplicate",
            BOTH,
            pull_disk(
                "<disk name='vda' type='block'><scratch dev='/a'/><scratch dev='/b'/></disk>",
            ),
        ),
        (
            "schema.disk.driver-duplicate",
            BOTH,
            push_disk(
                "<disk name='vda' type='block'><driver type='raw'/><driver type='raw'/></disk>",
            ),
        ),
        (
            "schema.disk.driver-duplicate",
            BOTH,
            pull_disk(
                "<disk name='vda'><driver type='qcow2'/><scratch file='/s'/><driver type='qcow2'/></disk>",
            ),
        ),
        (
            "schema.push.disk-export-forbidden",
            BOTH,
            push_disk("<disk name='vda' backup='no' exportname='x'/>"),
        ),
        (
            "schema.push.disk-export-forbidden",
            BOTH,
            push_disk("<disk name='vda' type='file' exportbitmap=''/>"),
        ),
        (
            "schema.push.disk-type-required",
            V9,
            push_disk("<disk name='vda'/>"),
        ),
        (
            "schema.push.disk-type-required",
            V9,
            push_disk("<disk name='vda' backup='yes'/>"),
        ),
        (
            "schema.push.disk-type-required",
            V9,
            push_disk("<disk name='vda'><target file='/t'/></disk>"),
        ),
        (
            "schema.push.disk-children-need-type",
            V11,
            push_disk("<disk name='vda'><target file='/t'/></disk>"),
        ),
        (
            "schema.push.disk-children-need-type",
            V11,
            push_disk("<disk name='vda' backup='yes'><driver type='raw'/></disk>"),
        ),
        (
            "schema.pull.disk-backup-yes-needs-type",
            BOTH,
            pull_disk("<disk name='vda' backup='yes'/>"),
        ),
        (
            "schema.pull.disk-backup-yes-needs-type",
            BOTH,
            pull_disk("<disk name='vda' backup='yes'><scratch file='/s'/></disk>"),
        ),
        (
            "schema.pull.driver-without-scratch",
            BOTH,
            pull_disk("<disk name='vda' type='file'><driver type='qcow2'/></disk>"),
        ),
        (
            "schema.pull.driver-without-scratch",
            BOTH,
            pull_disk("<disk name='vda'><driver type='qcow2'/></disk>"),
        ),
        (
            "schema.pull.block-scratch-required",
            BOTH,
            pull_disk("<disk name='vda' type='block'/>"),
        ),
        (
            "schema.pull.block-scratch-required",
            BOTH,
            pull_disk("<disk name='vda' type='block'><driver type='qcow2'/></disk>"),
        ),
        (
            "schema.target.unknown-attribute",
            BOTH,
            push_disk("<disk name='vda' type='file'><target file='/t' dev='/d'/></disk>"),
        ),
        (
            "schema.target.unknown-attribute",
            BOTH,
            push_disk("<disk name='vda' type='block'><target dev='/d' type='block'/></disk>"),
        ),
        (
            "schema.target.path-required",
            BOTH,
            push_disk("<disk name='vda' type='file'><target/></disk>"),
        ),
        (
            "schema.target.path-required",
            BOTH,
            push_disk("<disk name='vda' type='block'><target/></disk>"),
        ),
        (
            "schema.target.path-pattern",
            BOTH,
            push_disk("<disk name='vda' type='file'><target file='t'/></disk>"),
        ),
        (
            "schema.target.path-pattern",
            BOTH,
            push_disk("<disk name='vda' type='block'><target dev='/'/></disk>"),
        ),
        (
            "schema.target.encryption-duplicate",
            BOTH,
            in_target(&format!(
                "<encryption format='luks'>{SECRET}</encryption><encryption format='luks'>{SECRET}</encryption>"
            )),
        ),
        (
            "schema.scratch.unknown-attribute",
            BOTH,
            pull_disk("<disk name='vda' type='block'><scratch dev='/d' file='/f'/></disk>"),
        ),
        (
            "schema.scratch.path-required",
            BOTH,
            pull_disk("<disk name='vda'><scratch/></disk>"),
        ),
        (
            "schema.scratch.path-pattern",
            BOTH,
            pull_disk("<disk name='vda' type='file'><scratch file='C:'/></disk>"),
        ),
        (
            "schema.scratch.encryption-duplicate",
            BOTH,
            in_scratch(&format!(
                "<encryption format='luks'>{SECRET}</encryption><encryption format='luks'>{SECRET}</encryption>"
            )),
        ),
        (
            "schema.driver.unknown-attribute",
            BOTH,
            push_disk("<disk name='vda' type='file'><driver type='raw' name='qemu'/></disk>"),
        ),
        (
            "schema.driver.type-required",
            BOTH,
            push_disk("<disk name='vda' type='file'><driver/></disk>"),
        ),
        (
            "schema.driver.type-value",
            BOTH,
            push_disk("<disk name='vda' type='file'><driver type='none'/></disk>"),
        ),
        (
            "schema.driver.type-value",
            BOTH,
            push_disk("<disk name='vda' type='file'><driver type='QCOW2'/></disk>"),
        ),
        (
            "schema.driver.type-qcow2",
            BOTH,
            pull_disk("<disk name='vda'><scratch file='/s'/><driver type='raw'/></disk>"),
        ),
        (
            "schema.seclabel.unknown-attribute",
            BOTH,
            in_target("<seclabel relabel='no' type='dynamic'/>"),
        ),
        (
            "schema.seclabel.relabel-value",
            BOTH,
            in_target("<seclabel relabel='default'/>"),
        ),
        (
            "schema.seclabel.labelskip-value",
            BOTH,
            in_scratch("<seclabel labelskip='no'/>"),
        ),
        (
            "schema.seclabel.labelskip-with-relabel",
            BOTH,
            in_target("<seclabel labelskip='yes' relabel='no'/>"),
        ),
        (
            "schema.seclabel.labelskip-with-label",
            BOTH,
            in_target("<seclabel labelskip='yes'><label>l</label></seclabel>"),
        ),
        (
            "schema.seclabel.relabel-no-with-label",
            BOTH,
            in_target("<seclabel relabel='no'><label>l</label></seclabel>"),
        ),
        (
            "schema.seclabel.relabel-yes-needs-label",
            BOTH,
            in_target("<seclabel relabel='yes'/>"),
        ),
        (
            "schema.seclabel.relabel-yes-needs-label",
            BOTH,
            in_scratch("<seclabel model='dac'/>"),
        ),
        (
            "schema.label.unknown-attribute",
            BOTH,
            in_target("<seclabel><label a='1'>l</label></seclabel>"),
        ),
        (
            "schema.encryption.unknown-attribute",
            BOTH,
            in_target(&format!(
                "<encryption format='luks' foo='1'>{SECRET}</encryption>"
            )),
        ),
        (
            "schema.encryption.format-required",
            BOTH,
            in_target(&format!("<encryption>{SECRET}</encryption>")),
        ),
        (
            "schema.encryption.format-value",
            BOTH,
            in_target(&format!("<encryption format='qcow'>{SECRET}</encryption>")),
        ),
        (
            "schema.encryption.engine-value",
            BOTH,
            in_target(&format!(
                "<encryption format='luks' engine='librbd'>{SECRET}</encryption>"
            )),
        ),
        ("schema.encryption.secret-required", BOTH, encryption("")),
        (
            "schema.encryption.secret-duplicate",
            BOTH,
            encryption(&format!("{SECRET}{SECRET}")),
        ),
        (
            "schema.encryption.cipher-duplicate",
            BOTH,
            encryption(&format!(
                "{SECRET}<cipher name='a' size='1'/><cipher name='a' size='1'/><ivgen name='p'/>"
            )),
        ),
        (
            "schema.encryption.ivgen-duplicate",
            BOTH,
            encryption(&format!(
                "{SECRET}<cipher name='a' size='1'/><ivgen name='p'/><ivgen name='p'/>"
            )),
        ),
        (
            "schema.encryption.cipher-without-ivgen",
            BOTH,
            encryption(&format!("{SECRET}<cipher name='a' size='256'/>")),
        ),
        (
            "schema.encryption.ivgen-without-cipher",
            BOTH,
            encryption(&format!("<ivgen name='plain64'/>{SECRET}")),
        ),
        (
            "schema.encryption.ivgen-before-cipher",
            BOTH,
            encryption(&format!(
                "{SECRET}<ivgen name='p'/><cipher name='a' size='1'/>"
            )),
        ),
        (
            "schema.secret.unknown-attribute",
            BOTH,
            encryption("<secret type='passphrase' usage='u' uid='1'/>"),
        ),
        (
            "schema.secret.type-required",
            BOTH,
            encryption("<secret usage='u'/>"),
        ),
        (
            "schema.secret.type-value",
            BOTH,
            encryption("<secret type='volume' usage='u'/>"),
        ),
        (
            "schema.secret.uuid-or-usage-required",
            BOTH,
            encryption("<secret type='passphrase'/>"),
        ),
        (
            "schema.secret.uuid-and-usage",
            BOTH,
            encryption(
                "<secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f' usage='u'/>",
            ),
        ),
        (
            "schema.secret.uuid-pattern",
            BOTH,
            encryption("<secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6'/>"),
        ),
        (
            "schema.secret.uuid-pattern",
            BOTH,
            encryption("<secret type='passphrase' uuid=' 0A81F5B284037B23C8D621CCC2F80D6F'/>"),
        ),
        (
            "schema.cipher.unknown-attribute",
            BOTH,
            encryption(&format!(
                "{SECRET}<cipher name='a' size='1' bits='1'/><ivgen name='p'/>"
            )),
        ),
        (
            "schema.cipher.name-required",
            BOTH,
            encryption(&format!("{SECRET}<cipher size='1'/><ivgen name='p'/>")),
        ),
        (
            "schema.cipher.size-required",
            BOTH,
            encryption(&format!("{SECRET}<cipher name='a'/><ivgen name='p'/>")),
        ),
        (
            "schema.cipher.size-unsigned-int",
            BOTH,
            encryption(&format!(
                "{SECRET}<cipher name='a' size='-1'/><ivgen name='p'/>"
            )),
        ),
        (
            "schema.cipher.mode-hash-pair",
            BOTH,
            encryption(&format!(
                "{SECRET}<cipher name='a' size='1' mode='xts'/><ivgen name='p'/>"
            )),
        ),
        (
            "schema.cipher.mode-hash-pair",
            BOTH,
            encryption(&format!(
                "{SECRET}<cipher name='a' size='1' hash='sha1'/><ivgen name='p'/>"
            )),
        ),
        (
            "schema.ivgen.unknown-attribute",
            BOTH,
            encryption(&format!(
                "{SECRET}<cipher name='a' size='1'/><ivgen name='p' mode='m'/>"
            )),
        ),
        (
            "schema.ivgen.name-required",
            BOTH,
            encryption(&format!(
                "{SECRET}<cipher name='a' size='1'/><ivgen hash='h'/>"
            )),
        ),
    ]
}

#[test]
fn every_rule_is_produced_for_every_profile_it_applies_to() {
    let mut seen: BTreeSet<(&str, Profile)> = BTreeSet::new();
    for (rule, profiles, text) in cases() {
        assert!(
            schema_rule_ids().contains(&rule),
            "case for unlisted rule {rule}"
        );
        for &profile in Profile::ALL.iter() {
            let result = validate(&text, profile);
            if profiles.contains(&profile) {
                match result {
                    Err(v) => {
                        assert_eq!(v.rule.id, rule, "{profile}: {text}\n{v}");
                        seen.insert((rule, profile));
                    }
                    Ok(()) => panic!("{profile}: expected {rule}, got valid: {text}"),
                }
            }
        }
    }
    for rule in schema_rule_ids() {
        assert!(
            Profile::ALL.iter().any(|p| seen.contains(&(rule, *p))),
            "no document produces {rule}"
        );
    }
    let mut unique = BTreeSet::new();
    for rule in schema_rule_ids() {
        assert!(unique.insert(rule), "{rule} is listed twice");
        assert!(rule.starts_with("schema."), "{rule}");
    }
}

#[test]
fn version_specific_documents() {
    // Valid in 11.3 only.
    for text in [
        push_disk("<disk name='vda'/>"),
        push_disk("<disk name='vda' backup='yes' backupmode='incremental' incremental='c'/>"),
        s_pull_server("<server transport='fd' fdgroup=''/>"),
        s_pull_server("<server transport=' fd ' fdgroup='nbd' tls='yes'/>"),
    ] {
        assert_eq!(validate(&text, Profile::V11_3), Ok(()), "{text}");
        assert!(validate(&text, Profile::V9_0).is_err(), "{text}");
    }
}

fn s_pull_server(server: &str) -> String {
    format!("<domainbackup mode='pull'>{server}</domainbackup>")
}

/// Documents valid in both versions, several of them checked because libxml2's behaviour is
/// not obvious from the schema text.
#[test]
fn valid_documents() {
    let cases = [
        // <value> compares tokens.
        s_pull_server("<server name='h' transport=' tcp ' tls='&#9;no&#10;'/>").replace("mode='pull'", "mode=' pull '"),
        push_disk("<disk name='vda' backup=' no'/>"),
        push_disk("<disk name='vda' type='file '><driver type=' raw '/></disk>"),
        // unsignedInt
        s_pull_server("<server name='h' port='00'/>"),
        s_pull_server("<server name='h' port='4294967295'/>"),
        s_pull_server("<server name='h' port='0000000000000000000000000000000000004294967295'/>"),
        // dnsName or ipAddr, with libxml2's regular-expression engine.
        s_pull_server("<server name='1.2.3.999'/>"),
        s_pull_server("<server name='::'/>"),
        s_pull_server("<server name='::ffff:1.2.3.4'/>"),
        s_pull_server("<server name='12345::1'/>"),
        s_pull_server("<server name='fffff::'/>"),
        s_pull_server("<server name='::27af0C'/>"),
        s_pull_server("<server name='fffffffffffffffffffffffffffffff::'/>"),
        // absFilePath
        s_pull_server("<server transport='unix' socket='C:\\x'/>"),
        s_pull_server("<server transport='unix' socket='/&#9;'/>"),
        // white space, comments, processing instructions, namespace declarations
        "<domainbackup xmlns:x='urn:x' xmlns=''><![CDATA[ ]]><!-- c --><?pi x?>\n<incremental xmlns=''><![CDATA[<x>]]><!--c-->1</incremental></domainbackup>".to_string(),
        push_disk("<disk name='ioemu:hda' backupmode='incremental' incremental='' type='block'><target dev='/dev/x'/></disk>"),
        pull_disk("<disk name='vda'><scratch file='/x'/></disk><disk name='vdb'/><disk name='vdc' backup='no' exportname='' exportbitmap='b'/>"),
        pull_disk("<disk name='xvd_' backup='yes' type='file'><driver type='qcow2'/><scratch file='/s'><seclabel labelskip='yes'/><seclabel><label/><label>x</label></seclabel></scratch></disk>"),
        // interleave(secret, optional(group(cipher, ivgen))): the secret may sit between them.
        encryption("<cipher name='a' size='256' mode='xts' hash='sha256'/><secret type='passphrase' uuid='0A81F5B284037B23C8D621CCC2F80D6F'/><ivgen name='plain64'/>"),
        in_target("<seclabel relabel='no'/><encryption format='luks' engine='qemu'><secret type='passphrase' usage=''/></encryption><seclabel model='m' relabel='yes'><label>l</label></seclabel>"),
    ];
    for text in cases {
        for profile in Profile::ALL {
            assert_eq!(validate(&text, profile), Ok(()), "{profile}: {text}");
        }
    }
}

fn upstream(path: &str) -> String {
    let dir = common::shared_libvirt("schema_rules").expect("checked by names_11_3");
    let full = dir.join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The names of 11.3's xml2xml vectors (9.0's are a subset, with its own backup-push);
/// none without the upstream data.
fn names_11_3() -> Vec<&'static str> {
    let Some(dir) = common::shared_libvirt("schema_rules") else {
        return Vec::new();
    };
    domainbackup_harness::corpus::upstream_vectors(&dir, Profile::V11_3)
        .into_iter()
        .map(|v| v.name)
        .collect()
}

#[test]
fn upstream_vectors_11_3() {
    for name in names_11_3() {
        for dir in ["domainbackupxml2xmlin", "domainbackupxml2xmlout"] {
            let text = upstream(&format!("tests/{dir}/{name}.xml"));
            let result = validate(&text, Profile::V11_3);
            if name.ends_with("-invalid") {
                let v = result.expect_err(name);
                assert_eq!(
                    v.rule.id, "schema.disk.unknown-attribute",
                    "{dir}/{name}: {v}"
                );
            } else {
                assert_eq!(result, Ok(()), "{dir}/{name}");
            }
        }
    }
}

#[test]
fn upstream_vectors_9_0() {
    for name in names_11_3() {
        for dir in ["domainbackupxml2xmlin", "domainbackupxml2xmlout"] {
            let path = if name == "backup-push" {
                format!("history/v9.0.0/tests/{dir}/{name}.xml")
            } else {
                format!("tests/{dir}/{name}.xml")
            };
            let text = upstream(&path);
            let result = validate(&text, Profile::V9_0);
            match name {
                // Not a 9.0 test; transport='fd' does not exist in 9.0.
                "backup-pull-fd" => {
                    assert_eq!(
                        result.expect_err(name).rule.id,
                        "schema.server.transport-value",
                        "{path}"
                    );
                }
                "backup-pull-internal-invalid" => {
                    assert_eq!(
                        result.expect_err(name).rule.id,
                        "schema.disk.unknown-attribute",
                        "{path}"
                    );
                }
                // backup-pull-unix is not a 9.0 test either, but transport='unix' is valid there.
                _ => assert_eq!(result, Ok(()), "{path}"),
            }
        }
    }
    // The 11.3 push input uses the plain disk form, which 9.0 refuses.
    if names_11_3().is_empty() {
        return;
    }
    let text = upstream("tests/domainbackupxml2xmlin/backup-push.xml");
    assert_eq!(
        validate(&text, Profile::V9_0)
            .expect_err("plain disks")
            .rule
            .id,
        "schema.push.disk-type-required"
    );
}

#[test]
fn check_reports_libvirts_error() {
    let d = doc("<domainbackup>\n  <disks/>\n</domainbackup>");
    let r = schema::check(&d, Profile::V11_3).expect_err("empty disks");
    assert_eq!(r.stage, Stage::Schema);
    assert_eq!(r.code, ErrorCode::XmlInvalidSchema.number());
    assert_eq!(r.code, 92);
    assert_eq!(r.domain, ErrorDomain::Xml.number());
    assert_eq!(r.domain, 5);
    let prefix = "XML document failed to validate against schema: Unable to validate doc against /usr/share/libvirt/schemas/domainbackup.rng\n";
    assert!(r.message.starts_with(prefix), "{}", r.message);
    assert!(r.message.len() > prefix.len());
    let p = r.position.expect("position");
    assert_eq!((p.line, p.column), (2, 3));
    assert_eq!(
        schema::check(&doc("<domainbackup/>"), Profile::V9_0),
        Ok(())
    );
}

/// A violation names its rule, where it is and what was found; a value in the detail is
/// quoted with its control characters escaped, so that the message stays one readable line.
#[test]
fn a_violation_says_what_and_where_with_values_escaped() {
    let v =
        validate("<domainbackup mode='pull\u{85}&#9;'/>", Profile::V11_3).expect_err("not a mode");
    assert_eq!(v.rule.id, "schema.mode.value");
    assert!(v.detail.contains("'pull\\u{85}\\t'"), "{}", v.detail);
    assert_eq!(
        v.to_string(),
        format!("schema.mode.value ({}): {}", v.position, v.detail)
    );
    assert!(
        v.to_string()
            .starts_with("schema.mode.value (line 1, column "),
        "{v}"
    );
}

/// Deep trees are refused at the first element the schema does not expect, without
/// walking further.
#[test]
fn deep_trees() {
    let depth = 250;
    let text = format!(
        "<domainbackup>{}{}</domainbackup>",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    assert_eq!(
        validate(&text, Profile::V11_3).expect_err("deep").rule.id,
        "schema.element-not-allowed"
    );
    let text = format!(
        "<domainbackup><incremental>{}{}</incremental></domainbackup>",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    assert_eq!(
        validate(&text, Profile::V9_0).expect_err("deep").rule.id,
        "schema.element-not-allowed"
    );
}
