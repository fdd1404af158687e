//! libvirt versions and what differs between them.
//!
//! Every version-dependent rule of the pipeline asks a [`Profile`]; no other module knows a
//! version number. The differences are those of the specification's version history:
//! the schema's plain push disk and `transport='fd'`, the host parser's error wording and
//! check order, and whether alignment generates a path for listed disks. How a rule is
//! worded in each version, and which versions it holds in, is the rule catalogue's
//! ([`crate::rules`]).

use std::fmt;
use std::str::FromStr;

/// A libvirt release whose backup XML behaviour is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum Profile {
    /// libvirt 9.0.0 (Debian bookworm).
    V9_0,
    /// libvirt 11.3.0 (Debian bookworm-backports), the baseline of the specification.
    #[default]
    V11_3,
}

impl Profile {
    /// Every profile, oldest first.
    pub const ALL: [Profile; 2] = [Profile::V9_0, Profile::V11_3];

    /// The name used on the command line and in reports: `9.0` or `11.3`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::V9_0 => "9.0",
            Profile::V11_3 => "11.3",
        }
    }

    /// The full libvirt release this profile follows, e.g. `11.3.0`.
    pub fn release(self) -> &'static str {
        match self {
            Profile::V9_0 => "9.0.0",
            Profile::V11_3 => "11.3.0",
        }
    }

    /// The profile for a libvirt version number as `virGetVersion` reports it
    /// (`major * 1_000_000 + minor * 1000 + micro`), if one is modelled.
    pub fn for_libvirt_version(version: u64) -> Option<Profile> {
        match version / 1000 {
            9000 => Some(Profile::V9_0),
            11003 => Some(Profile::V11_3),
            _ => None,
        }
    }

    /// Schema: a push `<disk>` may be written with no `type` and no children
    /// (`<disk name='vdc'/>`, `<disk name='vdd' backup='yes'/>`).
    pub fn schema_allows_plain_push_disk(self) -> bool {
        self >= Profile::V11_3
    }

    /// `transport='fd'` with `fdgroup` exists (schema and C parser).
    pub fn has_fd_transport(self) -> bool {
        self >= Profile::V11_3
    }

    /// The host parser checks for a missing `name` before it parses `port`
    /// (9.0); later versions parse the port first.
    pub fn host_name_checked_before_port(self) -> bool {
        self < Profile::V11_3
    }

    /// The "does not support socket attribute" error names the raw `transport` attribute
    /// (`(null)` when absent), rather than the parsed transport's name.
    pub fn socket_error_names_raw_transport(self) -> bool {
        self < Profile::V11_3
    }

    /// The encryption format `luks-any` exists (9.0 refuses it as an unknown format type).
    pub fn has_luks_any_encryption(self) -> bool {
        self >= Profile::V11_3
    }

    /// The storage source type `vhostvdpa` exists (9.0 reports it as an unknown type rather
    /// than as an unsupported backup type).
    pub fn has_vhostvdpa_storage_type(self) -> bool {
        self >= Profile::V11_3
    }

    /// libvirt's own xml2xml test vectors (`tests/genericxml2xmltest.c`) of this release,
    /// by test name: 11.3.0's ten, 9.0.0's eight.
    pub fn upstream_tests(self) -> &'static [&'static str] {
        match self {
            Profile::V9_0 => &[
                "empty",
                "backup-pull",
                "backup-pull-seclabel",
                "backup-pull-encrypted",
                "backup-pull-internal-invalid",
                "backup-push",
                "backup-push-seclabel",
                "backup-push-encrypted",
            ],
            Profile::V11_3 => &[
                "empty",
                "backup-pull",
                "backup-pull-unix",
                "backup-pull-fd",
                "backup-pull-seclabel",
                "backup-pull-encrypted",
                "backup-push",
                "backup-push-seclabel",
                "backup-push-encrypted",
                "backup-pull-internal-invalid",
            ],
        }
    }

    /// Where, below a copy of libvirt's sources, this release's version of the upstream
    /// test `name` lives: `tests`, or the release's own copy under `history/` where later
    /// releases changed it (9.0.0's `backup-push`).
    pub fn upstream_tests_dir(self, name: &str) -> &'static str {
        match (self, name) {
            (Profile::V9_0, "backup-push") => "history/v9.0.0/tests",
            _ => "tests",
        }
    }

    /// libxml2 (as libvirt 11.3.0 uses it) crashes libvirt when a document is two or more
    /// line ends and nothing else; 9.0.0 reports it as empty.
    pub fn crashes_on_line_ends_only(self) -> bool {
        self == Profile::V11_3
    }

    /// Alignment generates a store path for a *listed* `backup='yes'` disk that has none
    /// (and forces it to `type='file'`); 9.0 did this only for unlisted disks.
    pub fn align_generates_path_for_listed_disks(self) -> bool {
        self >= Profile::V11_3
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a profile name that is not modelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProfile(pub String);

impl fmt::Display for UnknownProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown profile '{}' (expected one of: 9.0, 11.3)",
            self.0
        )
    }
}

impl std::error::Error for UnknownProfile {}

impl FromStr for Profile {
    type Err = UnknownProfile;

    /// Accepts `9.0`, `9.0.0`, `11.3` and `11.3.0`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "9.0" | "9.0.0" => Ok(Profile::V9_0),
            "11.3" | "11.3.0" => Ok(Profile::V11_3),
            other => Err(UnknownProfile(other.to_string())),
        }
    }
}
