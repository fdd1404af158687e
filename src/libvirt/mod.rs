//! Real libvirt, in-process: the oracle the reference model is checked against.
//!
//! [`Libvirt`] loads `libvirt.so.0` at run time (nothing is linked) and drives libvirt's own
//! backup XML code the way its `genericxml2xmltest.c` does: parse
//! (`virDomainBackupDefParseString`), optionally align against a fake domain
//! (`virDomainBackupAlignDisks` with suffix `SUFFIX`) and format
//! (`virDomainBackupDefFormat`). The entry points are libvirt's private symbols, resolved
//! by name without a symbol version so that one build serves every libvirt version whose
//! signatures match (checked: 9.0.0 and 11.3.0).
//!
//! This is the only module of the crate allowed `unsafe`. It must not decide anything
//! itself: every verdict is libvirt's, and where this module cannot reproduce libvirt's test
//! set-up faithfully it reports an [`OracleError`] rather than a verdict. It must not print
//! (libvirt's own error printing is switched off), panic, or read libvirt's structures
//! beyond the public `virError` layout and the two-field `virBuffer`. The library is never
//! unloaded: libvirt and GLib register thread-exit destructors that would run unmapped code.
//!
//! This file holds [`Libvirt`] (loading, and the parse, align and format calls), the public
//! constants and the error types; `ffi` holds libvirt's C side (constants, the `virError` and
//! `virBuffer` layouts, the symbol table and the owners of what libvirt hands over);
//! `errors` tells which stage a libvirt error belongs to; `domain` builds the xml2xml test's
//! fake domain. Every `unsafe` block is in this file or `ffi`; `errors` and `domain` deny it.

#![allow(unsafe_code)]

mod domain;
mod errors;
mod ffi;

use std::ffi::{CStr, OsString, c_uint, c_ulong, c_void};
use std::fmt;
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::ptr::{self, NonNull};

use libloading::Library;

use self::domain::{disk_names, fake_domain_xml};
use self::errors::{fake_domain_mismatch, parse_stage};
use self::ffi::{
    Api, FreeFn, GetVersionFn, InitializeFn, Owned, PARSE_INTERNAL, SKIP_VALIDATE, SetErrorFuncFn,
    VirBuffer, XmlOption, XmlOptionNewFn, c_string_cut_at_nul, ignore_error, last_error,
    loader_message, symbol,
};
use crate::{Profile, Rejection, Stage};

/// The environment variable naming the library to load when [`Libvirt::load`] is given no
/// path.
pub const LIBRARY_ENV: &str = "DOMAINBACKUP_LIBVIRT_SO";

/// The library loaded when neither a path nor [`LIBRARY_ENV`] is given (found by the
/// dynamic loader's usual search).
pub const DEFAULT_LIBRARY: &str = "libvirt.so.0";

/// The suffix libvirt's xml2xml test passes to `virDomainBackupAlignDisks`.
pub const ALIGN_SUFFIX: &str = "SUFFIX";
const ALIGN_SUFFIX_C: &CStr = c"SUFFIX";

/// The name of the extra disk the xml2xml test appends to its fake domain.
pub const EXTRA_DISK: &str = "vdextradisk";

/// Why libvirt could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The dynamic loader could not open the library.
    #[error("library {path} could not be opened: {reason}")]
    Open {
        /// The path or name given to the loader.
        path: String,
        /// The loader's message (`dlerror`).
        reason: String,
    },
    /// A required symbol is not exported by the library.
    #[error("symbol {symbol} is missing from {path}: {reason}")]
    MissingSymbol {
        /// The library.
        path: String,
        /// The symbol looked up.
        symbol: &'static str,
        /// The loader's message.
        reason: String,
    },
    /// A set-up call into libvirt failed (`virInitialize`, `virGetVersion`,
    /// `virDomainXMLOptionNew`).
    #[error("{call} failed in {path}: {message}")]
    InitFailed {
        /// The library.
        path: String,
        /// The libvirt function that failed.
        call: &'static str,
        /// libvirt's message, if it set one.
        message: String,
    },
}

