//! libvirt's C side, as far as this adapter touches it: the flag and error numbers it passes
//! and compares, the public `virError` and the two-field `virBuffer` layouts, the prototypes
//! of the symbols [`Libvirt::load`] resolves and the table that holds them, and the owners of
//! what libvirt hands over (the shared xml option, objects freed on drop, the last error
//! copied out).
//!
//! It must not decide anything nor read libvirt's structures beyond those two layouts; the
//! only calls made here free what libvirt returned and read this thread's last error.

use std::ffi::{CStr, CString, c_char, c_int, c_uint, c_ulong, c_void};
use std::ptr::{self, NonNull};

use libloading::Library;

#[cfg(doc)]
use super::Libvirt;
use super::LoadError;

/// `VIR_DOMAIN_BACKUP_PARSE_INTERNAL`.
pub(super) const PARSE_INTERNAL: c_uint = 1;

/// `VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE` in libvirt 9.0.0 and 11.3.0 (a private flag whose
/// value has moved in the past). The xml2xml test builds its fake domain in C without any
/// validation, so the fake domain is parsed without it too; otherwise libvirt refuses disk
/// targets that do not start with `hd`, `sd`, `vd`, `xvd` or `ubd`. [`Libvirt::load`] checks
/// that the flag has that effect and leaves it off if not.
pub(super) const SKIP_VALIDATE: c_uint = 1 << 8;

/// `VIR_ERR_XML_ERROR`.
pub(super) const ERR_XML_ERROR: c_int = 27;
/// `VIR_ERR_XML_DETAIL`.
pub(super) const ERR_XML_DETAIL: c_int = 35;
/// `VIR_ERR_XML_INVALID_SCHEMA`.
pub(super) const ERR_XML_INVALID_SCHEMA: c_int = 92;

/// The public `struct _virError` of `<libvirt/virterror.h>` (unchanged since libvirt 0.1).
#[repr(C)]
pub(super) struct VirError {
    code: c_int,
    domain: c_int,
    message: *mut c_char,
    level: c_int,
    conn: *mut c_void,
    dom: *mut c_void,
    str1: *mut c_char,
    str2: *mut c_char,
    str3: *mut c_char,
    int1: c_int,
    int2: c_int,
    net: *mut c_void,
}

/// libvirt's `virBuffer` (`{ GString *str; int indent; }`), followed by zeroed spare room so
/// that a version which grew the struct still writes into memory we own.
#[repr(C)]
pub(super) struct VirBuffer {
    str: *mut c_void,
    indent: c_int,
    spare: [usize; 8],
}

impl VirBuffer {
    pub(super) fn new() -> Self {
        VirBuffer {
            str: ptr::null_mut(),
            indent: 0,
            spare: [0; 8],
        }
    }
}

type ErrorFunc = unsafe extern "C" fn(*mut c_void, *mut VirError);
pub(super) type InitializeFn = unsafe extern "C" fn() -> c_int;
pub(super) type GetVersionFn =
    unsafe extern "C" fn(*mut c_ulong, *const c_char, *mut c_ulong) -> c_int;
type GetLastErrorFn = unsafe extern "C" fn() -> *mut VirError;
type ResetLastErrorFn = unsafe extern "C" fn();
pub(super) type SetErrorFuncFn = unsafe extern "C" fn(*mut c_void, Option<ErrorFunc>);
pub(super) type XmlOptionNewFn = unsafe extern "C" fn(
    *mut c_void,
    *mut c_void,
    *mut c_void,
    *mut c_void,
    *mut c_void,
    *mut c_void,
) -> *mut c_void;
type BackupParseFn = unsafe extern "C" fn(*const c_char, *mut c_void, c_uint) -> *mut c_void;
type BackupFormatFn = unsafe extern "C" fn(*mut VirBuffer, *mut c_void, bool, *mut c_void) -> c_int;
type BackupAlignFn = unsafe extern "C" fn(*mut c_void, *mut c_void, *const c_char) -> c_int;
type DomainParseFn =
    unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void, c_uint) -> *mut c_void;
pub(super) type FreeFn = unsafe extern "C" fn(*mut c_void);
type BufferContentFn = unsafe extern "C" fn(*mut VirBuffer) -> *mut c_char;
type BufferResetFn = unsafe extern "C" fn(*mut VirBuffer);

