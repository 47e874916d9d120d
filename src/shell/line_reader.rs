//! How `kafka-console-producer.sh` turns a line into a record: Kafka's LineMessageReader
//! (tools/src/main/java/org/apache/kafka/tools/LineMessageReader.java, 3.2+; `--property k=v`,
//! tools_more.md section 4). A line is `[headers<headers.delimiter>][key<key.separator>]value`;
//! headers are `k<headers.key.separator>v` joined by `headers.separator`, a Java regex.
use super::pattern::Pattern;
use super::ShellError;

/// The reader's settings, checked as `LineMessageReader.configure` checks them.
#[derive(Clone, Debug, PartialEq)]
pub struct LineReader {
    parse_key: bool,
    key_separator: String,
    parse_headers: bool,
    headers_delimiter: String,
    headers_separator: Pattern,
    headers_key_separator: String,
    ignore_error: bool,
    null_marker: Option<String>,
}

/// One line read: the record's key, value and headers (a header value may be null).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineRecord {
    pub key: Option<String>,
    pub value: Option<String>,
    pub headers: Vec<(String, Option<String>)>,
}

/// The properties the reader knows, for the error on any other.
pub const PROPERTIES: &[&str] =
    &["parse.key", "key.separator", "parse.headers", "headers.delimiter", "headers.separator", "headers.key.separator", "null.marker", "ignore.error"];

/// An exception thrown by the reader: ConsoleProducer prints its stack trace, whose first line
/// is this.
fn kafka_exception(msg: String) -> ShellError {
    ShellError::new(format!("org.apache.kafka.common.KafkaException: {msg}"))
}

impl LineReader {
    /// `configure(props)`: booleans are true only for `true` (trimmed, any case); strings are
    /// taken as given; equal separators are refused in Kafka's order, whether or not headers
    /// are parsed. Unknown properties are refused (Kafka would ignore them silently).
    pub fn configure(props: &[(&str, &str)]) -> Result<LineReader, ShellError> {
        let get = |name: &str| props.iter().rev().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let on = |name: &str| get(name).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if let Some((k, _)) = props.iter().find(|(k, _)| !PROPERTIES.contains(k)) {
            return Err(ShellError::new(format!("Unknown --property '{k}'; the console producer reads {}", PROPERTIES.join(", "))));
        }
        let key_separator = get("key.separator").unwrap_or("\t").to_string();
        let headers_delimiter = get("headers.delimiter").unwrap_or("\t").to_string();
        let separator = get("headers.separator").unwrap_or(",").to_string();
        let headers_key_separator = get("headers.key.separator").unwrap_or(":").to_string();
        // Pattern.compile(headersSeparator) comes before the checks.
        let headers_separator = Pattern::new(&separator).map_err(|e| ShellError::new(format!("java.util.regex.PatternSyntaxException: {e}")))?;
        let null_marker = get("null.marker").map(str::to_string);
        let pairs: [(&str, &str, &str, &str); 7] = [
            ("headers.delimiter", &headers_delimiter, "headers.separator", &separator),
            ("headers.delimiter", &headers_delimiter, "headers.key.separator", &headers_key_separator),
            ("headers.separator", &separator, "headers.key.separator", &headers_key_separator),
            ("null.marker", null_marker.as_deref().unwrap_or_default(), "key.separator", &key_separator),
            ("null.marker", null_marker.as_deref().unwrap_or_default(), "headers.separator", &separator),
            ("null.marker", null_marker.as_deref().unwrap_or_default(), "headers.delimiter", &headers_delimiter),
            ("null.marker", null_marker.as_deref().unwrap_or_default(), "headers.key.separator", &headers_key_separator),
        ];
        for (a, va, b, vb) in pairs {
            // The null.marker checks apply only when it is set (`keySeparator.equals(null)`).
            if va == vb && (a != "null.marker" || null_marker.is_some()) {
                return Err(kafka_exception(format!("{a} and {b} may not be equal")));
            }
        }
        Ok(LineReader {
            parse_key: on("parse.key"),
            key_separator,
            parse_headers: on("parse.headers"),
            headers_delimiter,
            headers_separator,
            headers_key_separator,
            ignore_error: on("ignore.error"),
            null_marker,
        })
    }

