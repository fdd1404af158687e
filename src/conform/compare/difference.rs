//! One difference between the expected and the implementation's output, named by path
//! ([`Difference`]), and the exact comparison of canonical bytes, which names the first
//! differing line.
//!
//! Nothing here reads a document: reading output back and comparing the models is
//! [`super::semantic`]'s job.

use std::fmt;

/// One difference between the expected and the implementation's output, by path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Difference {
    /// Where, e.g. `/domainbackup/disks/disk[2]/@exportbitmap` (1-based indexes).
    pub path: String,
    /// The expected value, quoted, or `absent`.
    pub expected: String,
    /// The implementation's value, quoted, or `absent`.
    pub got: String,
}

impl Difference {
    /// The path with indexes dropped (`disk[2]` → `disk`): what stays the same while a
    /// counterexample is shrunk.
    pub fn shape(&self) -> String {
        without_indexes(&self.path)
    }
}

impl Difference {
    /// What kind of difference: `dropped` (libvirt keeps a value the implementation lost),
    /// `invented` (the implementation wrote one libvirt does not), `changed` (both have
    /// it, with other values), `unreadable` (libvirt could not read what it wrote back).
    pub fn kind(&self) -> &'static str {
        let [dropped, invented, unreadable, changed] = DIFFERENCE_KINDS;
        match (self.expected.as_str(), self.got.as_str()) {
            (e, "absent") if e != "absent" => dropped,
            ("absent", _) => invented,
            (_, g) if g.starts_with(UNREADABLE) => unreadable,
            _ => changed,
        }
    }
}

/// Every [`Difference::kind`].
pub const DIFFERENCE_KINDS: [&str; 4] = ["dropped", "invented", "unreadable", "changed"];

/// `path` with its indexes dropped (`disk[2]` → `disk`, `disks[0].driver` →
/// `disks.driver`).
pub fn without_indexes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

/// How [`super::semantic`] begins the `got` of output libvirt cannot read back.
pub(super) const UNREADABLE: &str = "unreadable output";

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, got {}",
            self.path, self.expected, self.got
        )
    }
}

/// Exact comparison: the first differing line, as a difference at `/` with the line number.
pub fn exact_differences(expected: &str, got: &str) -> Vec<Difference> {
    if expected == got {
        return Vec::new();
    }
    let mut e = expected.split_inclusive('\n');
    let mut g = got.split_inclusive('\n');
    let mut line = 1;
    loop {
        match (e.next(), g.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (a, b) => {
                let show = |s: Option<&str>| s.map_or("absent".to_string(), |s| format!("{s:?}"));
                return vec![Difference {
                    path: format!("/ (line {line})"),
                    expected: show(a),
                    got: show(b),
                }];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(expected: &str, got: &str) -> &'static str {
        Difference {
            path: "/domainbackup/disks/disk[2]/@name".into(),
            expected: expected.into(),
            got: got.into(),
        }
        .kind()
    }

    #[test]
    fn differences_are_named_by_kind_and_shape() {
        assert_eq!(kind("'a'", "absent"), "dropped");
        assert_eq!(kind("absent", "'a'"), "invented");
        assert_eq!(kind("'a'", "'b'"), "changed");
        assert_eq!(
            kind(
                "a readable <domainbackup>",
                "unreadable output (XML error: x)"
            ),
            "unreadable"
        );
        let d = Difference {
            path: "/domainbackup/disks/disk[2]/target/seclabel[1]/label".into(),
            expected: "'s'".into(),
            got: "'o'".into(),
        };
        assert_eq!(d.shape(), "/domainbackup/disks/disk/target/seclabel/label");
    }
}
