//! The encoding names libvirt's libxml2 accepts in an XML declaration.
//!
//! libvirt hands libxml2 the document as a string (`xmlCtxtReadDoc`), so a declared
//! encoding never changes how the bytes are decoded (they are read as UTF-8); but libxml2
//! still looks the name up (`xmlFindCharEncodingHandler`) and refuses the document, not
//! well-formed, when nothing knows it: `Unsupported encoding NAME`. What is known is the
//! platform's: libxml2 2.9.14's own handlers and canonical names, glibc 2.36's iconv
//! (case-insensitive), and ICU 72 (its loose alias comparison: letters lower-cased, other
//! characters than letters and digits dropped, a zero that starts a number dropped; a
//! leading `x-` tried away; converter data files by exact name; names of 60 bytes or
//! more refused), as on Debian bookworm, where both modelled libvirt versions run.
//!
//! The tables were generated on Debian bookworm by probing `iconv_open` both ways for every
//! name in glibc's gconv configuration and built-in alias list, by listing ICU's
//! converters and aliases (`ucnv_getAvailableName`, `ucnv_getAlias`), its algorithmic
//! converter names and the `.cnv` files of `libicudata.so.72`; the model was then checked
//! against `xmlFindCharEncodingHandler` on 266,704 random near-miss names (three
//! disagreements, all fixed by the algorithmic names). Found by the `libvirt_diff` fuzz
//! target (`corpus/fuzz/crashes/libvirt_diff/`).

/// Whether libxml2 (as built on Debian bookworm) finds a handler for the encoding `name`
/// (already checked to be an XML `EncName`).
pub fn is_supported(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if LIBXML2.binary_search(&upper.as_str()).is_ok()
        || ICONV.binary_search(&upper.as_str()).is_ok()
    {
        return true;
    }
    if name.len() >= ICU_MAX_NAME {
        return false;
    }
    ICU_FILES.binary_search(&name).is_ok()
        || ICU.binary_search(&icu_key(name).as_str()).is_ok()
        || name
            .strip_prefix("x-")
            .is_some_and(|rest| ICU.binary_search(&icu_key(rest).as_str()).is_ok())
}

/// Whether each name of `table` sorts before the next, byte by byte, as the binary searches
/// above need.
const fn sorted(table: &[&str]) -> bool {
    let mut i = 1;
    while i < table.len() {
        let (a, b) = (table[i - 1].as_bytes(), table[i].as_bytes());
        let mut k = 0;
        while k < a.len() && k < b.len() && a[k] == b[k] {
            k += 1;
        }
        let before = if k < a.len() && k < b.len() {
            a[k] < b[k]
        } else {
            a.len() < b.len()
        };
        if !before {
            return false;
        }
        i += 1;
    }
    true
}

const _: () = assert!(sorted(LIBXML2) && sorted(ICONV) && sorted(ICU) && sorted(ICU_FILES));

/// ICU's `UCNV_MAX_CONVERTER_NAME_LENGTH`: longer names are refused.
const ICU_MAX_NAME: usize = 60;

/// ICU's `ucnv_io_stripASCIIForCompare`.
fn icu_key(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    let mut after_digit = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' => {
                out.push(b.to_ascii_lowercase() as char);
                after_digit = false;
            }
            b'0' => {
                let next_is_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                if !after_digit && next_is_digit {
                    continue;
                }
                out.push('0');
            }
            b'1'..=b'9' => {
                out.push(b as char);
                after_digit = true;
            }
            _ => after_digit = false,
        }
    }
    out
}

/// libxml2's own handlers and the names `xmlParseCharEncoding` maps to one (upper case).
#[rustfmt::skip]
const LIBXML2: &[&str] = &[
    "ASCII", "EUC-JP", "HTML", "ISO-10646-UCS-2", "ISO-10646-UCS-4", "ISO-2022-JP", "ISO-8859-1",
    "ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6", "ISO-8859-7",
    "ISO-8859-8", "ISO-8859-9", "ISO-LATIN-1", "ISO-LATIN-2", "SHIFT_JIS", "UCS-2", "UCS-4",
    "UCS2", "UCS4", "US-ASCII", "UTF-16", "UTF-16BE", "UTF-16LE", "UTF-8", "UTF16", "UTF8",
];