    /// `parse(enabled, line, start, demarcation, name)`: the text from `start` up to the
    /// demarcation; None when not enabled, or when it is missing and errors are ignored.
    fn part<'a>(&self, enabled: bool, line: &'a str, start: usize, demarcation: &str, name: &str, line_number: usize) -> Result<Option<&'a str>, ShellError> {
        if !enabled {
            return Ok(None);
        }
        match line[start..].find(demarcation) {
            Some(i) => Ok(Some(&line[start..start + i])),
            None if self.ignore_error => Ok(None),
            None => Err(kafka_exception(format!("No {name} found on line number {line_number}: '{line}'"))),
        }
    }

    fn or_null(&self, s: &str) -> Option<String> {
        (self.null_marker.as_deref() != Some(s)).then(|| s.to_string())
    }

    /// One line (`line_number` counts from 1) as LineMessageReader reads it.
    pub fn read(&self, line: &str, line_number: usize) -> Result<LineRecord, ShellError> {
        let headers = self.part(self.parse_headers, line, 0, &self.headers_delimiter, "headers delimiter", line_number)?;
        let header_offset = headers.map_or(0, |h| h.len() + self.headers_delimiter.len());
        let key = self.part(self.parse_key, line, header_offset, &self.key_separator, "key separator", line_number)?;
        let key_offset = key.map_or(0, |k| k.len() + self.key_separator.len());
        let value = &line[header_offset + key_offset..];
        let mut out = LineRecord { key: key.and_then(|k| self.or_null(k)), value: self.or_null(value), headers: Vec::new() };
        if let Some(h) = headers.filter(|h| self.null_marker.as_deref() != Some(*h)) {
            for pair in self.headers_separator.split(h) {
                let Some(i) = pair.find(&self.headers_key_separator) else {
                    if self.ignore_error {
                        out.headers.push((pair, None));
                        continue;
                    }
                    return Err(kafka_exception(format!("No header key separator found in pair '{pair}' on line number {line_number}")));
                };
                let header_key = &pair[..i];
                if self.null_marker.as_deref() == Some(header_key) {
                    return Err(kafka_exception(format!("Header keys should not be equal to the null marker '{header_key}' as they can't be null")));
                }
                let value = &pair[i + self.headers_key_separator.len()..];
                out.headers.push((header_key.to_string(), self.or_null(value)));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(props: &[(&str, &str)]) -> LineReader {
        LineReader::configure(props).unwrap()
    }

    fn rec(key: Option<&str>, value: Option<&str>, headers: &[(&str, Option<&str>)]) -> LineRecord {
        LineRecord {
            key: key.map(str::to_string),
            value: value.map(str::to_string),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.map(str::to_string))).collect(),
        }
    }

    /// `--property parse.headers=true` used to be accepted and ignored: the headers stayed in
    /// the value. Cases from Kafka's LineMessageReaderTest.
    #[test]
    fn parse_headers_reads_the_headers_before_the_key_and_value() {
        let r = reader(&[("parse.key", "true"), ("parse.headers", "true")]);
        assert_eq!(
            r.read("headerKey0:headerValue0,headerKey1:headerValue1\tkey0\tvalue0", 1).unwrap(),
            rec(Some("key0"), Some("value0"), &[("headerKey0", Some("headerValue0")), ("headerKey1", Some("headerValue1"))])
        );
        let r = reader(&[("parse.headers", "true")]);
        assert_eq!(r.read("h:v\tjust a value", 1).unwrap(), rec(None, Some("just a value"), &[("h", Some("v"))]));
        // A header value keeps everything after the first key separator.
        assert_eq!(r.read("h:a:b\tv", 1).unwrap(), rec(None, Some("v"), &[("h", Some("a:b"))]));
        let r = reader(&[
            ("parse.key", "true"),
            ("parse.headers", "true"),
            ("headers.delimiter", "|"),
            ("headers.separator", ";"),
            ("headers.key.separator", "="),
            ("key.separator", "#"),
        ]);
        assert_eq!(r.read("a=1;b=2|k#v", 1).unwrap(), rec(Some("k"), Some("v"), &[("a", Some("1")), ("b", Some("2"))]));
    }

    #[test]
    fn missing_separators_are_kafkas_errors_unless_ignored() {
        let r = reader(&[("parse.key", "true"), ("parse.headers", "true")]);
        assert_eq!(
            r.read("no delimiter", 3).unwrap_err().message,
            "org.apache.kafka.common.KafkaException: No headers delimiter found on line number 3: 'no delimiter'"
        );
        assert_eq!(
            r.read("h:v\tno key", 4).unwrap_err().message,
            "org.apache.kafka.common.KafkaException: No key separator found on line number 4: 'h:v\tno key'"
        );
        assert_eq!(
            r.read("h:v,bad\tk\tv", 5).unwrap_err().message,
            "org.apache.kafka.common.KafkaException: No header key separator found in pair 'bad' on line number 5"
        );
        let r = reader(&[("parse.key", "true"), ("parse.headers", "true"), ("ignore.error", "true")]);
        assert_eq!(r.read("no delimiter", 1).unwrap(), rec(None, Some("no delimiter"), &[]));
        assert_eq!(r.read("h:v,bad\tk\tv", 1).unwrap(), rec(Some("k"), Some("v"), &[("h", Some("v")), ("bad", None)]));
    }

    #[test]
    fn null_marker() {
        let r = reader(&[("parse.key", "true"), ("parse.headers", "true"), ("null.marker", "<NULL>")]);
        assert_eq!(r.read("h:<NULL>\t<NULL>\t<NULL>", 1).unwrap(), rec(None, None, &[("h", None)]));
        assert_eq!(r.read("<NULL>\tk\tv", 1).unwrap(), rec(Some("k"), Some("v"), &[]));
        assert_eq!(
            r.read("<NULL>:v\tk\tv", 1).unwrap_err().message,
            "org.apache.kafka.common.KafkaException: Header keys should not be equal to the null marker '<NULL>' as they can't be null"
        );
    }

    #[test]
    fn equal_separators_are_refused_at_start() {
        let e = |props: &[(&str, &str)]| LineReader::configure(props).unwrap_err().message;
        assert_eq!(e(&[("headers.delimiter", ",")]), "org.apache.kafka.common.KafkaException: headers.delimiter and headers.separator may not be equal");
        assert_eq!(e(&[("headers.delimiter", ":")]), "org.apache.kafka.common.KafkaException: headers.delimiter and headers.key.separator may not be equal");
        assert_eq!(e(&[("headers.separator", ":")]), "org.apache.kafka.common.KafkaException: headers.separator and headers.key.separator may not be equal");
        assert_eq!(e(&[("null.marker", "\t")]), "org.apache.kafka.common.KafkaException: null.marker and key.separator may not be equal");
        assert_eq!(e(&[("null.marker", ",")]), "org.apache.kafka.common.KafkaException: null.marker and headers.separator may not be equal");
        assert!(e(&[("print.key", "true")]).starts_with("Unknown --property 'print.key'"));
        assert!(LineReader::configure(&[("key.separator", ",")]).is_ok(), "key.separator is not compared with the header separators");
    }
}
