//! The one-line texts reports show: an expectation in one line, a message cut to one
//! line, and numbers appended in decimal.
//!
//! Text only: nothing here compares or judges.

use crate::Rejection;

/// The expectation in one line: `accepted` or
/// `rejected stage=.. code=.. domain=.. rule=..: message`.
pub fn describe_expectation(expected: &Result<String, Rejection>) -> String {
    match expected {
        Ok(_) => "accepted".to_string(),
        Err(r) => {
            // Written piece by piece: this runs for every rejected case of a campaign.
            let mut s = String::with_capacity(40 + r.message.len());
            s.push_str("rejected stage=");
            s.push_str(r.stage.as_str());
            s.push_str(" code=");
            push_number(&mut s, r.code);
            s.push_str(" domain=");
            push_number(&mut s, r.domain);
            if let Some(rule) = r.rule_id() {
                s.push_str(" rule=");
                s.push_str(rule);
            }
            s.push_str(": ");
            let mut lines = r.message.split('\n');
            s.push_str(lines.next().unwrap_or(""));
            for line in lines {
                s.push_str("\\n");
                s.push_str(line);
            }
            s
        }
    }
}

/// Appends `n` in decimal.
pub(crate) fn push_number(s: &mut String, n: i32) {
    let _ = std::fmt::Write::write_fmt(s, format_args!("{n}"));
}

pub(super) fn one_line(s: &str) -> String {
    let line = s.trim_end().replace('\n', "\\n");
    if line.chars().count() > 300 {
        let cut: String = line.chars().take(300).collect();
        format!("{cut}...")
    } else {
        line
    }
}
