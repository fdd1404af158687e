//! The reader (`xml::read`) held directly, beside the documents of the corpus: the fast
//! path takes the simple tags and reads every text as the general path does, positions
//! count lines and characters as libxml2 does, the names the reader shares, bytes that are
//! not UTF-8, and the size limit at its edge.

use domainbackup_harness::xml::read::probe::{self, SIMPLE_ATTRIBUTES};
use domainbackup_harness::xml::read::{
    MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, read, read_tags,
};

/// A start tag as the fast path reads it: its length, its name and its attributes as
/// written, and whether it is empty.
type Read = (usize, String, Vec<(String, String)>, bool);

/// What the fast path makes of `tag` (the text after `<`).
fn simple(tag: &str) -> Option<Read> {
    let read = probe::simple_tag(tag.as_bytes())?;
    let at = |range: std::ops::Range<usize>| tag[range].to_string();
    let attributes = read
        .attributes
        .into_iter()
        .map(|(name, value)| (at(name), at(value)))
        .collect();
    Some((read.len, at(read.name), attributes, read.empty))
}

/// The fast path is only fast if it takes the tags it is meant for: every tag of the
/// simple kind is read in the scan, with its parts where they are, and every other
/// kind is left to the general path (which the differential test below then holds to
/// the same reading).
#[test]
fn simple_tags_take_the_fast_path_and_others_do_not() {
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|&(n, v)| (n.to_string(), v.to_string()))
            .collect()
    };
    // Each ends at its tag's end, there being no other `>` outside quotes.
    for (tag, name, attributes, empty) in [
        ("a>", "a", vec![], false),
        (
            "disk name='vda' backup=\"yes\"/>",
            "disk",
            pairs(&[("name", "vda"), ("backup", "yes")]),
            true,
        ),
        ("_x-1.y\t \r\n>", "_x-1.y", vec![], false),
        (
            "a\tb\n=\r'1'\n c = \"x y\" >",
            "a",
            pairs(&[("b", "1"), ("c", "x y")]),
            false,
        ),
        (
            "Zz9 A_='>' B=\"'\"/>",
            "Zz9",
            pairs(&[("A_", ">"), ("B", "'")]),
            true,
        ),
        ("a b='' c=\"\"/>", "a", pairs(&[("b", ""), ("c", "")]), true),
        (
            "a b='~ !#$%()*+,-./09:;=?@AZ[]^_`az{|}'>",
            "a",
            pairs(&[("b", "~ !#$%()*+,-./09:;=?@AZ[]^_`az{|}")]),
            false,
        ),
    ] {
        assert_eq!(
            simple(tag),
            Some((tag.len(), name.to_string(), attributes, empty)),
            "{tag:?}"
        );
    }
    // Whatever follows the tag is not read.
    assert_eq!(simple("a/>x>").map(|s| (s.0, s.3)), Some((3, true)));
    assert_eq!(simple("a b='1'>x>").map(|s| (s.0, s.3)), Some((8, false)));
    let most: String = (0..SIMPLE_ATTRIBUTES)
        .map(|i| format!(" a{i}='{i}'"))
        .collect();
    let tag = format!("t{most}/>");
    assert_eq!(
        simple(&tag).map(|s| (s.0, s.2.len())),
        Some((tag.len(), SIMPLE_ATTRIBUTES))
    );
    let long = "n".repeat(MAX_NAME_LENGTH);
    assert_eq!(
        simple(&format!("{long}/>")).map(|s| s.0),
        Some(MAX_NAME_LENGTH + 2)
    );
    for tag in [
        "",
        ">",
        " a>",
        "1a>",
        "-a>",
        ".a>",
        "a",
        "a ",
        "a b='1'",
        "a/",
        "a/ >",
        "a b='1'/ >",
        "a b='1'c='2'>",
        "a b>",
        "a b='1>",
        "a b=1>",
        "a b='1' b='2'>",
        "a b='1' c='2' b='3'>",
        "a xmlns='u'>",
        "a:b>",
        "a b:c='1'>",
        "é>",
        "a é='1'>",
        "a b='é'>",
        "a b='x&amp;y'>",
        "a b='<'>",
        "a b='\t'>",
        "a b='\u{7f}'>",
        "a\u{b}b='1'>",
        "a\u{c}>",
        "a\u{0}>",
        "a b\u{b}='1'>",
        "a b=\u{b}'1'>",
    ] {
        assert_eq!(simple(tag), None, "{tag:?}");
    }
    let too_many = format!("t{most} z='z'/>");
    assert_eq!(simple(&too_many), None);
    assert_eq!(simple(&format!("{long}n/>")), None);
}