/// Why a document could not be judged by libvirt. Never a verdict about the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OracleError {
    /// The fake domain for alignment could not be built, because a backup disk name cannot
    /// be expressed in a domain XML that libvirt accepts as that same name.
    #[error("cannot align: the fake domain for disks {names:?} was not accepted: {message}")]
    CannotAlign {
        /// The disk names of the parsed definition, in order (the extra disk last).
        names: Vec<String>,
        /// libvirt's message.
        message: String,
    },
    /// `virDomainBackupDefFormat` failed.
    #[error("virDomainBackupDefFormat failed (code {code}, domain {domain}): {message}")]
    FormatFailed {
        /// libvirt's error number.
        code: i32,
        /// libvirt's error domain.
        domain: i32,
        /// libvirt's message.
        message: String,
    },
    /// libvirt's output could not be used: no text, text that is not UTF-8, or (when
    /// reading the disk names back for alignment) text that is not readable XML.
    #[error("unusable output from libvirt: {0}")]
    BadOutput(String),
    /// The domain given to [`Libvirt::process_with_domain`] was refused by libvirt.
    #[error("the domain XML was not accepted by libvirt: {message}")]
    BadDomain {
        /// libvirt's message.
        message: String,
    },
    /// A libvirt call failed without setting an error.
    #[error("{0} failed without reporting an error")]
    NoErrorReported(&'static str),
}

/// libvirt, loaded at run time, with one `virDomainXMLOption` for its whole lifetime.
///
/// A `Libvirt` may be shared between threads and used from several at once: libvirt's XML
/// parsers and formatters are reentrant (its daemon runs them in parallel worker threads),
/// its last error is kept per thread, and the process-wide libxml2 set-up is done by
/// [`Libvirt::load`] before the value can be shared.
pub struct Libvirt {
    api: Api,
    xmlopt: XmlOption,
    /// Flags for `virDomainDefParseString` of the fake domain (see [`SKIP_VALIDATE`]).
    domain_flags: c_uint,
    version: u64,
    path: PathBuf,
    /// Kept open for the rest of the process (see the module notes): never dropped.
    _library: ManuallyDrop<Library>,
}

