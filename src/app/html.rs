//! Markup built natively as one escaped string, for the parts of pages that show data and take
//! no events: far less wasm than building the same nodes with `html!` one by one (the pages
//! insert it with Yew's `Html::from_html_unchecked`, so every piece of text is escaped here).

/// Text for HTML, appended to `out`.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A table: caption, column headings, then rows of text whose first cell heads its row.
pub fn table(class: &str, caption: &str, columns: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table class=\"{class}\"><caption>");
    escape(caption, &mut out);
    out.push_str("</caption><thead><tr>");
    for c in columns {
        out.push_str("<th scope=\"col\">");
        escape(c, &mut out);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for cells in rows {
        out.push_str("<tr>");
        for (i, c) in cells.iter().enumerate() {
            out.push_str(if i == 0 { "<th scope=\"row\">" } else { "<td>" });
            escape(c, &mut out);
            out.push_str(if i == 0 { "</th>" } else { "</td>" });
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// An error in one paragraph, announced (`role="alert"`).
pub fn error(message: &str) -> String {
    let mut out = String::from("<p class=\"error\" role=\"alert\">");
    escape(message, &mut out);
    out.push_str("</p>");
    out
}

/// "Try it on a real cluster": a session's commands up to this moment (`Player::script`) as a
/// shell script for a real cluster (`shell::real_cluster`), in a read-only box to copy.
pub fn real_cluster_panel(session_script: &str) -> String {
    let mut out = String::from(
        "<div class=\"real-cluster\" data-testid=\"real-cluster\"><p>The commands so far, for a real Kafka cluster: run it with <code>BOOTSTRAP=host:9092 bash script.sh</code>. Lines marked <code># by hand:</code> are simulator actions (stopping a broker...) to do yourself.</p><label for=\"real-cluster-script\">Script (select it and copy)</label><textarea id=\"real-cluster-script\" readonly rows=\"10\" spellcheck=\"false\" data-testid=\"real-cluster-script\">",
    );
    escape(&crate::shell::real_cluster::to_real_cluster(session_script), &mut out);
    out.push_str("</textarea></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_cluster_script_is_escaped_in_its_box() {
        let html = real_cluster_panel("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic a<b\nkill broker 2\n");
        assert!(html.contains("$BOOTSTRAP") && html.contains("a&lt;b") && !html.contains("a<b"), "{html}");
        assert!(html.contains("# by hand: ") && html.ends_with("</textarea></div>"), "{html}");
    }

    #[test]
    fn a_table_is_escaped_and_its_first_cells_head_their_rows() {
        let rows = vec![vec!["orders-0".to_string(), "<b>&".into()], vec!["orders-1".into(), "\"x\"".into()]];
        assert_eq!(
            table("replicas", "Replicas & more", &["Partition", "Role"], &rows),
            "<table class=\"replicas\"><caption>Replicas &amp; more</caption><thead><tr><th scope=\"col\">Partition</th><th scope=\"col\">Role</th></tr></thead><tbody><tr><th scope=\"row\">orders-0</th><td>&lt;b&gt;&amp;</td></tr><tr><th scope=\"row\">orders-1</th><td>&quot;x&quot;</td></tr></tbody></table>"
        );
        assert_eq!(table("t", "", &[], &[]), "<table class=\"t\"><caption></caption><thead><tr></tr></thead><tbody></tbody></table>");
    }

    #[test]
    fn an_error_is_escaped() {
        assert_eq!(error("x < y"), "<p class=\"error\" role=\"alert\">x &lt; y</p>");
    }
}