/// Every document of the corpus (the fuzzing inputs included), tags on the edge of
/// "simple" and markup that breaks off in every place read the same with and without
/// the fast path: the same tree with the same positions, or the same error.
#[test]
fn the_fast_path_reads_as_the_general_path_reads() {
    let mut inputs: Vec<Vec<u8>> = [
        "<a/>",
        "<a b='1' c=\"2\"/>",
        "<a\n  b = '1'\tc='x&amp;y'/>",
        "<a b='1' b='2'/>",
        "<a b='1'c='2'/>",
        "<a xmlns='u'><b c='1'/></a>",
        "<a xmlns:p='u'><p:b p:c='1' c='2'/></a>",
        "<a xml:space='preserve'><b> </b></a>",
        "<a b='é'/>",
        "<a é='1'/>",
        "<a b='<'/>",
        "<a b=1/>",
        "<a b/>",
        "<a/b>",
        "<a b='1' / >",
        "<a b='1'/ >",
        "<a/ >",
        "<a//>",
        "<a b='1' >x</a >",
        "<a b='x>y' c=\"'>\"/>",
        "<a\tb='1'\n/>",
        "<a b='1'",
        "<a b='1' c",
        "<a b='1' c=",
        "<a b='1' c='2",
        "<a:b xmlns:a='u'/>",
        "<a b:c='1'/>",
        "<a b='1'c='2'>",
        "<a b='1' c='2' d='3' e='4' f='5' g='6' h='7' i='8' j='9' k='10' l='11' m='12' n='13'/>",
        "<domainbackup><disks>\n<disk name='vda' backup='yes'/></disks></domainbackup>",
        // How the text is split: around every kind of markup, and where it breaks off.
        "</a>",
        "<a></a></b>",
        "<a/></a>",
        "<a/><b/>",
        "<a>x&amp;y&#x41;&#66;</a>",
        "<a>x&y</a>",
        "<a>&",
        "<a>&amp",
        "<a>&amp&lt;</a>",
        "<a>&amp<b/></a>",
        "<a>&;</a>",
        "&amp;<a/>",
        "<a/>&amp;",
        "<a><!-- c --><?pi x?><![CDATA[x]]></a>",
        "<a><!----><!-----><!-- a -- b --><!--->--></a>",
        "<a><!-->--></a>",
        "<a><!-- x</a>",
        "<a><![CDATA[]]><![CDATA[]>]]]]><![CDATA[x]]]></a>",
        "<a><![cdata[x]]></a>",
        "<a><![CDATA[x</a>",
        "<a><!x></a>",
        "<a><?></a>",
        "<a><??></a>",
        "<a><?x?></a>",
        "<a><?x ?><?x y?z?></a>",
        "<a><?xml?></a>",
        "<a><?xml-stylesheet x?></a>",
        "<a><?xml\tx?></a>",
        "<a><?x ></a>",
        "<?xml version='1.0'?>\n<?xml version='1.0'?><a/>",
        "<?xml?><a/>",
        "<?XML version='1.0'?><a/>",
        "<?xml version='1.0'?><a/>",
        " <?xml version='1.0'?><a/>",
        "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
        "<a b='>'>x</a b=\"'>\">",
        "<a",
        "<a b='",
        "<a b=\"",
        "<a>",
        "<a></",
        "<a><!--",
        "<a><?x",
        "<>",
        "< a/>",
        "</>",
        "<a/>x",
        "x<a/>",
        "<a>]]></a>",
        "<a>\r\n x\r</a>",
        "\u{FEFF}\u{FEFF}<a/>",
        "\u{FEFF}<a/>",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    // Too deep, by simple tags and by tags that are not.
    inputs.push("<a>".repeat(MAX_DEPTH + 2).into_bytes());
    inputs.push("<a:a xmlns:a='u'>".repeat(MAX_DEPTH + 2).into_bytes());
    // The corpus's documents and fuzz inputs are compared the same way by the harness's
    // corpus suite (`tests/corpus.rs`) and fuzz replay (`fuzzing::check_parse`).
    assert!(inputs.len() > 50, "{} inputs", inputs.len());
    for input in &inputs {
        assert_eq!(
            read_tags(input, true),
            read_tags(input, false),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn the_first_non_ascii_byte_is_found_in_every_block() {
    // Texts longer than a block, the byte at every place in and around the first
    // blocks, and a text that is ASCII all through.
    for len in [0, 1, 63, 64, 65, 127, 128, 129, 200] {
        let ascii = vec![b'a'; len];
        assert_eq!(probe::first_non_ascii(&ascii), len, "{len}");
        for at in 0..len {
            let mut bytes = ascii.clone();
            bytes[at] = 0xC3;
            if at + 1 < len {
                bytes[at + 1] = 0xA9;
            }
            assert_eq!(probe::first_non_ascii(&bytes), at, "{len} {at}");
        }
    }
}

#[test]
fn positions_count_lines_and_characters() {
    // Line feeds, a CR LF, a non-ASCII character before and after positions asked for,
    // and an offset asked for twice; never before the last position asked for.
    let text = "<a>\n  <b x='é'/>\r\n\u{e9}<c/></a>";
    let c = text.find("<c").unwrap_or(0);
    assert_eq!(
        probe::positions(text, &[0, 3, 6, 6, c, text.len(), 0]),
        [(1, 1), (1, 4), (2, 3), (2, 3), (3, 2), (3, 10), (3, 10)]
    );
    // Against a plain count, at increasing offsets with gaps of every size, in texts
    // with non-ASCII characters on one line, on several, and at line starts.
    let texts = [
        "<a b='x' c='λλ' d='y'/>",
        "<a>\n  <b c='日本'/>\n  <d e='€'/>\n\n<f/></a>",
        "é\nü\n\n<a x='😀' y='z'>ß</a>\n",
    ];
    for text in texts {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for step in 1..6 {
            let offsets: Vec<usize> = boundaries.iter().copied().step_by(step).collect();
            let expected: Vec<(u32, u32)> = offsets
                .iter()
                .map(|&offset| {
                    let before = &text[..offset];
                    let line = before.matches('\n').count() as u32 + 1;
                    let column =
                        before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
                    (line, column)
                })
                .collect();
            assert_eq!(
                probe::positions(text, &offsets),
                expected,
                "{text:?}, step {step}"
            );
        }
    }
}

#[test]
fn known_names_are_shared_and_others_owned() {
    assert!(probe::known_names().count() > 30);
    for name in probe::known_names() {
        assert!(probe::is_shared(name), "{name}");
    }
    for name in [
        "",
        "x",
        "disk2",
        "Disk",
        "typ",
        "types",
        "domainbackupx",
        "a:disk",
    ] {
        assert!(!probe::is_shared(name), "{name}");
    }
}

#[test]
fn bytes_that_are_not_utf8_are_refused_where_libxml2_meets_them() {
    // UTF-16 as libvirt sees it (cut at the first NUL byte): a byte order mark and, for
    // little endian, the `<`; libxml2 looks for markup first and finds none.
    for document in [
        b"\xFF\xFE<".as_slice(),
        b"\xFE\xFF",
        b"\xFF\xFE<\0?\0x\0m\0l\0",
        b" \n\xFF<domainbackup/>",
        b"\xEF\xBB\xBF\xC3(<domainbackup/>",
    ] {
        let e = read(document).expect_err("refused");
        assert_eq!(e.rule_id(), Some("wf.no-root-element"), "{document:?}");
    }
    let e = read(b"<domainbackup mode='pu\xFFll'/>").expect_err("refused");
    assert_eq!(e.rule_id(), Some("wf.invalid-utf8"));
}

#[test]
fn the_size_limit_takes_a_document_of_its_size_and_refuses_one_byte_more() {
    // The limit is the 16 MiB the reader documents. Every corpus document is far below it
    // and would pass a much smaller one too, so the value itself is checked.
    assert_eq!(MAX_DOCUMENT_BYTES, 16 * 1024 * 1024);
    // Filled with two processing instructions (each within libxml2's limit on one), the
    // quickest markup to read.
    let root = "<domainbackup/>";
    let mut document = root.to_string();
    let fill = MAX_DOCUMENT_BYTES - root.len();
    document.push_str("<?x ");
    document.push_str(&"x".repeat(fill / 2 - 6));
    document.push_str("?><?x ");
    document.push_str(&"x".repeat(fill - fill / 2 - 6));
    document.push_str("?>");
    assert_eq!(document.len(), MAX_DOCUMENT_BYTES);
    assert!(read(document.as_bytes()).is_ok());
    document.push(' ');
    let e = read(document.as_bytes()).expect_err("refused");
    assert_eq!(e.rule_id(), Some("wf.limit"));
    // What follows a NUL byte is not counted.
    document.replace_range(root.len()..root.len() + 1, "\0");
    assert!(read(document.as_bytes()).is_ok());
}

/// libxml2's limit on one comment, processing instruction's data or CDATA section: one
/// of exactly `MAX_TEXT_LENGTH` bytes is read, one byte more is refused (and the blanks
/// between a processing instruction's target and its data are not counted).
#[test]
fn the_text_limit_takes_a_comment_pi_or_cdata_of_its_size_and_refuses_one_byte_more() {
    assert_eq!(MAX_TEXT_LENGTH, 10_000_000);
    let fill = "x".repeat(MAX_TEXT_LENGTH);
    for (open, close) in [("<!--", "-->"), ("<?x   ", "?>"), ("<![CDATA[", "]]>")] {
        let at_limit =
            format!("<domainbackup><incremental>{open}{fill}{close}</incremental></domainbackup>");
        assert!(read(at_limit.as_bytes()).is_ok(), "{open} at the limit");
        let over =
            format!("<domainbackup><incremental>{open}{fill}x{close}</incremental></domainbackup>");
        let e = read(over.as_bytes()).expect_err("over the limit");
        assert_eq!(e.rule_id(), Some("wf.limit"), "{open}: {}", e.message);
    }
    // The same limit inside the document type declaration (on an entity's value too), where
    // a failure is one of the declaration's own (libxml2 stops the declaration there).
    for (open, close, complaint) in [
        ("<!--", "-->", "Comment too big found"),
        ("<?x   ", "?>", "PI too big found"),
        ("<!ENTITY e \"", "\">", "entity value too long"),
    ] {
        let at_limit = format!("<!DOCTYPE domainbackup [{open}{fill}{close}]><domainbackup/>");
        assert!(read(at_limit.as_bytes()).is_ok(), "{open} at the limit");
        let over = format!("<!DOCTYPE domainbackup [{open}{fill}x{close}]><domainbackup/>");
        let e = read(over.as_bytes()).expect_err("over the limit");
        assert_eq!(e.rule_id(), Some("wf.doctype"), "{open}: {}", e.message);
        assert!(e.message.ends_with(complaint), "{open}: {}", e.message);
    }
}