/// The no-op error handler installed with `virSetErrorFunc`, so that libvirt prints nothing.
pub(super) unsafe extern "C" fn ignore_error(_user_data: *mut c_void, _error: *mut VirError) {}

/// The resolved entry points. Plain function pointers: they stay valid because the library
/// is never unloaded.
#[derive(Clone, Copy)]
pub(super) struct Api {
    pub(super) get_last_error: GetLastErrorFn,
    pub(super) reset_last_error: ResetLastErrorFn,
    pub(super) backup_parse: BackupParseFn,
    pub(super) backup_format: BackupFormatFn,
    pub(super) backup_align: BackupAlignFn,
    pub(super) backup_free: FreeFn,
    pub(super) domain_parse: DomainParseFn,
    pub(super) domain_free: FreeFn,
    pub(super) buffer_content: BufferContentFn,
    pub(super) buffer_reset: BufferResetFn,
    /// GLib's `g_free` (or libc `free`), for the strings libvirt hands over.
    pub(super) free: FreeFn,
}

/// The `virDomainXMLOption` shared by every call.
pub(super) struct XmlOption(pub(super) NonNull<c_void>);

// SAFETY: the pointer is a libvirt object (atomically reference-counted, never freed here)
// that is not tied to the thread that created it; libvirt only reads it after creation,
// and its daemon shares one xml option between all of its worker threads the same way.
unsafe impl Send for XmlOption {}
// SAFETY: as above: concurrent use is read-only.
unsafe impl Sync for XmlOption {}

/// libvirt's last error, copied out.
pub(super) struct LastError {
    pub(super) code: c_int,
    pub(super) domain: c_int,
    pub(super) message: String,
}

/// Frees a libvirt object when dropped.
pub(super) struct Owned {
    pub(super) ptr: NonNull<c_void>,
    pub(super) free: FreeFn,
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: `ptr` was returned by the libvirt constructor matching `free`
        // (virDomainBackupDefParseString / virDomainBackupDefFree, virDomainDefParseString /
        // virDomainDefFree) and is freed exactly once, here.
        unsafe { (self.free)(self.ptr.as_ptr()) }
    }
}

/// Resolves `name` in `lib` as a value of type `T`.
///
/// # Safety
/// `T` must be the exact type of the symbol (a function pointer with the C signature).
pub(super) unsafe fn symbol<T: Copy>(
    lib: &Library,
    path: &str,
    name: &'static str,
) -> Result<T, LoadError> {
    // SAFETY: the caller guarantees `T` matches the symbol's type.
    let sym = unsafe { lib.get::<T>(name.as_bytes()) }.map_err(|e| LoadError::MissingSymbol {
        path: path.to_string(),
        symbol: name,
        reason: loader_message(&e),
    })?;
    Ok(*sym)
}

/// The loader's error with its cause (`dlerror`'s text), which libloading keeps as the
/// error's source.
pub(super) fn loader_message(e: &libloading::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// `bytes` as C sees them: up to the first NUL byte.
pub(super) fn c_string_cut_at_nul(bytes: &[u8]) -> CString {
    let text = bytes.split(|&b| b == 0).next().unwrap_or_default();
    // Never the fallback: `text` holds no NUL byte.
    CString::new(text).unwrap_or_default()
}

/// libvirt's last error on this thread, if one is set.
pub(super) fn last_error(api: &Api) -> Option<LastError> {
    // SAFETY: virGetLastError takes no arguments and returns this thread's error or NULL.
    let err = unsafe { (api.get_last_error)() };
    if err.is_null() {
        return None;
    }
    // SAFETY: non-NULL: it points at libvirt's thread-local virError, valid until the next
    // libvirt call on this thread; we copy the fields out now.
    let err = unsafe { &*err };
    if err.code == 0 {
        return None;
    }
    let message = if err.message.is_null() {
        String::new()
    } else {
        // SAFETY: a non-NULL message is a NUL-terminated string owned by the error.
        unsafe { CStr::from_ptr(err.message) }
            .to_string_lossy()
            .into_owned()
    };
    Some(LastError {
        code: err.code,
        domain: err.domain,
        message,
    })
}
