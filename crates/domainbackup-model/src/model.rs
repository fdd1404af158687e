//! The backup definition as libvirt holds it after parsing (`virDomainBackupDef`): plain data.
//!
//! Values keep libvirt's distinctions: `None` is libvirt's NULL and `Some("")` a real empty
//! string; enums have the values libvirt's parser can produce. Nothing here parses, checks
//! or prints; see [`crate::xml`] and [`crate::align`].

/// `mode` of `<domainbackup>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BackupMode {
    /// Push mode: libvirt writes the backup to `<target>` files (the default).
    #[default]
    Push,
    /// Pull mode: libvirt exports the disks over NBD from `<server>`, with `<scratch>` files.
    Pull,
}

impl BackupMode {
    /// The XML value: `push` or `pull`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupMode::Push => "push",
            BackupMode::Pull => "pull",
        }
    }
}

/// `transport` of the pull-mode NBD `<server>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Transport {
    /// TCP with `name` and `port` (the default).
    #[default]
    Tcp,
    /// A UNIX socket at `socket`.
    Unix,
    /// RDMA: parsed, then refused for `<server>`.
    Rdma,
    /// A file descriptor group passed with `virDomainFDAssociate` (`fdgroup`; 11.3 and later).
    Fd,
}

impl Transport {
    /// The XML value.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Unix => "unix",
            Transport::Rdma => "rdma",
            Transport::Fd => "fd",
        }
    }
}

/// The pull-mode NBD server (`virStorageNetHostDef` plus the backup's `tls`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PullServer {
    /// The transport.
    pub transport: Transport,
    /// `tls`: `None` when absent.
    pub tls: Option<bool>,
    /// Host name or address (tcp); may be empty.
    pub name: Option<String>,
    /// Port; 0 means none (and is not printed).
    pub port: u32,
    /// Socket path (unix).
    pub socket: Option<String>,
    /// File descriptor group (fd); may be empty.
    pub fdgroup: Option<String>,
}

/// Per-disk `backupmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DiskBackupMode {
    /// Not given (or given as the empty string in an internal parse); alignment decides.
    #[default]
    Default,
    /// `full`.
    Full,
    /// `incremental`.
    Incremental,
}

impl DiskBackupMode {
    /// The XML value, `None` for the default (which is not printed).
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            DiskBackupMode::Default => None,
            DiskBackupMode::Full => Some("full"),
            DiskBackupMode::Incremental => Some("incremental"),
        }
    }
}

/// A disk's job state, read and printed only in status (internal) XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DiskState {
    /// No state (`state=''`, or a non-internal parse).
    #[default]
    None,
    /// `running`.
    Running,
    /// `complete`.
    Complete,
    /// `failed`.
    Failed,
    /// `cancelling`.
    Cancelling,
    /// `cancelled`.
    Cancelled,
}

impl DiskState {
    /// Every state, in libvirt's enum order.
    pub const ALL: [DiskState; 6] = [
        DiskState::None,
        DiskState::Running,
        DiskState::Complete,
        DiskState::Failed,
        DiskState::Cancelling,
        DiskState::Cancelled,
    ];

    /// The XML value (`""` for none).
    pub fn as_str(self) -> &'static str {
        match self {
            DiskState::None => "",
            DiskState::Running => "running",
            DiskState::Complete => "complete",
            DiskState::Failed => "failed",
            DiskState::Cancelling => "cancelling",
            DiskState::Cancelled => "cancelled",
        }
    }
}

/// The storage type of a backup target or scratch (`type` of `<disk>`). The parser accepts
/// every storage type name, then refuses all but these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StoreType {
    /// `file`: path in `file=`.
    #[default]
    File,
    /// `block`: path in `dev=`.
    Block,
}

impl StoreType {
    /// The XML value.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreType::File => "file",
            StoreType::Block => "block",
        }
    }
}

/// A storage format (`<driver type=...>`): libvirt's `virStorageFileFormat` names that the
/// backup parser accepts (everything but `none`, and not `luks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum StorageFormat {
    Raw,
    Dir,
    Bochs,
    Cloop,
    Dmg,
    Iso,
    Vpc,
    Vdi,
    Fat,
    Vhd,
    Ploop,
    Cow,
    Qcow,
    Qcow2,
    Qed,
    Vmdk,
}

