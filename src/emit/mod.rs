//! Emitter conformance: tools that write backup XML rather than read it (they build a
//! `<domainbackup>` and hand it to `virDomainBackupBegin`). The harness tells such a tool
//! what to write, as an intent ([`intent`]), and judges the document it writes by what
//! libvirt makes of it, against what libvirt makes of the reference's own document for the
//! same intent ([`write`](mod@write)).
//!
//! * [`intent`]: the intent format (JSON, shaped like the document, every value a string)
//!   and its JSON Schema, one per profile.
//! * [`write`](mod@write): the reference's document for an intent.
//! * [`judge`]: what libvirt makes of the reference's document and of the emitter's, and
//!   the outcome ([`judge::EmitOutcome`]) with its class.
//! * [`protocol`]: the emitter protocol (NDJSON, one process per job) and its client.
//! * [`shrink`]: a disagreement's intent made smaller while it stays in its class.
//! * [`campaign`]: the intents put to an emitter, judged, shrunk and summed up;
//!   [`report`]: its report folder (JSON lines and a static page), read back too;
//!   [`matrix`]: emitter campaigns side by side, the matrix page's emitter section.
//! * [`from_model`]: the intent of a parsed definition, so that the generator's valid
//!   definitions become valid intents; [`generate`]: a campaign's intents (valid, invalid,
//!   escaping).
//!
//! Nothing here prints or panics on input.

pub mod campaign;
pub mod from_model;
pub mod generate;
pub mod intent;
pub mod judge;
pub mod matrix;
pub mod protocol;
pub mod report;
pub mod shrink;
pub mod write;

pub use intent::BackupIntent;