/// glibc iconv's names (upper case).
#[rustfmt::skip]
const ICONV: &[&str] = &[
    "ANSI_X3.110", "ANSI_X3.110-1983", "ANSI_X3.4", "ANSI_X3.4-1968", "ANSI_X3.4-1986", "ARABIC",
    "ARABIC7", "ARMSCII-8", "ARMSCII8", "ASCII", "ASMO-708", "ASMO_449", "BALTIC", "BIG-5",
    "BIG-FIVE", "BIG5", "BIG5-HKSCS", "BIG5HKSCS", "BIGFIVE", "BRF", "BS_4730", "CA", "CN",
    "CN-BIG5", "CN-GB", "CP-AR", "CP-GR", "CP-HU", "CP037", "CP038", "CP10007", "CP1004",
    "CP1008", "CP1025", "CP1026", "CP1046", "CP1047", "CP1070", "CP1079", "CP1081", "CP1084",
    "CP1089", "CP1097", "CP1112", "CP1122", "CP1123", "CP1124", "CP1125", "CP1129", "CP1130",
    "CP1132", "CP1133", "CP1137", "CP1140", "CP1141", "CP1142", "CP1143", "CP1144", "CP1145",
    "CP1146", "CP1147", "CP1148", "CP1149", "CP1153", "CP1154", "CP1155", "CP1156", "CP1157",
    "CP1158", "CP1160", "CP1161", "CP1162", "CP1163", "CP1164", "CP1166", "CP1167", "CP1250",
    "CP1251", "CP1252", "CP1253", "CP1254", "CP1255", "CP1256", "CP1257", "CP1258", "CP12712",
    "CP1282", "CP1361", "CP1364", "CP1371", "CP1388", "CP1390", "CP1399", "CP16804", "CP273",
    "CP274", "CP275", "CP278", "CP280", "CP281", "CP282", "CP284", "CP285", "CP290", "CP297",
    "CP367", "CP420", "CP423", "CP424", "CP437", "CP4517", "CP4899", "CP4909", "CP4971", "CP500",
    "CP5347", "CP737", "CP770", "CP771", "CP772", "CP773", "CP774", "CP775", "CP803", "CP813",
    "CP819", "CP850", "CP851", "CP852", "CP855", "CP856", "CP857", "CP858", "CP860", "CP861",
    "CP862", "CP863", "CP864", "CP865", "CP866", "CP866NAV", "CP868", "CP869", "CP870", "CP871",
    "CP874", "CP875", "CP880", "CP891", "CP901", "CP902", "CP903", "CP9030", "CP904", "CP905",
    "CP9066", "CP912", "CP915", "CP916", "CP918", "CP920", "CP921", "CP922", "CP930", "CP932",
    "CP933", "CP935", "CP936", "CP937", "CP939", "CP9448", "CP949", "CP950", "CPIBM861", "CSA7-1",
    "CSA7-2", "CSASCII", "CSA_T500", "CSA_T500-1983", "CSA_Z243.4-1985-1", "CSA_Z243.4-1985-2",
    "CSA_Z243.419851", "CSA_Z243.419852", "CSDECMCS", "CSEBCDICATDE", "CSEBCDICATDEA",
    "CSEBCDICCAFR", "CSEBCDICDKNO", "CSEBCDICDKNOA", "CSEBCDICES", "CSEBCDICESA", "CSEBCDICESS",
    "CSEBCDICFISE", "CSEBCDICFISEA", "CSEBCDICFR", "CSEBCDICIT", "CSEBCDICPT", "CSEBCDICUK",
    "CSEBCDICUS", "CSEUCKR", "CSEUCPKDFMTJAPANESE", "CSGB2312", "CSHPROMAN8", "CSIBM037",
    "CSIBM038", "CSIBM1008", "CSIBM1025", "CSIBM1026", "CSIBM1097", "CSIBM1112", "CSIBM1122",
    "CSIBM1123", "CSIBM1124", "CSIBM1129", "CSIBM1130", "CSIBM1132", "CSIBM1133", "CSIBM1137",
    "CSIBM1140", "CSIBM1141", "CSIBM1142", "CSIBM1143", "CSIBM1144", "CSIBM1145", "CSIBM1146",
    "CSIBM1147", "CSIBM1148", "CSIBM1149", "CSIBM1153", "CSIBM1154", "CSIBM1155", "CSIBM1156",
    "CSIBM1157", "CSIBM1158", "CSIBM1160", "CSIBM1161", "CSIBM11621162", "CSIBM1163", "CSIBM1164",
    "CSIBM1166", "CSIBM1167", "CSIBM12712", "CSIBM1364", "CSIBM1371", "CSIBM1388", "CSIBM1390",
    "CSIBM1399", "CSIBM16804", "CSIBM273", "CSIBM274", "CSIBM275", "CSIBM277", "CSIBM278",
    "CSIBM280", "CSIBM281", "CSIBM284", "CSIBM285", "CSIBM290", "CSIBM297", "CSIBM420",
    "CSIBM423", "CSIBM424", "CSIBM4517", "CSIBM4899", "CSIBM4909", "CSIBM4971", "CSIBM500",
    "CSIBM5347", "CSIBM803", "CSIBM851", "CSIBM855", "CSIBM856", "CSIBM857", "CSIBM860",
    "CSIBM863", "CSIBM864", "CSIBM865", "CSIBM866", "CSIBM868", "CSIBM869", "CSIBM870",
    "CSIBM871", "CSIBM880", "CSIBM891", "CSIBM901", "CSIBM902", "CSIBM903", "CSIBM9030",
    "CSIBM904", "CSIBM905", "CSIBM9066", "CSIBM918", "CSIBM921", "CSIBM922", "CSIBM930",
    "CSIBM932", "CSIBM933", "CSIBM935", "CSIBM937", "CSIBM939", "CSIBM943", "CSIBM9448",
    "CSISO10367BOX", "CSISO103T618BIT", "CSISO10SWEDISH", "CSISO111ECMACYRILLIC",
    "CSISO11SWEDISHFORNAMES", "CSISO121CANADIAN1", "CSISO122CANADIAN2", "CSISO139CSN369103",
    "CSISO141JUSIB1002", "CSISO143IECP271", "CSISO14JISC6220RO", "CSISO150", "CSISO150GREEKCCITT",
    "CSISO151CUBA", "CSISO153GOST1976874", "CSISO15ITALIAN", "CSISO16PORTUGESE", "CSISO17SPANISH",
    "CSISO18GREEK7OLD", "CSISO19LATINGREEK", "CSISO2022CN", "CSISO2022JP", "CSISO2022JP2",
    "CSISO2022KR", "CSISO2033", "CSISO21GERMAN", "CSISO25FRENCH", "CSISO27LATINGREEK1",
    "CSISO49INIS", "CSISO4UNITEDKINGDOM", "CSISO50INIS8", "CSISO51INISCYRILLIC",
    "CSISO5427CYRILLIC", "CSISO5427CYRILLIC1981", "CSISO5428GREEK", "CSISO58GB1988",
    "CSISO60DANISHNORWEGIAN", "CSISO60NORWEGIAN1", "CSISO61NORWEGIAN2", "CSISO646DANISH",
    "CSISO69FRENCH", "CSISO84PORTUGUESE2", "CSISO85SPANISH2", "CSISO86HUNGARIAN", "CSISO88GREEK7",
    "CSISO89ASMO449", "CSISO90", "CSISO92JISC62991984B", "CSISO99NAPLPS", "CSISOLATIN1",
    "CSISOLATIN2", "CSISOLATIN3", "CSISOLATIN4", "CSISOLATIN5", "CSISOLATIN6", "CSISOLATINARABIC",
    "CSISOLATINCYRILLIC", "CSISOLATINGREEK", "CSISOLATINHEBREW", "CSKOI8R", "CSKSC5636",
    "CSMACINTOSH", "CSNATSDANO", "CSNATSSEFI", "CSN_369103", "CSPC775BALTIC",
    "CSPC850MULTILINGUAL", "CSPC858MULTILINGUAL", "CSPC862LATINHEBREW", "CSPC8CODEPAGE437",
    "CSPCP852", "CSSHIFTJIS", "CSUCS4", "CSUNICODE", "CSWINDOWS31J", "CUBA", "CWI", "CWI-2",
    "CYRILLIC", "DE", "DEC", "DEC-MCS", "DECMCS", "DIN_66003", "DK", "DS2089", "DS_2089", "E13B",
    "EBCDIC-AT-DE", "EBCDIC-AT-DE-A", "EBCDIC-BE", "EBCDIC-BR", "EBCDIC-CA-FR", "EBCDIC-CP-AR1",
    "EBCDIC-CP-AR2", "EBCDIC-CP-BE", "EBCDIC-CP-CA", "EBCDIC-CP-CH", "EBCDIC-CP-DK",
    "EBCDIC-CP-ES", "EBCDIC-CP-FI", "EBCDIC-CP-FR", "EBCDIC-CP-GB", "EBCDIC-CP-GR",
    "EBCDIC-CP-HE", "EBCDIC-CP-IS", "EBCDIC-CP-IT", "EBCDIC-CP-NL", "EBCDIC-CP-NO",
    "EBCDIC-CP-ROECE", "EBCDIC-CP-SE", "EBCDIC-CP-TR", "EBCDIC-CP-US", "EBCDIC-CP-WT",
    "EBCDIC-CP-YU", "EBCDIC-CYRILLIC", "EBCDIC-DK-NO", "EBCDIC-DK-NO-A", "EBCDIC-ES",
    "EBCDIC-ES-A", "EBCDIC-ES-S", "EBCDIC-FI-SE", "EBCDIC-FI-SE-A", "EBCDIC-FR", "EBCDIC-GREEK",
    "EBCDIC-INT", "EBCDIC-INT1", "EBCDIC-IS-FRISS", "EBCDIC-IT", "EBCDIC-JP-E", "EBCDIC-JP-KANA",
    "EBCDIC-PT", "EBCDIC-UK", "EBCDIC-US", "EBCDICATDE", "EBCDICATDEA", "EBCDICCAFR",
    "EBCDICDKNO", "EBCDICDKNOA", "EBCDICES", "EBCDICESA", "EBCDICESS", "EBCDICFISE",
    "EBCDICFISEA", "EBCDICFR", "EBCDICISFRISS", "EBCDICIT", "EBCDICPT", "EBCDICUK", "EBCDICUS",
    "ECMA-114", "ECMA-118", "ECMA-128", "ECMA-CYRILLIC", "ECMACYRILLIC", "ELOT_928", "ES", "ES2",
    "EUC-CN", "EUC-JISX0213", "EUC-JP", "EUC-JP-MS", "EUC-KR", "EUC-TW", "EUCCN", "EUCJP",
    "EUCJP-MS", "EUCJP-OPEN", "EUCJP-WIN", "EUCKR", "EUCTW", "FI", "FR", "GB", "GB13000",
    "GB18030", "GB2312", "GBK", "GB_1988-80", "GB_198880", "GEORGIAN-ACADEMY", "GEORGIAN-PS",
    "GOST_19768", "GOST_19768-74", "GOST_1976874", "GREEK", "GREEK-CCITT", "GREEK7", "GREEK7-OLD",
    "GREEK7OLD", "GREEK8", "GREEKCCITT", "HEBREW", "HP-GREEK8", "HP-ROMAN8", "HP-ROMAN9",
    "HP-THAI8", "HP-TURKISH8", "HPGREEK8", "HPROMAN8", "HPROMAN9", "HPTHAI8", "HPTURKISH8", "HU",
    "IBM-1008", "IBM-1025", "IBM-1046", "IBM-1047", "IBM-1097", "IBM-1112", "IBM-1122",
    "IBM-1123", "IBM-1124", "IBM-1129", "IBM-1130", "IBM-1132", "IBM-1133", "IBM-1137",
    "IBM-1140", "IBM-1141", "IBM-1142", "IBM-1143", "IBM-1144", "IBM-1145", "IBM-1146",
    "IBM-1147", "IBM-1148", "IBM-1149", "IBM-1153", "IBM-1154", "IBM-1155", "IBM-1156",
    "IBM-1157", "IBM-1158", "IBM-1160", "IBM-1161", "IBM-1162", "IBM-1163", "IBM-1164",
    "IBM-1166", "IBM-1167", "IBM-12712", "IBM-1364", "IBM-1371", "IBM-1388", "IBM-1390",
    "IBM-1399", "IBM-16804", "IBM-4517", "IBM-4899", "IBM-4909", "IBM-4971", "IBM-5347",
    "IBM-803", "IBM-856", "IBM-901", "IBM-902", "IBM-9030", "IBM-9066", "IBM-921", "IBM-922",
    "IBM-930", "IBM-932", "IBM-933", "IBM-935", "IBM-937", "IBM-939", "IBM-943", "IBM-9448",
    "IBM037", "IBM038", "IBM1004", "IBM1008", "IBM1025", "IBM1026", "IBM1046", "IBM1047",
    "IBM1089", "IBM1097", "IBM1112", "IBM1122", "IBM1123", "IBM1124", "IBM1129", "IBM1130",
    "IBM1132", "IBM1133", "IBM1137", "IBM1140", "IBM1141", "IBM1142", "IBM1143", "IBM1144",
    "IBM1145", "IBM1146", "IBM1147", "IBM1148", "IBM1149", "IBM1153", "IBM1154", "IBM1155",
    "IBM1156", "IBM1157", "IBM1158", "IBM1160", "IBM1161", "IBM1162", "IBM1163", "IBM1164",
    "IBM1166", "IBM1167", "IBM12712", "IBM1364", "IBM1371", "IBM1388", "IBM1390", "IBM1399",
    "IBM16804", "IBM256", "IBM273", "IBM274", "IBM275", "IBM277", "IBM278", "IBM280", "IBM281",
    "IBM284", "IBM285", "IBM290", "IBM297", "IBM367", "IBM420", "IBM423", "IBM424", "IBM437",
    "IBM4517", "IBM4899", "IBM4909", "IBM4971", "IBM500", "IBM5347", "IBM775", "IBM803", "IBM813",
    "IBM819", "IBM848", "IBM850", "IBM851", "IBM852", "IBM855", "IBM856", "IBM857", "IBM858",
    "IBM860", "IBM861", "IBM862", "IBM863", "IBM864", "IBM865", "IBM866", "IBM866NAV", "IBM868",
    "IBM869", "IBM870", "IBM871", "IBM874", "IBM875", "IBM880", "IBM891", "IBM901", "IBM902",
    "IBM903", "IBM9030", "IBM904", "IBM905", "IBM9066", "IBM912", "IBM915", "IBM916", "IBM918",
    "IBM920", "IBM921", "IBM922", "IBM930", "IBM932", "IBM933", "IBM935", "IBM937", "IBM939",
    "IBM943", "IBM9448", "IEC_P27-1", "IEC_P271", "INIS", "INIS-8", "INIS-CYRILLIC", "INIS8",
    "INISCYRILLIC", "ISIRI-3342", "ISIRI3342", "ISO-10646", "ISO-2022-CN", "ISO-2022-CN-EXT",
    "ISO-2022-JP", "ISO-2022-JP-2", "ISO-2022-JP-3", "ISO-2022-KR", "ISO-8859-1", "ISO-8859-10",
    "ISO-8859-11", "ISO-8859-13", "ISO-8859-14", "ISO-8859-15", "ISO-8859-16", "ISO-8859-2",
    "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6", "ISO-8859-7", "ISO-8859-8",
    "ISO-8859-9", "ISO-8859-9E", "ISO-CELTIC", "ISO-IR-10", "ISO-IR-100", "ISO-IR-101",
    "ISO-IR-103", "ISO-IR-109", "ISO-IR-11", "ISO-IR-110", "ISO-IR-111", "ISO-IR-121",
    "ISO-IR-122", "ISO-IR-126", "ISO-IR-127", "ISO-IR-138", "ISO-IR-139", "ISO-IR-14",
    "ISO-IR-141", "ISO-IR-143", "ISO-IR-144", "ISO-IR-148", "ISO-IR-15", "ISO-IR-150",
    "ISO-IR-151", "ISO-IR-153", "ISO-IR-155", "ISO-IR-156", "ISO-IR-157", "ISO-IR-16",
    "ISO-IR-166", "ISO-IR-17", "ISO-IR-179", "ISO-IR-18", "ISO-IR-19", "ISO-IR-193", "ISO-IR-197",
    "ISO-IR-199", "ISO-IR-203", "ISO-IR-209", "ISO-IR-21", "ISO-IR-226", "ISO-IR-25", "ISO-IR-27",
    "ISO-IR-37", "ISO-IR-4", "ISO-IR-49", "ISO-IR-50", "ISO-IR-51", "ISO-IR-54", "ISO-IR-55",
    "ISO-IR-57", "ISO-IR-6", "ISO-IR-60", "ISO-IR-61", "ISO-IR-69", "ISO-IR-8-1", "ISO-IR-84",
    "ISO-IR-85", "ISO-IR-86", "ISO-IR-88", "ISO-IR-89", "ISO-IR-9-1", "ISO-IR-90", "ISO-IR-92",
    "ISO-IR-98", "ISO-IR-99", "ISO11548-1", "ISO2022CN", "ISO2022CNEXT", "ISO2022JP",
    "ISO2022JP2", "ISO2022KR", "ISO646-CA", "ISO646-CA2", "ISO646-CN", "ISO646-CU", "ISO646-DE",
    "ISO646-DK", "ISO646-ES", "ISO646-ES2", "ISO646-FI", "ISO646-FR", "ISO646-FR1", "ISO646-GB",
    "ISO646-HU", "ISO646-IT", "ISO646-JP", "ISO646-JP-OCR-B", "ISO646-KR", "ISO646-NO",
    "ISO646-NO2", "ISO646-PT", "ISO646-PT2", "ISO646-SE", "ISO646-SE2", "ISO646-US", "ISO646-YU",
    "ISO6937", "ISO8859-1", "ISO8859-10", "ISO8859-11", "ISO8859-13", "ISO8859-14", "ISO8859-15",
    "ISO8859-16", "ISO8859-2", "ISO8859-3", "ISO8859-4", "ISO8859-5", "ISO8859-6", "ISO8859-7",
    "ISO8859-8", "ISO8859-9", "ISO8859-9E", "ISO88591", "ISO885910", "ISO885911", "ISO885913",
    "ISO885914", "ISO885915", "ISO885916", "ISO88592", "ISO88593", "ISO88594", "ISO88595",
    "ISO88596", "ISO88597", "ISO88598", "ISO88599", "ISO88599E", "ISO_10367-BOX", "ISO_10367BOX",
    "ISO_11548-1", "ISO_2033", "ISO_2033-1983", "ISO_5427", "ISO_5427-EXT", "ISO_5427EXT",
    "ISO_5428", "ISO_6937", "ISO_6937-2", "ISO_69372", "ISO_8859-1", "ISO_8859-10", "ISO_8859-14",
    "ISO_8859-15", "ISO_8859-16", "ISO_8859-2", "ISO_8859-3", "ISO_8859-4", "ISO_8859-5",
    "ISO_8859-6", "ISO_8859-7", "ISO_8859-8", "ISO_8859-9", "ISO_8859-9E", "ISO_9036", "IT",
    "JIS_C6220-1969-RO", "JIS_C62201969RO", "JIS_C6229-1984-B", "JIS_C62291984B", "JOHAB", "JP",
    "JP-OCR-B", "JS", "JUS_I.B1.002", "KOI-7", "KOI-8", "KOI8", "KOI8-R", "KOI8-RU", "KOI8-T",
    "KOI8-U", "KOI8R", "KOI8U", "KSC5636", "L1", "L10", "L2", "L3", "L4", "L5", "L6", "L7", "L8",
    "LATIN-9", "LATIN-GREEK", "LATIN-GREEK-1", "LATIN1", "LATIN10", "LATIN2", "LATIN3", "LATIN4",
    "LATIN5", "LATIN6", "LATIN7", "LATIN8", "LATIN9", "LATINGREEK", "LATINGREEK1", "MAC",
    "MAC-CENTRALEUROPE", "MAC-CYRILLIC", "MAC-IS", "MAC-SAMI", "MAC-UK", "MACCYRILLIC",
    "MACINTOSH", "MACIS", "MACUK", "MACUKRAINIAN", "MIK", "MS-ANSI", "MS-ARAB", "MS-CYRL",
    "MS-EE", "MS-GREEK", "MS-HEBR", "MS-MAC-CYRILLIC", "MS-TURK", "MS932", "MS936", "MSCP1361",
    "MSCP949", "MSMACCYRILLIC", "MSZ_7795.3", "MS_KANJI", "NAPLPS", "NATS-DANO", "NATS-SEFI",
    "NATSDANO", "NATSSEFI", "NC_NC00-10", "NC_NC0010", "NF_Z_62-010", "NF_Z_62-010_1973",
    "NF_Z_62010", "NF_Z_62010_1973", "NO", "NO2", "NS_4551-1", "NS_4551-2", "NS_45511",
    "NS_45512", "OS2LATIN1", "OSF00010001", "OSF00010002", "OSF00010003", "OSF00010004",
    "OSF00010005", "OSF00010006", "OSF00010007", "OSF00010008", "OSF00010009", "OSF0001000A",
    "OSF00010020", "OSF00010100", "OSF00010101", "OSF00010102", "OSF00010104", "OSF00010105",
    "OSF00010106", "OSF00030010", "OSF0004000A", "OSF0005000A", "OSF05010001", "OSF10010001",
    "OSF10010004", "OSF10010006", "OSF10020025", "OSF10020111", "OSF10020115", "OSF10020116",
    "OSF10020118", "OSF1002011C", "OSF1002011D", "OSF10020122", "OSF10020129", "OSF100201A4",
    "OSF100201A8", "OSF100201B5", "OSF100201F4", "OSF10020352", "OSF10020354", "OSF10020357",
    "OSF10020359", "OSF1002035D", "OSF1002035E", "OSF1002035F", "OSF10020360", "OSF10020364",
    "OSF10020365", "OSF10020366", "OSF10020367", "OSF1002036B", "OSF10020370", "OSF1002037B",
    "OSF10020387", "OSF10020388", "OSF10020396", "OSF100203B5", "OSF10020402", "OSF10020417",
    "PT", "PT154", "PT2", "R8", "R9", "RK1048", "ROMAN8", "ROMAN9", "RUSCII", "SE", "SE2",
    "SEN_850200_B", "SEN_850200_C", "SHIFT-JIS", "SHIFTJISX0213", "SHIFT_JIS", "SHIFT_JISX0213",
    "SJIS", "SJIS-OPEN", "SJIS-WIN", "SS636127", "STRK1048-2002", "ST_SEV_358-88", "T.61",
    "T.61-8BIT", "T.618BIT", "TCVN", "TCVN-5712", "TCVN5712-1", "THAI8", "TIS-620", "TIS620",
    "TIS620-0", "TIS620.2529-1", "TIS620.2533-0", "TS-5881", "TSCII", "TURKISH8", "UCS-2",
    "UCS-2BE", "UCS-2LE", "UCS-4", "UCS-4BE", "UCS-4LE", "UCS2", "UCS4", "UHC", "UJIS", "UK",
    "UNICODE", "UNICODEBIG", "UNICODELITTLE", "US", "US-ASCII", "UTF-16", "UTF-16BE", "UTF-16LE",
    "UTF-32", "UTF-32BE", "UTF-32LE", "UTF-7", "UTF-7-IMAP", "UTF-8", "UTF16", "UTF16BE",
    "UTF16LE", "UTF32", "UTF32BE", "UTF32LE", "UTF7", "UTF8", "VISCII", "WCHAR_T", "WIN-SAMI-2",
    "WINBALTRIM", "WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1252", "WINDOWS-1253", "WINDOWS-1254",
    "WINDOWS-1255", "WINDOWS-1256", "WINDOWS-1257", "WINDOWS-1258", "WINDOWS-31J", "WINDOWS-874",
    "WINDOWS-936", "WINSAMI2", "WS2", "YU",
];