impl StorageFormat {
    /// Every format the parser accepts, in libvirt's enum order.
    pub const ALL: [StorageFormat; 16] = [
        StorageFormat::Raw,
        StorageFormat::Dir,
        StorageFormat::Bochs,
        StorageFormat::Cloop,
        StorageFormat::Dmg,
        StorageFormat::Iso,
        StorageFormat::Vpc,
        StorageFormat::Vdi,
        StorageFormat::Fat,
        StorageFormat::Vhd,
        StorageFormat::Ploop,
        StorageFormat::Cow,
        StorageFormat::Qcow,
        StorageFormat::Qcow2,
        StorageFormat::Qed,
        StorageFormat::Vmdk,
    ];

    /// The XML value.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageFormat::Raw => "raw",
            StorageFormat::Dir => "dir",
            StorageFormat::Bochs => "bochs",
            StorageFormat::Cloop => "cloop",
            StorageFormat::Dmg => "dmg",
            StorageFormat::Iso => "iso",
            StorageFormat::Vpc => "vpc",
            StorageFormat::Vdi => "vdi",
            StorageFormat::Fat => "fat",
            StorageFormat::Vhd => "vhd",
            StorageFormat::Ploop => "ploop",
            StorageFormat::Cow => "cow",
            StorageFormat::Qcow => "qcow",
            StorageFormat::Qcow2 => "qcow2",
            StorageFormat::Qed => "qed",
            StorageFormat::Vmdk => "vmdk",
        }
    }

    /// The format named `s`, if the parser accepts it.
    pub fn from_name(s: &str) -> Option<StorageFormat> {
        StorageFormat::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// A per-device security label override (`<seclabel>` in a target or scratch).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Seclabel {
    /// `model`, if given.
    pub model: Option<String>,
    /// `relabel='no'` was given.
    pub norelabel: bool,
    /// `labelskip='yes'` was given.
    pub labelskip: bool,
    /// The text of the first `<label>`, if non-empty and at most 4096 bytes.
    pub label: Option<String>,
}

/// `format` of `<encryption>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum EncryptionFormat {
    Default,
    Qcow,
    Luks,
    Luks2,
    LuksAny,
}

impl EncryptionFormat {
    /// Every format, in libvirt's enum order.
    pub const ALL: [EncryptionFormat; 5] = [
        EncryptionFormat::Default,
        EncryptionFormat::Qcow,
        EncryptionFormat::Luks,
        EncryptionFormat::Luks2,
        EncryptionFormat::LuksAny,
    ];

    /// The XML value.
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionFormat::Default => "default",
            EncryptionFormat::Qcow => "qcow",
            EncryptionFormat::Luks => "luks",
            EncryptionFormat::Luks2 => "luks2",
            EncryptionFormat::LuksAny => "luks-any",
        }
    }
}

/// `engine` of `<encryption>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EncryptionEngine {
    /// Not given (not printed).
    #[default]
    Default,
    /// `qemu`.
    Qemu,
    /// `librbd`.
    Librbd,
}

impl EncryptionEngine {
    /// The XML value, `None` for the default.
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            EncryptionEngine::Default => None,
            EncryptionEngine::Qemu => Some("qemu"),
            EncryptionEngine::Librbd => Some("librbd"),
        }
    }
}

/// How an encryption secret is looked up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretLookup {
    /// By UUID (16 bytes, printed in canonical lowercase dashed form).
    Uuid([u8; 16]),
    /// By usage text (may be empty).
    Usage(String),
}

/// `<cipher>` of a luks encryption.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Cipher {
    /// `name`.
    pub name: String,
    /// `size`.
    pub size: u32,
    /// `mode`.
    pub mode: Option<String>,
    /// `hash`.
    pub hash: Option<String>,
}

/// `<ivgen>` of a luks encryption.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Ivgen {
    /// `name`.
    pub name: String,
    /// `hash`.
    pub hash: Option<String>,
}

/// `<encryption>` of a target or scratch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Encryption {
    /// `format`.
    pub format: EncryptionFormat,
    /// `engine`.
    pub engine: EncryptionEngine,
    /// Every `<secret type='passphrase'>`, in order.
    pub secrets: Vec<SecretLookup>,
    /// `<cipher>` (read only for luks).
    pub cipher: Option<Cipher>,
    /// `<ivgen>` (read only for luks).
    pub ivgen: Option<Ivgen>,
}

