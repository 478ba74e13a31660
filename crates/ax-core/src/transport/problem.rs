//! Decoding of error responses (RFC 9457 problem details), tolerant of non-JSON bodies.

use serde::Deserialize;

use crate::error::ApiError;

const MAX_BODY_CHARS: usize = 64 * 1024;
const MAX_EXCERPT_CHARS: usize = 200;

#[derive(Deserialize)]
struct Problem {
    #[serde(default)]
    title: Option<serde_json::Value>,
    #[serde(default)]
    detail: Option<serde_json::Value>,
    #[serde(default, rename = "type")]
    type_: Option<serde_json::Value>,
    #[serde(default)]
    instance: Option<serde_json::Value>,
    // Some servers use `message`/`error` instead of `detail`.
    #[serde(default)]
    message: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

fn text(v: Option<serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s).filter(|s| !s.trim().is_empty()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// HTTP reason phrase of `status`, or a generic label.
pub fn reason_phrase(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("HTTP error {status}"))
}

/// Builds an [`ApiError`] from a non-2xx response.
pub fn decode_problem(
    status: u16,
    body: &[u8],
    method: &str,
    url: &str,
    retry_after: Option<f64>,
    attempts: u32,
) -> ApiError {
    let raw = String::from_utf8_lossy(body);
    let raw_capped: String = raw.chars().take(MAX_BODY_CHARS).collect();
    let (title, detail, type_, instance) = match serde_json::from_slice::<Problem>(body) {
        Ok(p) => {
            let detail = text(p.detail)
                .or_else(|| text(p.message))
                .or_else(|| text(p.error));
            (text(p.title), detail, text(p.type_), text(p.instance))
        }
        Err(_) => (None, excerpt(&raw), None, None),
    };
    ApiError {
        status,
        title: title.unwrap_or_else(|| reason_phrase(status)),
        detail,
        type_,
        instance,
        method: method.to_owned(),
        url: url.to_owned(),
        retry_after,
        body: raw_capped,
        attempts,
    }
}

/// Shortest secret that is masked wherever it appears (shorter ones, such as test keys,
/// would mangle unrelated text).
const MIN_REDACTED_LEN: usize = 6;

/// [`decode_problem`], with each of `secrets` (the API key, proxy credentials) masked in the
/// body before anything is taken from it, in case a server or proxy echoed the request's
/// headers into its error page.
pub fn decode_problem_redacted(
    status: u16,
    body: &[u8],
    method: &str,
    url: &str,
    retry_after: Option<f64>,
    attempts: u32,
    secrets: &[&str],
) -> ApiError {
    let secrets: Vec<&str> = secrets
        .iter()
        .copied()
        .filter(|s| s.len() >= MIN_REDACTED_LEN)
        .collect();
    let present = |hay: &[u8]| {
        secrets
            .iter()
            .any(|s| hay.windows(s.len()).any(|w| w == s.as_bytes()))
    };
    if secrets.is_empty() || !present(body) {
        return decode_problem(status, body, method, url, retry_after, attempts);
    }
    let mut text = String::from_utf8_lossy(body).into_owned();
    for s in &secrets {
        text = text.replace(s, "***");
    }
    decode_problem(status, text.as_bytes(), method, url, retry_after, attempts)
}

/// A short, single-line, printable excerpt of a non-JSON body (HTML tags removed).
pub fn excerpt(raw: &str) -> Option<String> {
    let looks_html = raw.trim_start().starts_with('<');
    let mut out = String::with_capacity(raw.len().min(1024));
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let lower = if looks_html {
        raw.to_ascii_lowercase()
    } else {
        String::new()
    };
    let mut i = 0;
    let bytes = raw.as_bytes();
    while i < raw.len() {
        if looks_html {
            if let Some(end) = skip_until {
                match lower[i..].find(end) {
                    Some(pos) => {
                        i += pos + end.len();
                        skip_until = None;
                        in_tag = false;
                        continue;
                    }
                    None => break,
                }
            }
            if bytes[i] == b'<' {
                let rest = &lower[i..];
                if rest.starts_with("<script") {
                    skip_until = Some("</script>");
                } else if rest.starts_with("<style") {
                    skip_until = Some("</style>");
                }
                in_tag = true;
                out.push(' ');
                i += 1;
                continue;
            }
            if in_tag {
                if bytes[i] == b'>' {
                    in_tag = false;
                }
                i += 1;
                continue;
            }
        }
        let ch = raw[i..].chars().next().unwrap_or(' ');
        out.push(if ch.is_control() { ' ' } else { ch });
        i += ch.len_utf8();
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let collapsed = if looks_html {
        collapsed.replace("&nbsp;", " ").replace("&amp;", "&")
    } else {
        collapsed
    };
    if collapsed.is_empty() {
        return None;
    }
    let mut short: String = collapsed.chars().take(MAX_EXCERPT_CHARS).collect();
    if collapsed.chars().count() > MAX_EXCERPT_CHARS {
        short.push('…');
    }
    Some(short)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(status: u16, body: &str) -> ApiError {
        decode_problem(
            status,
            body.as_bytes(),
            "GET",
            "http://h/v2/spaces",
            None,
            1,
        )
    }

    #[test]
    fn json_problem() {
        let e = decode(
            404,
            r#"{"status":404,"title":"Resource not found","detail":"No space","instance":"/v2/spaces/x","type":"https://arize.com/docs/ax/rest-reference/errors#resource-not-found","extra":1}"#,
        );
        assert_eq!(e.title, "Resource not found");
        assert_eq!(e.detail.as_deref(), Some("No space"));
        assert_eq!(e.instance.as_deref(), Some("/v2/spaces/x"));
        assert!(e.type_.unwrap().ends_with("#resource-not-found"));
        assert_eq!(e.status, 404);
    }

    #[test]
    fn html_body() {
        let e = decode(
            502,
            "<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>\n<body><h1>Bad   Gateway</h1><script>var x=1;</script></body></html>",
        );
        assert_eq!(e.title, "Bad Gateway");
        assert_eq!(e.detail.as_deref(), Some("502 Bad Gateway Bad Gateway"));
        assert!(e.body.contains("<html>"));
    }

    #[test]
    fn empty_and_truncated_bodies() {
        let e = decode(503, "");
        assert_eq!(e.title, "Service Unavailable");
        assert_eq!(e.detail, None);
        let e = decode(500, r#"{"status":500,"title":"Internal Se"#);
        assert_eq!(e.title, "Internal Server Error");
        assert!(e.detail.unwrap().starts_with("{\"status\":500"));
        let e = decode(599, "\u{1}\u{2}oops\r\nmore");
        assert_eq!(e.title, "HTTP error 599");
        assert_eq!(e.detail.as_deref(), Some("oops more"));
    }

    #[test]
    fn long_bodies_are_shortened() {
        let e = decode(500, &"x".repeat(5000));
        assert_eq!(e.detail.unwrap().chars().count(), MAX_EXCERPT_CHARS + 1);
    }

    #[test]
    fn json_without_title_falls_back() {
        let e = decode(429, r#"{"message":"slow down"}"#);
        assert_eq!(e.title, "Too Many Requests");
        assert_eq!(e.detail.as_deref(), Some("slow down"));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn body() -> impl Strategy<Value = Vec<u8>> {
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..300),
                "\\PC{0,200}".prop_map(String::into_bytes),
                // Problem-ish JSON with odd value types.
                (
                    proptest::option::of(any::<String>()),
                    proptest::option::of(any::<String>()),
                    any::<i64>(),
                )
                    .prop_map(|(t, d, n)| {
                        serde_json::json!({"title": t, "detail": d, "status": n, "type": [n], "instance": {"x": n}})
                            .to_string()
                            .into_bytes()
                    }),
                // HTML-ish with multi-byte text inside and outside tags.
                ("\\PC{0,40}", "\\PC{0,40}").prop_map(|(a, b)| {
                    format!("<html><p title=\"{a}\">{b}<script>{a}</script><style>{b}").into_bytes()
                }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn any_status_and_body_decode_to_a_message(status in any::<u16>(), body in body()) {
                let e = decode_problem(status, &body, "POST", "http://h/v2/spaces", None, 1);
                let msg = e.to_string();
                prop_assert!(!msg.trim().is_empty());
                prop_assert!(!e.title.trim().is_empty());
                prop_assert!(msg.starts_with(&status.to_string()));
                prop_assert!(msg.contains("POST http://h/v2/spaces"));
                if let Some(d) = &e.detail {
                    prop_assert!(!d.contains('\n'));
                }
                prop_assert!(e.body.chars().count() <= MAX_BODY_CHARS);
            }

            #[test]
            fn an_echoed_api_key_never_reaches_the_message(
                status in any::<u16>(),
                key in "[A-Za-z0-9_.-]{6,40}",
                before in "\\PC{0,60}",
                after in "\\PC{0,60}",
                shape in 0usize..4,
            ) {
                let header = format!("Authorization: Bearer {key}");
                let body = match shape {
                    0 => format!("{before}{header}{after}"),
                    1 => serde_json::json!({"title": format!("{before}{key}"), "detail": header, "instance": key}).to_string(),
                    2 => format!("<html><body><pre>{before}{header}</pre>{after}</body></html>"),
                    _ => serde_json::json!({"message": format!("{before}{key}{after}"), "type": key}).to_string(),
                };
                let e = decode_problem_redacted(status, body.as_bytes(), "GET", "http://h/v2/x", None, 1, &[&key]);
                let shown = format!("{e} {e:?}");
                prop_assert!(!shown.contains(&key), "{}", shown);
            }
        }
    }
}