/// ICU's converter names and aliases, as compared ([`icu_key`]).
#[rustfmt::skip]
const ICU: &[&str] = &[
    "1006", "1025", "1026", "1047", "1089", "1097", "1098", "1112", "1122", "1123", "1124",
    "1383", "273", "277", "278", "280", "284", "285", "297", "33722", "37", "420", "424", "437",
    "500", "5601", "646", "737", "775", "813", "819", "838", "850", "851", "852", "855", "856",
    "857", "860", "861", "862", "863", "865", "866", "868", "869", "871", "875", "88591",
    "885913", "885915", "88592", "88593", "88594", "88595", "88596", "88597", "88598", "88599",
    "912", "913", "914", "915", "916", "920", "921", "922", "923", "930", "933", "935", "937",
    "939", "943", "949", "950", "964", "970", "adobestandardencoding", "ansi1251", "ansix341968",
    "ansix341986", "arabic", "ascii", "ascii7", "asmo708", "big5", "big5hk", "big5hkscs",
    "big5hkscsunicode30", "bocu1", "ccsid1140", "ccsid1141", "ccsid1142", "ccsid1143",
    "ccsid1144", "ccsid1145", "ccsid1146", "ccsid1147", "ccsid1148", "ccsid1149", "ccsid858",
    "cesu8", "chinese", "cns11643", "compoundtext", "cp1006", "cp1025", "cp1026", "cp1047",
    "cp1089", "cp1097", "cp1098", "cp1112", "cp1122", "cp1123", "cp1124", "cp1125", "cp1131",
    "cp1140", "cp1141", "cp1142", "cp1143", "cp1144", "cp1145", "cp1146", "cp1147", "cp1148",
    "cp1149", "cp1200", "cp1201", "cp1208", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254",
    "cp1255", "cp1256", "cp1257", "cp1258", "cp1363", "cp1383", "cp1386", "cp273", "cp277",
    "cp278", "cp280", "cp284", "cp285", "cp290", "cp297", "cp33722", "cp367", "cp37", "cp420",
    "cp424", "cp437", "cp500", "cp737", "cp775", "cp803", "cp813", "cp819", "cp838", "cp850",
    "cp851", "cp852", "cp855", "cp856", "cp857", "cp858", "cp860", "cp861", "cp862", "cp863",
    "cp864", "cp865", "cp866", "cp868", "cp869", "cp870", "cp871", "cp874", "cp875", "cp878",
    "cp912", "cp913", "cp914", "cp915", "cp916", "cp918", "cp920", "cp921", "cp922", "cp923",
    "cp930", "cp932", "cp933", "cp935", "cp936", "cp937", "cp939", "cp943", "cp943c", "cp949",
    "cp949c", "cp950", "cp964", "cp970", "cpar", "cpgr", "cpibm284", "cpibm285", "cpibm297",
    "cpibm37", "cpis", "csadobestandardencoding", "csascii", "csbig5", "csbocu1", "cseuckr",
    "cseucpkdfmtjapanese", "csgb2312", "cshproman8", "csibm1026", "csibm273", "csibm277",
    "csibm278", "csibm280", "csibm284", "csibm285", "csibm290", "csibm297", "csibm37", "csibm420",
    "csibm424", "csibm500", "csibm855", "csibm857", "csibm860", "csibm861", "csibm863",
    "csibm864", "csibm865", "csibm866", "csibm868", "csibm869", "csibm870", "csibm871",
    "csibm918", "csibmthai", "csiso2022cn", "csiso2022jp", "csiso2022jp2", "csiso2022kr",
    "csiso58gb231280", "csisolatin0", "csisolatin1", "csisolatin2", "csisolatin3", "csisolatin4",
    "csisolatin5", "csisolatin6", "csisolatin9", "csisolatinarabic", "csisolatincyrillic",
    "csisolatingreek", "csisolatinhebrew", "csjisencoding", "cskoi8r", "csksc56011987",
    "csmacintosh", "cspc775baltic", "cspc850multilingual", "cspc851", "cspc862latinhebrew",
    "cspc8codepage437", "cspcp852", "cspcp855", "csshiftjis", "csucs4", "csunicode",
    "cswindows31j", "cyrillic", "dos720", "dos862", "ebcdicar", "ebcdiccpar1", "ebcdiccpar2",
    "ebcdiccpbe", "ebcdiccpca", "ebcdiccpch", "ebcdiccpdk", "ebcdiccpes", "ebcdiccpfi",
    "ebcdiccpfr", "ebcdiccpgb", "ebcdiccphe", "ebcdiccpis", "ebcdiccpit", "ebcdiccpnl",
    "ebcdiccpno", "ebcdiccproece", "ebcdiccpse", "ebcdiccpus", "ebcdiccpwt", "ebcdiccpyu",
    "ebcdicde", "ebcdicde273euro", "ebcdicdk", "ebcdicdk277euro", "ebcdices284euro",
    "ebcdicfi278euro", "ebcdicfr297euro", "ebcdicgb", "ebcdicgb285euro", "ebcdiche",
    "ebcdicinternational500euro", "ebcdicis", "ebcdicis871euro", "ebcdicit280euro",
    "ebcdicjpkana", "ebcdicno277euro", "ebcdicse278euro", "ebcdicsv", "ebcdicus37euro",
    "ebcdicxmlus", "ecma114", "ecma118", "ecma128", "elot928", "euccn", "eucjis", "eucjp",
    "eucjp2007", "euckr", "eucth", "euctw", "euctw2014",
    "extendedunixcodepackedformatforjapanese", "gb18030", "gb2312", "gb23121980", "gb231219800",
    "gb231280", "gbk", "greek", "greek8", "gsm338", "gsm3382009", "hebrew", "hebrew8", "hkbig5",
    "hkscsbig5", "hp15cn", "hproman8", "hz", "hzgb2312", "ibm1006", "ibm1006p1001995", "ibm1025",
    "ibm1025p1001995", "ibm1026", "ibm1026p1001995", "ibm1047", "ibm1047lf", "ibm1047p1001995",
    "ibm1047p1001995swaplfnl", "ibm1047s390", "ibm1051", "ibm1051p1001995", "ibm1089",
    "ibm1089p1001995", "ibm1097", "ibm1097p1001995", "ibm1098", "ibm1098p1001995", "ibm1112",
    "ibm1112p1001995", "ibm1122", "ibm1122p1001999", "ibm1123", "ibm1123p1001995", "ibm1124",
    "ibm1124p1001996", "ibm1125", "ibm1125p1001997", "ibm1129", "ibm1129p1001997", "ibm1130",
    "ibm1130p1001997", "ibm1131", "ibm1131p1001997", "ibm1132", "ibm1132p1001998", "ibm1133",
    "ibm1133p1001997", "ibm1137", "ibm1137p1001999", "ibm1140", "ibm1140p1001997",
    "ibm1140p1001997swaplfnl", "ibm1140s390", "ibm1141", "ibm1141lf", "ibm1141p1001997",
    "ibm1141p1001997swaplfnl", "ibm1141s390", "ibm1142", "ibm1142p1001997",
    "ibm1142p1001997swaplfnl", "ibm1142s390", "ibm1143", "ibm1143p1001997",
    "ibm1143p1001997swaplfnl", "ibm1143s390", "ibm1144", "ibm1144p1001997",
    "ibm1144p1001997swaplfnl", "ibm1144s390", "ibm1145", "ibm1145p1001997",
    "ibm1145p1001997swaplfnl", "ibm1145s390", "ibm1146", "ibm1146p1001997",
    "ibm1146p1001997swaplfnl", "ibm1146s390", "ibm1147", "ibm1147p1001997",
    "ibm1147p1001997swaplfnl", "ibm1147s390", "ibm1148", "ibm1148p1001997",
    "ibm1148p1001997swaplfnl", "ibm1148s390", "ibm1149", "ibm1149p1001997",
    "ibm1149p1001997swaplfnl", "ibm1149s390", "ibm1153", "ibm1153p1001999",
    "ibm1153p1001999swaplfnl", "ibm1153s390", "ibm1154", "ibm1154p1001999", "ibm1155",
    "ibm1155p1001999", "ibm1156", "ibm1156p1001999", "ibm1157", "ibm1157p1001999", "ibm1158",
    "ibm1158p1001999", "ibm1160", "ibm1160p1001999", "ibm1162", "ibm1162p1001999", "ibm1164",
    "ibm1164p1001999", "ibm1168", "ibm1168p1002002", "ibm1200", "ibm1201", "ibm1202", "ibm1203",
    "ibm1204", "ibm1205", "ibm1208", "ibm1209", "ibm1212", "ibm1213", "ibm1214", "ibm1215",
    "ibm1232", "ibm1233", "ibm1234", "ibm1235", "ibm1236", "ibm1237", "ibm1250",
    "ibm1250p1001995", "ibm1251", "ibm1251p1001995", "ibm1252", "ibm1252p1002000", "ibm1253",
    "ibm1253p1001995", "ibm1254", "ibm1254p1001995", "ibm1255", "ibm1255p1001995", "ibm1256",
    "ibm1256p1101997", "ibm1257", "ibm1257p1001995", "ibm1258", "ibm1258p1001997", "ibm12712",
    "ibm12712p1001998", "ibm12712p1001998swaplfnl", "ibm12712s390", "ibm1276", "ibm1276p1001995",
    "ibm13488", "ibm13489", "ibm13490", "ibm13491", "ibm13496", "ibm13497", "ibm1363",
    "ibm1363p1101997", "ibm1363p11b1998", "ibm1363vasciivsubvpua", "ibm1363vsubvpua", "ibm1364",
    "ibm1364p1102007", "ibm1371", "ibm1371p1001999", "ibm1373", "ibm1373p1002002", "ibm1375",
    "ibm1375p1002008", "ibm1383", "ibm1383p1101999", "ibm1383vpua", "ibm1386", "ibm1386p1002001",
    "ibm1386vsubvpua", "ibm1388", "ibm1388p1032001", "ibm1390", "ibm1390p1102003", "ibm1392",
    "ibm1399", "ibm1399p1102003", "ibm16684", "ibm16684p1102003", "ibm16804", "ibm16804s390",
    "ibm16804x1101999", "ibm16804x1101999swaplfnl", "ibm17584", "ibm17585", "ibm17586",
    "ibm17587", "ibm17592", "ibm17593", "ibm20780", "ibm21680", "ibm21681", "ibm21682",
    "ibm21683", "ibm25546", "ibm25776", "ibm25777", "ibm25778", "ibm25779", "ibm273",
    "ibm273p1001995", "ibm277", "ibm277p1001995", "ibm278", "ibm278p1001995", "ibm280",
    "ibm280p1001995", "ibm284", "ibm284p1001995", "ibm285", "ibm285p1001995", "ibm290",
    "ibm290p1001995", "ibm297", "ibm297p1001995", "ibm29872", "ibm29873", "ibm29874", "ibm29875",
    "ibm33722", "ibm33722p1201999", "ibm33722p12ap12a2009u2", "ibm33722vasciivpua",
    "ibm33722vpua", "ibm367", "ibm37", "ibm37p1001995", "ibm37p1001995swaplfnl", "ibm37s390",
    "ibm420", "ibm420x1201999", "ibm424", "ibm424p1001995", "ibm437", "ibm437p1001995", "ibm4517",
    "ibm4517p1002005", "ibm4899", "ibm4899p1001998", "ibm4902", "ibm4909", "ibm4909p1001999",
    "ibm4971", "ibm4971p1001999", "ibm500", "ibm500p1001995", "ibm5012", "ibm5012p1001999",
    "ibm5026", "ibm5035", "ibm5050", "ibm5054", "ibm5123", "ibm5123p1001999", "ibm5304",
    "ibm5305", "ibm5346", "ibm5346p1001998", "ibm5347", "ibm5347p1001998", "ibm5348",
    "ibm5348p1001997", "ibm5349", "ibm5349p1001998", "ibm5350", "ibm5350p1001998", "ibm5351",
    "ibm5351p1001998", "ibm5352", "ibm5352p1001998", "ibm5353", "ibm5353p1001998", "ibm5354",
    "ibm5354p1001998", "ibm5471", "ibm5471p1002006", "ibm5478", "ibm5478p1001995", "ibm61955",
    "ibm61956", "ibm65025", "ibm720", "ibm720p1001997", "ibm737", "ibm737p1001997", "ibm775",
    "ibm775p1001996", "ibm803", "ibm803p1001999", "ibm813", "ibm813p1001995", "ibm819", "ibm838",
    "ibm838p1001995", "ibm8482", "ibm8482p1001999", "ibm850", "ibm850p1001995", "ibm851",
    "ibm851p1001995", "ibm852", "ibm852p1001995", "ibm855", "ibm855p1001995", "ibm856",
    "ibm856p1001995", "ibm857", "ibm857p1001995", "ibm858", "ibm858p1001997", "ibm860",
    "ibm860p1001995", "ibm861", "ibm861p1001995", "ibm862", "ibm862p1001995", "ibm863",
    "ibm863p1001995", "ibm864", "ibm864x1101999", "ibm865", "ibm865p1001995", "ibm866",
    "ibm866p1001995", "ibm867", "ibm867p1001998", "ibm868", "ibm868p1001995", "ibm869",
    "ibm869p1001995", "ibm870", "ibm870p1001995", "ibm871", "ibm871p1001995", "ibm874",
    "ibm874p1001995", "ibm875", "ibm875p1001995", "ibm878", "ibm878p1001996", "ibm9005",
    "ibm9005x1102007", "ibm901", "ibm901p1001999", "ibm902", "ibm902p1001999", "ibm9030",
    "ibm9066", "ibm9067", "ibm9067x1002005", "ibm912", "ibm912p1001995", "ibm913",
    "ibm913p1002000", "ibm914", "ibm914p1001995", "ibm915", "ibm915p1001995", "ibm916",
    "ibm916p1001995", "ibm918", "ibm918p1001995", "ibm920", "ibm920p1001995", "ibm921",
    "ibm921p1001995", "ibm922", "ibm922p1001999", "ibm923", "ibm923p1001998", "ibm930",
    "ibm930p1201999", "ibm931", "ibm932", "ibm932vsubvpua", "ibm933", "ibm933p1101995", "ibm935",
    "ibm935p1101999", "ibm937", "ibm937p1101999", "ibm939", "ibm939p1201999", "ibm9400", "ibm942",
    "ibm9424", "ibm942p12a1999", "ibm942vsubvpua", "ibm943", "ibm943c", "ibm943p1301999",
    "ibm943p15a2003", "ibm943vasciivsubvpua", "ibm943vsubvpua", "ibm9447", "ibm9447p1002002",
    "ibm9448", "ibm9448x1002005", "ibm9449", "ibm9449p1002002", "ibm949", "ibm949c",
    "ibm949p1101999", "ibm949p11a1999", "ibm949vasciivsubvpua", "ibm949vsubvpua", "ibm950",
    "ibm950p1101999", "ibm954", "ibm954p1012007", "ibm9580", "ibm964", "ibm964p1101999",
    "ibm964vpua", "ibm970", "ibm970p110p1102006u2", "ibm970vpua", "ibm971", "ibm971p1001995",
    "ibm971vpua", "ibmeuccn", "ibmeucjp", "ibmeuckr", "ibmeuctw", "ibmthai", "imapmailboxname",
    "iscii", "isciibng", "isciidev", "isciiguj", "isciigur", "isciiknd", "isciimlm", "isciiori",
    "isciitlg", "isciitml", "isciiversion0", "isciiversion1", "isciiversion2", "isciiversion3",
    "isciiversion4", "isciiversion5", "isciiversion6", "isciiversion7", "isciiversion8",
    "iso10646ucs2", "iso10646ucs4", "iso2022cn", "iso2022cncns", "iso2022cnext", "iso2022jp",
    "iso2022jp1", "iso2022jp2", "iso2022kr", "iso2022localejaversion0", "iso2022localejaversion1",
    "iso2022localejaversion2", "iso2022localejaversion3", "iso2022localejaversion4",
    "iso2022localekoversion0", "iso2022localekoversion1", "iso2022localezhversion0",
    "iso2022localezhversion1", "iso2022localezhversion2", "iso646irv1983", "iso646irv1991",
    "iso646us", "iso88591", "iso885910", "iso8859101992", "iso8859101998", "iso885911",
    "iso8859112001", "iso885911987", "iso885913", "iso885914", "iso8859141998", "iso885915",
    "iso885915fdis", "iso88592", "iso885921987", "iso88593", "iso885931988", "iso88594",
    "iso885941988", "iso88595", "iso885951988", "iso88596", "iso885961987", "iso88596e",
    "iso88596i", "iso88597", "iso885971987", "iso88598", "iso885981988", "iso88598e", "iso88598i",
    "iso88599", "iso885991989", "isoceltic", "isoir100", "isoir101", "isoir109", "isoir110",
    "isoir126", "isoir127", "isoir138", "isoir144", "isoir148", "isoir149", "isoir157",
    "isoir199", "isoir58", "isoir6", "jis", "jis7", "jis8", "jisencoding", "koi8", "koi8r",
    "koi8u", "korean", "ksc", "ksc5601", "ksc56011987", "ksc56011989", "l1", "l2", "l3", "l4",
    "l5", "l6", "l8", "l9", "latin0", "latin1", "latin2", "latin3", "latin4", "latin5", "latin6",
    "latin8", "latin9", "lmbcs", "lmbcs1", "lmbcs11", "lmbcs16", "lmbcs17", "lmbcs18", "lmbcs19",
    "lmbcs2", "lmbcs3", "lmbcs4", "lmbcs5", "lmbcs6", "lmbcs8", "mac", "macce",
    "maccentraleurope", "maccy", "maccyrillic", "macgr", "macintosh", "macos02102", "macos29102",
    "macos35102", "macos62104", "macos73102", "macroman", "mactr", "ms874", "ms932", "ms936",
    "ms949", "ms950", "ms950hkscs", "mskanji", "pck", "pcmultilingual850euro", "r8", "roman8",
    "scsu", "shiftjis", "shiftjis78", "sjis", "sjis78", "suneugreek", "thai8", "tis620",
    "tis6202533", "turkish", "turkish8", "ucs2", "ucs4", "ujis", "unicode", "unicode11utf7",
    "unicode11utf8", "unicode20utf7", "unicode20utf8", "unicodebig", "unicodebigunmarked",
    "unicodelittle", "unicodelittleunmarked", "us", "usascii", "utf16", "utf16be",
    "utf16beversion1", "utf16bigendian", "utf16le", "utf16leversion1", "utf16littleendian",
    "utf16oppositeendian", "utf16platformendian", "utf16version1", "utf16version2", "utf32",
    "utf32be", "utf32bigendian", "utf32le", "utf32littleendian", "utf32oppositeendian",
    "utf32platformendian", "utf7", "utf8", "windows10000", "windows10006", "windows10007",
    "windows10029", "windows10081", "windows1200", "windows1201", "windows1250", "windows1251",
    "windows1252", "windows1253", "windows1254", "windows1255", "windows1256", "windows1257",
    "windows1258", "windows20127", "windows20866", "windows21866", "windows28592", "windows28593",
    "windows28594", "windows28595", "windows28596", "windows28597", "windows28598",
    "windows28599", "windows28603", "windows28605", "windows31j", "windows437", "windows51949",
    "windows54936", "windows57002", "windows57003", "windows57004", "windows57005",
    "windows57006", "windows57007", "windows57008", "windows57009", "windows57010",
    "windows57011", "windows65000", "windows65001", "windows720", "windows737", "windows775",
    "windows850", "windows852", "windows855", "windows857", "windows858", "windows861",
    "windows862", "windows866", "windows869", "windows874", "windows8742000", "windows932",
    "windows936", "windows9362000", "windows949", "windows9492000", "windows950",
    "windows9502000", "x11compoundtext", "xbig5", "xcompoundtext", "xeucjp", "xibm1006",
    "xibm1025", "xibm1097", "xibm1098", "xibm1112", "xibm1122", "xibm1123", "xibm1124",
    "xibm1153", "xibm1363", "xibm1363c", "xibm1364", "xibm1371", "xibm1388", "xibm1390",
    "xibm1399", "xibm33722", "xibm33722a", "xibm33722c", "xibm720", "xibm737", "xibm856",
    "xibm867", "xibm874", "xibm875", "xibm921", "xibm922", "xibm930", "xibm930a", "xibm933",
    "xibm935", "xibm937", "xibm939", "xibm939a", "xibm942", "xibm942c", "xibm943", "xibm949",
    "xibm949c", "xibm950", "xibm954", "xibm954c", "xibm964", "xibm970", "xibm971", "xiscii91",
    "xisciias", "xisciibe", "xisciide", "xisciigu", "xisciika", "xisciima", "xisciior",
    "xisciipa", "xisciita", "xisciite", "xiso2022cncns", "xiso2022cngb", "xiso885911",
    "xiso88596s", "xjisautodetect", "xksc5601", "xmacce", "xmaccentraleurope",
    "xmaccentraleurroman", "xmaccyrillic", "xmacgreek", "xmacroman", "xmacturkish", "xmacukraine",
    "xms932213", "xms950hkscs", "xmscp932", "xroman8", "xsjis", "xutf16be", "xutf16le",
    "xutf16lebom", "xutf8j", "xwindows1256s", "xwindows50220", "xwindows50221", "xwindows874",
    "xwindows950", "xwindowsiso2022jp",
];