/// `<auth>` of a storage source (`virStorageAuthDef`): read only by an internal parse
/// (the schema refuses it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StorageAuth {
    /// `username` (never empty).
    pub username: String,
    /// `type`: `chap` or `ceph`; `None` for none (absent, empty or `none`).
    pub kind: Option<String>,
    /// The `<secret>`'s `type`, as written (libvirt neither checks nor escapes it).
    pub secret_type: Option<String>,
    /// The `<secret>`'s `uuid` or `usage`.
    pub secret: SecretLookup,
}

/// `<reservations>` of a storage source (`virStoragePRDef`): read only by an internal
/// parse.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Reservations {
    /// `managed`.
    pub managed: bool,
    /// The `<source type='unix' mode='client'>`'s `path`, when one was given.
    pub path: Option<String>,
}

/// The `<slice type='storage'>` of a storage source: read only by an internal parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StorageSlice {
    /// `offset`.
    pub offset: u64,
    /// `size`.
    pub size: u64,
}

/// Where a disk's backup goes: the push `<target>` or the pull `<scratch>`, with the
/// `<driver>` format and the status-only `index`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct BackupStore {
    /// File or block.
    pub kind: StoreType,
    /// `file=` or `dev=`; `None` when absent or empty.
    pub path: Option<String>,
    /// `fdgroup=` of a file store (status-only in practice: the schema forbids it).
    pub fdgroup: Option<String>,
    /// `<driver type=...>`.
    pub format: Option<StorageFormat>,
    /// `index` (status XML only); 0 means none.
    pub index: u32,
    /// `<seclabel>` overrides, in order.
    pub seclabels: Vec<Seclabel>,
    /// `<encryption>`.
    pub encryption: Option<Encryption>,
    /// `<auth>` (internal parse only).
    pub auth: Option<StorageAuth>,
    /// `<reservations>` (internal parse only).
    pub reservations: Option<Reservations>,
    /// `<slices><slice type='storage'>` (internal parse only).
    pub slice: Option<StorageSlice>,
}

impl BackupDisk {
    /// The disk's store, or (for a hand-built model without one) an empty file store, which
    /// is how libvirt prints such a disk.
    pub fn store_or_empty(&self) -> &BackupStore {
        static EMPTY: std::sync::LazyLock<BackupStore> =
            std::sync::LazyLock::new(BackupStore::default);
        self.store.as_ref().unwrap_or(&EMPTY)
    }
}

/// One `<disk>` of the backup (`virDomainBackupDiskDef`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct BackupDisk {
    /// `name`: the domain disk's target device (may be empty).
    pub name: String,
    /// `backup`: whether this disk is backed up (absent means yes).
    pub backup: bool,
    /// `state` (status XML only).
    pub state: DiskState,
    /// `backupmode`.
    pub backup_mode: DiskBackupMode,
    /// Per-disk `incremental` (the empty string is a real value).
    pub incremental: Option<String>,
    /// `exportname` (pull only).
    pub export_name: Option<String>,
    /// `exportbitmap` (pull only).
    pub export_bitmap: Option<String>,
    /// The target (push) or scratch (pull); always present for a backed-up disk after
    /// parsing, absent for `backup='no'`.
    pub store: Option<BackupStore>,
}

/// A backup definition (`virDomainBackupDef`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DomainBackup {
    /// `mode`.
    pub mode: BackupMode,
    /// The top-level `<incremental>` checkpoint name; `None` when absent or empty.
    pub incremental: Option<String>,
    /// The pull-mode NBD server.
    pub server: Option<PullServer>,
    /// The disks, in document order (then the ones alignment appended).
    pub disks: Vec<BackupDisk>,
    /// Disk slots alignment reserved but left unset, after [`DomainBackup::disks`].
    ///
    /// `virDomainBackupAlignDisks` grows the disk array to the domain's disk count and
    /// fills one slot per domain disk whose target was not listed. When the domain has a
    /// listed target twice (as the xml2xml test's fake domain does for a document that
    /// lists `vdextradisk`), a slot stays zeroed: no name, `backup` unset, printed as
    /// `<disk backup='default'/>`. Zero except after such an alignment.
    pub unset_disks: usize,
    /// Status XML: alias of the TLS secret object.
    pub tls_secret_alias: Option<String>,
    /// Status XML: alias of the TLS x509 object.
    pub tls_alias: Option<String>,
}
