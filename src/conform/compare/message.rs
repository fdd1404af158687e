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

/// `text` with its control characters written as escapes (`\r`, `\u{1}`), since written as
/// they are they act on a terminal rather than show; `keep_lines`: line feeds and tabs stay
/// as they are (a document shown in lines), else they are escaped too (a value in quotes).
pub(crate) fn show_controls(text: &str, keep_lines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if keep_lines => out.push(c),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn one_line(s: &str) -> String {
    let line = s.trim_end().replace('\n', "\\n");
    if line.chars().count() > 300 {
        let cut: String = line.chars().take(300).collect();
        format!("{cut}...")
    } else {
        line
    }
}

/// The shape of an implementation's refusal, for naming its class: the first line, quoted
/// text and numbers replaced (`'…'`, `N`), blanks collapsed, at most 100 characters. Two
/// refusals of one kind differ in what they quote and where, not in their shape.
pub fn message_shape(message: &str) -> String {
    const WIDTH: usize = 100;
    let mut rest = message.trim().lines().next().unwrap_or("");
    let mut out = String::with_capacity(rest.len().min(WIDTH + 4));
    let mut shown = 0;
    let mut blank = false;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        let (pushed, next, is_blank): (&[char], &str, bool) = match c {
            // Up to the same quote on the line; a lone quote (or an apostrophe, after a
            // letter) stays as it is.
            '\'' | '"' | '`' if !out.ends_with(|p: char| p.is_alphanumeric()) => {
                match after.find(c) {
                    Some(end) => (&[c, '…', c], &after[end + 1..], false),
                    None => (&[c], after, false),
                }
            }
            d if d.is_ascii_digit() => (
                &['N'],
                after.trim_start_matches(|d: char| d.is_ascii_digit()),
                false,
            ),
            w if w.is_whitespace() => (if blank { &[] } else { &[' '] }, after, true),
            c => (&[c], after, false),
        };
        out.extend(pushed);
        shown += pushed.len();
        rest = next;
        blank = is_blank;
        if shown >= WIDTH {
            out.push('…');
            break;
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::message_shape;

    #[test]
    fn refusals_of_one_kind_have_one_shape() {
        assert_eq!(
            message_shape("ParseError: not well-formed (invalid token): line 5, column 25"),
            "ParseError: not well-formed (invalid token): line N, column N"
        );
        assert_eq!(
            message_shape("Unmarshal: strconv.ParseUint: parsing \"0x1f\": invalid syntax\nmore"),
            "Unmarshal: strconv.ParseUint: parsing \"…\": invalid syntax"
        );
        assert_eq!(message_shape("it's   'vda'  gone"), "it's '…' gone");
        assert_eq!(message_shape(""), "");
        assert!(message_shape(&"x".repeat(500)).chars().count() <= 101);
    }
}