/// ICU's converter data files, by exact name.
#[rustfmt::skip]
const ICU_FILES: &[&str] = &[
    "cns-11643-1992", "ebcdic-xml-us", "euc-jp-2007", "euc-tw-2014", "gb18030", "gsm-03.38-2009",
    "ibm-1006_P100-1995", "ibm-1025_P100-1995", "ibm-1026_P100-1995", "ibm-1047_P100-1995",
    "ibm-1051_P100-1995", "ibm-1089_P100-1995", "ibm-1097_P100-1995", "ibm-1098_P100-1995",
    "ibm-1112_P100-1995", "ibm-1122_P100-1999", "ibm-1123_P100-1995", "ibm-1124_P100-1996",
    "ibm-1125_P100-1997", "ibm-1129_P100-1997", "ibm-1130_P100-1997", "ibm-1131_P100-1997",
    "ibm-1132_P100-1998", "ibm-1133_P100-1997", "ibm-1137_P100-1999", "ibm-1140_P100-1997",
    "ibm-1141_P100-1997", "ibm-1142_P100-1997", "ibm-1143_P100-1997", "ibm-1144_P100-1997",
    "ibm-1145_P100-1997", "ibm-1146_P100-1997", "ibm-1147_P100-1997", "ibm-1148_P100-1997",
    "ibm-1149_P100-1997", "ibm-1153_P100-1999", "ibm-1154_P100-1999", "ibm-1155_P100-1999",
    "ibm-1156_P100-1999", "ibm-1157_P100-1999", "ibm-1158_P100-1999", "ibm-1160_P100-1999",
    "ibm-1162_P100-1999", "ibm-1164_P100-1999", "ibm-1168_P100-2002", "ibm-1250_P100-1995",
    "ibm-1251_P100-1995", "ibm-1252_P100-2000", "ibm-1253_P100-1995", "ibm-1254_P100-1995",
    "ibm-1255_P100-1995", "ibm-1256_P110-1997", "ibm-1257_P100-1995", "ibm-1258_P100-1997",
    "ibm-12712_P100-1998", "ibm-1276_P100-1995", "ibm-1363_P110-1997", "ibm-1363_P11B-1998",
    "ibm-1364_P110-2007", "ibm-1371_P100-1999", "ibm-1373_P100-2002", "ibm-1375_P100-2008",
    "ibm-1383_P110-1999", "ibm-1386_P100-2001", "ibm-1388_P103-2001", "ibm-1390_P110-2003",
    "ibm-1399_P110-2003", "ibm-16684_P110-2003", "ibm-16804_X110-1999", "ibm-273_P100-1995",
    "ibm-277_P100-1995", "ibm-278_P100-1995", "ibm-280_P100-1995", "ibm-284_P100-1995",
    "ibm-285_P100-1995", "ibm-290_P100-1995", "ibm-297_P100-1995", "ibm-33722_P120-1999",
    "ibm-33722_P12A_P12A-2004_U2", "ibm-33722_P12A_P12A-2009_U2", "ibm-37_P100-1995",
    "ibm-420_X120-1999", "ibm-424_P100-1995", "ibm-437_P100-1995", "ibm-4517_P100-2005",
    "ibm-4899_P100-1998", "ibm-4909_P100-1999", "ibm-4971_P100-1999", "ibm-500_P100-1995",
    "ibm-5012_P100-1999", "ibm-5123_P100-1999", "ibm-5346_P100-1998", "ibm-5347_P100-1998",
    "ibm-5348_P100-1997", "ibm-5349_P100-1998", "ibm-5350_P100-1998", "ibm-5351_P100-1998",
    "ibm-5352_P100-1998", "ibm-5353_P100-1998", "ibm-5354_P100-1998", "ibm-5471_P100-2006",
    "ibm-5478_P100-1995", "ibm-720_P100-1997", "ibm-737_P100-1997", "ibm-775_P100-1996",
    "ibm-803_P100-1999", "ibm-813_P100-1995", "ibm-838_P100-1995", "ibm-8482_P100-1999",
    "ibm-850_P100-1995", "ibm-851_P100-1995", "ibm-852_P100-1995", "ibm-855_P100-1995",
    "ibm-856_P100-1995", "ibm-857_P100-1995", "ibm-858_P100-1997", "ibm-860_P100-1995",
    "ibm-861_P100-1995", "ibm-862_P100-1995", "ibm-863_P100-1995", "ibm-864_X110-1999",
    "ibm-865_P100-1995", "ibm-866_P100-1995", "ibm-867_P100-1998", "ibm-868_P100-1995",
    "ibm-869_P100-1995", "ibm-870_P100-1995", "ibm-871_P100-1995", "ibm-874_P100-1995",
    "ibm-875_P100-1995", "ibm-878_P100-1996", "ibm-9005_X110-2007", "ibm-901_P100-1999",
    "ibm-902_P100-1999", "ibm-9067_X100-2005", "ibm-912_P100-1995", "ibm-913_P100-2000",
    "ibm-914_P100-1995", "ibm-915_P100-1995", "ibm-916_P100-1995", "ibm-918_P100-1995",
    "ibm-920_P100-1995", "ibm-921_P100-1995", "ibm-922_P100-1999", "ibm-923_P100-1998",
    "ibm-930_P120-1999", "ibm-933_P110-1995", "ibm-935_P110-1999", "ibm-937_P110-1999",
    "ibm-939_P120-1999", "ibm-942_P12A-1999", "ibm-943_P130-1999", "ibm-943_P15A-2003",
    "ibm-9447_P100-2002", "ibm-9448_X100-2005", "ibm-9449_P100-2002", "ibm-949_P110-1999",
    "ibm-949_P11A-1999", "ibm-950_P110-1999", "ibm-954_P101-2007", "ibm-964_P110-1999",
    "ibm-970_P110_P110-2006_U2", "ibm-971_P100-1995", "icu-internal-25546",
    "icu-internal-compound-d1", "icu-internal-compound-d2", "icu-internal-compound-d3",
    "icu-internal-compound-d4", "icu-internal-compound-d5", "icu-internal-compound-d6",
    "icu-internal-compound-d7", "icu-internal-compound-s1", "icu-internal-compound-s2",
    "icu-internal-compound-s3", "icu-internal-compound-t", "iso-8859_10-1998", "iso-8859_11-2001",
    "iso-8859_14-1998", "iso-ir-165", "jisx-212", "lmb-excp", "macos-0_2-10.2", "macos-29-10.2",
    "macos-35-10.2", "macos-6_2-10.4", "macos-7_3-10.2", "windows-874-2000", "windows-936-2000",
    "windows-949-2000", "windows-950-2000",
];
