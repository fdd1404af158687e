//! `<server>` of a pull mode backup: its `transport` decides which of `name` and `port`,
//! `socket` and `fdgroup` are required and which are forbidden, and the values must match
//! `dnsName` or `ipAddr`, `unsignedInt` and `absFilePath`.
//!
//! Whether the `fd` transport exists is asked of [`Profile`](crate::profile::Profile);
//! this file must not name libvirt versions.

use super::checker::{Checker, TextRule, element_not_allowed};
use super::datatypes::{is_abs_file_path, is_host_name, is_unsigned_int, token_is};
use super::{Checked, Quoted, violation};
use crate::rules;
use crate::xml::tree::Element;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Transport {
    Tcp,
    Unix,
    Fd,
}

impl Checker {
    pub(super) fn server(&self, e: &Element) -> Checked {
        const TLS: usize = 0;
        const TRANSPORT: usize = 1;
        const NAME: usize = 2;
        const PORT: usize = 3;
        const SOCKET: usize = 4;
        const FDGROUP: usize = 5;
        let expected = if self.profile.has_fd_transport() {
            "<server> takes tls, transport, name, port, socket and fdgroup"
        } else {
            "<server> takes tls, transport, name, port and socket"
        };
        let attrs = self.attributes(
            e,
            ["tls", "transport", "name", "port", "socket", "fdgroup"],
            &rules::SCHEMA_SERVER_UNKNOWN_ATTRIBUTE,
            expected,
        )?;
        if let Some(a) = attrs
            .get(TLS)
            .filter(|a| !token_is(&a.value, "yes") && !token_is(&a.value, "no"))
        {
            return Err(violation(
                &rules::SCHEMA_SERVER_TLS_VALUE,
                a.position,
                format_args!(
                    "attribute 'tls' of <server> is {}; expected 'yes' or 'no'",
                    Quoted(&a.value)
                ),
            ));
        }
        let transport = match attrs.get(TRANSPORT) {
            None => Transport::Tcp,
            Some(a) if token_is(&a.value, "tcp") => Transport::Tcp,
            Some(a) if token_is(&a.value, "unix") => Transport::Unix,
            Some(a) if token_is(&a.value, "fd") && self.profile.has_fd_transport() => Transport::Fd,
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_SERVER_TRANSPORT_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'transport' of <server> is {}; expected {}",
                        Quoted(&a.value),
                        if self.profile.has_fd_transport() {
                            "'tcp', 'unix' or 'fd'"
                        } else {
                            "'tcp' or 'unix'"
                        }
                    ),
                ));
            }
        };
        let (required, forbidden): (usize, [usize; 3]) = match transport {
            Transport::Tcp => (NAME, [SOCKET, FDGROUP, FDGROUP]),
            Transport::Unix => (SOCKET, [NAME, PORT, FDGROUP]),
            Transport::Fd => (FDGROUP, [NAME, PORT, SOCKET]),
        };
        let transport_name = match transport {
            Transport::Tcp => "tcp",
            Transport::Unix => "unix",
            Transport::Fd => "fd",
        };
        for i in forbidden {
            if let Some(a) = attrs.get(i) {
                return Err(violation(
                    &rules::SCHEMA_SERVER_ATTRIBUTE_NOT_ALLOWED_FOR_TRANSPORT,
                    a.position,
                    format_args!(
                        "attribute '{}' of <server> is not allowed with transport '{transport_name}' (value {})",
                        a.name,
                        Quoted(&a.value)
                    ),
                ));
            }
        }
        let Some(value) = attrs.get(required) else {
            let (rule, what) = match transport {
                Transport::Tcp => (
                    &rules::SCHEMA_SERVER_NAME_REQUIRED,
                    "attribute 'name' (the host)",
                ),
                Transport::Unix => (&rules::SCHEMA_SERVER_SOCKET_REQUIRED, "attribute 'socket'"),
                Transport::Fd => (
                    &rules::SCHEMA_SERVER_FDGROUP_REQUIRED,
                    "attribute 'fdgroup'",
                ),
            };
            return Err(violation(
                rule,
                e.position,
                format_args!(
                    "<server> with transport '{transport_name}' needs {what}; it is missing"
                ),
            ));
        };
        match transport {
            Transport::Tcp => {
                if !is_host_name(&value.value) {
                    return Err(violation(
                        &rules::SCHEMA_SERVER_NAME_PATTERN,
                        value.position,
                        format_args!(
                            "attribute 'name' of <server> is {}; expected a DNS name ([a-zA-Z0-9.-]+) or an IPv4/IPv6 address",
                            Quoted(&value.value)
                        ),
                    ));
                }
                if let Some(port) = attrs.get(PORT).filter(|p| !is_unsigned_int(&p.value)) {
                    return Err(violation(
                        &rules::SCHEMA_SERVER_PORT_UNSIGNED_INT,
                        port.position,
                        format_args!(
                            "attribute 'port' of <server> is {}; expected digits only ([0-9]+) with a value of at most 4294967295",
                            Quoted(&port.value)
                        ),
                    ));
                }
            }
            Transport::Unix => {
                if !is_abs_file_path(&value.value) {
                    return Err(violation(
                        &rules::SCHEMA_SERVER_SOCKET_PATTERN,
                        value.position,
                        format_args!(
                            "attribute 'socket' of <server> is {}; expected an absolute path ('/' or a drive like 'C:\\' followed by at least one character, no line breaks)",
                            Quoted(&value.value)
                        ),
                    ));
                }
            }
            Transport::Fd => {}
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<server> has no content"))
        })
    }
}