impl fmt::Debug for Libvirt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Libvirt")
            .field("path", &self.path)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Libvirt {
    /// Loads libvirt from `path`; with `None`, from the path in the environment variable
    /// [`LIBRARY_ENV`] if it is set and not empty, else [`DEFAULT_LIBRARY`].
    ///
    /// Initialises libvirt, silences its error printing (for the whole process) and creates
    /// the xml option used by every later call.
    ///
    /// libvirt reads `domainbackup.rng` from its compiled-in folder
    /// (`/usr/share/libvirt/schemas`), not from next to the library: a library of another
    /// version must be run with its own schemas mounted there (see `scripts/libvirt-11.3`),
    /// or its non-internal parses are checked against the wrong schema.
    pub fn load(path: Option<&Path>) -> Result<Libvirt, LoadError> {
        let path: PathBuf = match path {
            Some(p) => p.to_path_buf(),
            None => std::env::var_os(LIBRARY_ENV)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| OsString::from(DEFAULT_LIBRARY))
                .into(),
        };
        let shown = path.display().to_string();
        // SAFETY: opening libvirt.so.0 runs its ELF constructors and those of its
        // dependencies (GLib, libxml2, ...), which are written to be loaded into any process
        // (language bindings dlopen it). A wrong file at `path` is the caller's choice; the
        // symbols are checked below before anything is called.
        let library = unsafe { Library::new(&path) }.map_err(|e| LoadError::Open {
            path: shown.clone(),
            reason: loader_message(&e),
        })?;

        // SAFETY: here and in every `symbol` call below, the type alias spells the C
        // prototype of the symbol as declared by libvirt 9.0.0 and 11.3.0.
        let initialize: InitializeFn = unsafe { symbol(&library, &shown, "virInitialize")? };
        // SAFETY: as above.
        let get_version: GetVersionFn = unsafe { symbol(&library, &shown, "virGetVersion")? };
        // SAFETY: as above.
        let set_error_func: SetErrorFuncFn =
            unsafe { symbol(&library, &shown, "virSetErrorFunc")? };
        // SAFETY: as above.
        let xmlopt_new: XmlOptionNewFn =
            unsafe { symbol(&library, &shown, "virDomainXMLOptionNew")? };
        // SAFETY: as above; `g_free` and `free` both take one pointer and return nothing.
        let free: FreeFn = match unsafe { symbol(&library, &shown, "g_free") } {
            Ok(f) => f,
            // SAFETY: as above.
            Err(_) => unsafe { symbol(&library, &shown, "free")? },
        };
        // SAFETY: as above, for each of the eleven look-ups.
        let api = unsafe {
            Api {
                get_last_error: symbol(&library, &shown, "virGetLastError")?,
                reset_last_error: symbol(&library, &shown, "virResetLastError")?,
                backup_parse: symbol(&library, &shown, "virDomainBackupDefParseString")?,
                backup_format: symbol(&library, &shown, "virDomainBackupDefFormat")?,
                backup_align: symbol(&library, &shown, "virDomainBackupAlignDisks")?,
                backup_free: symbol(&library, &shown, "virDomainBackupDefFree")?,
                domain_parse: symbol(&library, &shown, "virDomainDefParseString")?,
                domain_free: symbol(&library, &shown, "virDomainDefFree")?,
                buffer_content: symbol(&library, &shown, "virBufferContentAndReset")?,
                buffer_reset: symbol(&library, &shown, "virBufferFreeAndReset")?,
                free,
            }
        };

        let init_failed = |call: &'static str| {
            let message = last_error(&api)
                .map(|e| e.message)
                .unwrap_or_else(|| "no error reported".to_string());
            LoadError::InitFailed {
                path: shown.clone(),
                call,
                message,
            }
        };
        // SAFETY: virInitialize takes no arguments and may be called any number of times.
        if unsafe { initialize() } < 0 {
            return Err(init_failed("virInitialize"));
        }
        // SAFETY: `ignore_error` has the virErrorFunc prototype and never unwinds; libvirt
        // keeps the function pointer, which is 'static.
        unsafe { set_error_func(ptr::null_mut(), Some(ignore_error)) };

        let mut lib_ver: c_ulong = 0;
        // SAFETY: with a NULL type, virGetVersion writes only `*libVer`, a valid c_ulong.
        if unsafe { get_version(&mut lib_ver, ptr::null(), ptr::null_mut()) } < 0 {
            return Err(init_failed("virGetVersion"));
        }

        // SAFETY: all six arguments may be NULL (no driver callbacks, no private data).
        let xmlopt = unsafe {
            xmlopt_new(
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        let xmlopt = NonNull::new(xmlopt).ok_or_else(|| init_failed("virDomainXMLOptionNew"))?;

        #[allow(
            clippy::useless_conversion,
            reason = "c_ulong is narrower than u64 on some targets"
        )]
        let version = u64::from(lib_ver);
        let mut libvirt = Libvirt {
            api,
            xmlopt: XmlOption(xmlopt),
            domain_flags: 0,
            version,
            path,
            _library: ManuallyDrop::new(library),
        };
        if libvirt.domain_parses(SKIP_VALIDATE) && !libvirt.domain_parses(0) {
            libvirt.domain_flags = SKIP_VALIDATE;
        }
        // One schema-checked parse on this thread, so that libxml2's lazily initialised
        // globals (parser, RELAX NG and XML Schema types) are set up before any concurrent
        // use. Its outcome does not matter here: a missing schema shows up as a rejection
        // of every later non-internal parse.
        let _ = libvirt.process(b"<domainbackup/>", false, false);
        Ok(libvirt)
    }

    /// Whether a fake domain with a disk target `x` (which only validation refuses) is
    /// accepted with `flags`.
    fn domain_parses(&self, flags: c_uint) -> bool {
        let xml = c_string_cut_at_nul(fake_domain_xml(&mut vec!["x".to_string()]).as_bytes());
        self.parse_domain(&xml, flags).is_ok()
    }

    /// The library that was loaded (as given to the loader).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// libvirt's version as `virGetVersion` reports it:
    /// `major * 1_000_000 + minor * 1000 + micro`.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The version as `major.minor.micro`.
    pub fn version_string(&self) -> String {
        format!(
            "{}.{}.{}",
            self.version / 1_000_000,
            self.version / 1000 % 1000,
            self.version % 1000
        )
    }

    /// The modelled [`Profile`] for this version, if there is one.
    pub fn profile(&self) -> Option<Profile> {
        Profile::for_libvirt_version(self.version)
    }

    /// Runs one document through libvirt like its xml2xml test does.
    ///
    /// The document is handed over as a C string, so libvirt sees it cut at the first NUL
    /// byte. It is parsed with `VIR_DOMAIN_BACKUP_PARSE_INTERNAL` when `internal`; when
    /// `align`, it is aligned against a fake domain with one file disk per parsed backup
    /// disk (in order, `backup='no'` ones included) plus [`EXTRA_DISK`], suffix
    /// [`ALIGN_SUFFIX`]; then it is formatted with `internal` as the formatter's argument.
    ///
    /// Returns `Ok(Ok(text))` for libvirt's output, `Ok(Err(rejection))` when libvirt
    /// refused the document (with libvirt's code, domain and message), and `Err` when
    /// libvirt could not be asked faithfully.
    pub fn process(
        &self,
        xml: &[u8],
        internal: bool,
        align: bool,
    ) -> Result<Result<String, Rejection>, OracleError> {
        let domain = if align {
            AlignWith::Fake
        } else {
            AlignWith::Nothing
        };
        self.run(xml, internal, domain)
    }

    /// Like [`Libvirt::process`] with alignment, but against the domain described by
    /// `domain_xml` (parsed by `virDomainDefParseString`, cut at its first NUL byte) instead
    /// of the xml2xml test's fake domain. Every alignment failure is then a rejection; a
    /// domain libvirt refuses is an [`OracleError::BadDomain`].
    pub fn process_with_domain(
        &self,
        xml: &[u8],
        internal: bool,
        domain_xml: &[u8],
    ) -> Result<Result<String, Rejection>, OracleError> {
        self.run(xml, internal, AlignWith::Domain(domain_xml))
    }

    fn run(
        &self,
        xml: &[u8],
        internal: bool,
        domain: AlignWith<'_>,
    ) -> Result<Result<String, Rejection>, OracleError> {
        let doc = c_string_cut_at_nul(xml);
        let flags = if internal { PARSE_INTERNAL } else { 0 };
        let opt = self.xmlopt.0.as_ptr();

        self.reset_error();
        // SAFETY: `doc` is a NUL-terminated string that outlives the call; `opt` is the live
        // xml option; libvirt copies what it keeps.
        let def = unsafe { (self.api.backup_parse)(doc.as_ptr(), opt, flags) };
        let Some(def) = NonNull::new(def) else {
            let err = last_error(&self.api).ok_or(OracleError::NoErrorReported(
                "virDomainBackupDefParseString",
            ))?;
            let stage = parse_stage(err.code, &err.message);
            return Ok(Err(Rejection::from_parts(
                stage,
                err.code,
                err.domain,
                err.message,
            )));
        };
        let def = Owned {
            ptr: def,
            free: self.api.backup_free,
        };

        let dom = match domain {
            AlignWith::Nothing => None,
            AlignWith::Fake => {
                let status = self.format(&def, true, opt)?;
                let mut names = disk_names(&status)?;
                let domain_xml = c_string_cut_at_nul(fake_domain_xml(&mut names).as_bytes());
                match self.parse_domain(&domain_xml, self.domain_flags) {
                    Ok(dom) => Some((dom, Some(names))),
                    Err(message) => return Err(OracleError::CannotAlign { names, message }),
                }
            }
            AlignWith::Domain(domain_xml) => {
                let domain_xml = c_string_cut_at_nul(domain_xml);
                match self.parse_domain(&domain_xml, 0) {
                    Ok(dom) => Some((dom, None)),
                    Err(message) => return Err(OracleError::BadDomain { message }),
                }
            }
        };
        if let Some((dom, fake_names)) = dom {
            self.reset_error();
            // SAFETY: `def` and `dom` are live definitions owned here; the suffix is a static C
            // string; libvirt copies what it keeps.
            let rc = unsafe {
                (self.api.backup_align)(def.ptr.as_ptr(), dom.ptr.as_ptr(), ALIGN_SUFFIX_C.as_ptr())
            };
            if rc < 0 {
                let err = last_error(&self.api)
                    .ok_or(OracleError::NoErrorReported("virDomainBackupAlignDisks"))?;
                if let Some(names) = fake_names.filter(|_| fake_domain_mismatch(&err.message)) {
                    return Err(OracleError::CannotAlign {
                        names,
                        message: err.message,
                    });
                }
                return Ok(Err(Rejection::from_parts(
                    Stage::Align,
                    err.code,
                    err.domain,
                    err.message,
                )));
            }
        }

        self.format(&def, internal, opt).map(Ok)
    }

    /// `virDomainDefParseString`; `Err` carries libvirt's message.
    fn parse_domain(&self, xml: &CStr, flags: c_uint) -> Result<Owned, String> {
        self.reset_error();
        // SAFETY: `xml` is NUL-terminated and outlives the call; the xml option is live; the
        // parse opaque may be NULL; libvirt copies what it keeps.
        let dom = unsafe {
            (self.api.domain_parse)(xml.as_ptr(), self.xmlopt.0.as_ptr(), ptr::null_mut(), flags)
        };
        match NonNull::new(dom) {
            Some(ptr) => Ok(Owned {
                ptr,
                free: self.api.domain_free,
            }),
            None => Err(last_error(&self.api).map(|e| e.message).unwrap_or_else(|| {
                "virDomainDefParseString failed without reporting an error".to_string()
            })),
        }
    }

    fn reset_error(&self) {
        // SAFETY: virResetLastError takes no arguments and touches only this thread's error.
        unsafe { (self.api.reset_last_error)() }
    }

    /// `virDomainBackupDefFormat` into a fresh buffer, returning the text.
    fn format(&self, def: &Owned, internal: bool, opt: *mut c_void) -> Result<String, OracleError> {
        let mut buf = VirBuffer::new();
        self.reset_error();
        // SAFETY: `buf` is a zeroed virBuffer (with spare room) owned here; `def` is a live
        // backup definition; `opt` is the live xml option.
        let rc = unsafe { (self.api.backup_format)(&mut buf, def.ptr.as_ptr(), internal, opt) };
        if rc < 0 {
            let err = last_error(&self.api);
            // SAFETY: `buf` was only ever written by libvirt's buffer code.
            unsafe { (self.api.buffer_reset)(&mut buf) };
            let err = err.ok_or(OracleError::NoErrorReported("virDomainBackupDefFormat"))?;
            return Err(OracleError::FormatFailed {
                code: err.code,
                domain: err.domain,
                message: err.message,
            });
        }
        // SAFETY: as above; the returned string (or NULL) becomes ours.
        let text = unsafe { (self.api.buffer_content)(&mut buf) };
        // SAFETY: as above; the buffer is empty now, this only makes sure nothing leaks.
        unsafe { (self.api.buffer_reset)(&mut buf) };
        if text.is_null() {
            return Err(OracleError::BadOutput(
                "virDomainBackupDefFormat produced no text".to_string(),
            ));
        }
        // SAFETY: `text` is a non-NULL NUL-terminated string from GLib's allocator.
        let bytes = unsafe { CStr::from_ptr(text) }.to_bytes().to_vec();
        // SAFETY: `text` came from g_string_free(.., FALSE), i.e. g_malloc; freed once.
        unsafe { (self.api.free)(text.cast()) };
        String::from_utf8(bytes).map_err(|e| {
            OracleError::BadOutput(format!("formatted text is not UTF-8: {}", e.utf8_error()))
        })
    }
}

/// Where a backup definition is aligned.
enum AlignWith<'a> {
    /// Not aligned.
    Nothing,
    /// Against the xml2xml test's fake domain.
    Fake,
    /// Against this domain XML.
    Domain(&'a [u8]),
}
