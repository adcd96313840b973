//! `election-receiver pages`: serves the widget's built `dist/` directory with the headers
//! a deployment needs (Content-Security-Policy, caching, content types, compression), on
//! the same hardened accept loop as the receiver (`server.rs`).
//!
//! The policy is built by pure functions, tested below: [`content_security_policy`], the
//! reader of `embed.html`'s allowed-origins meta tag ([`allowed_origins_meta`]) and the
//! origin check ([`serialized_origin`]) that keeps anything but an origin out of the
//! policy, so a meta tag cannot add directives.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
pub use election_core::origin::serialized_origin;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

/// What `pages` serves and which other origins its pages may use.
#[derive(Debug, Clone, Default)]
pub struct PagesOptions {
    /// The built widget (`dist/`).
    pub dir: PathBuf,
    /// Origins the pages may fetch from (a receiver, a time endpoint), beyond their own.
    pub connect_src: Vec<String>,
    /// Origins the pages may frame, beyond their own.
    pub frame_src: Vec<String>,
    /// Origins that may frame `embed.html`, beyond those in its meta tag.
    pub frame_ancestors: Vec<String>,
}

/// The meta tag of `embed.html` naming the portal origins allowed to frame it.
pub const ALLOWED_ORIGINS_META: &str = "election-widget-allowed-origins";

/// The policies in force: one for `embed.html`, one for `results.html`, one for every
/// other page.
#[derive(Debug, Clone)]
pub struct Policies {
    pub page: String,
    pub embed: String,
    pub results: String,
}

/// Reads `DIR/embed.html`'s meta tag and checks the flags' origins; every origin of the
/// meta tag that is not a serialized origin is dropped with a warning, a bad flag is an
/// error.
pub fn policies(options: &PagesOptions) -> Result<Policies, String> {
    let flags = |name: &str, list: &[String]| -> Result<Vec<String>, String> {
        list.iter()
            .map(|s| {
                serialized_origin(s).ok_or_else(|| {
                    format!("--{name} {s:?} is not an origin like https://hr.example.com")
                })
            })
            .collect()
    };
    let connect = flags("connect-src", &options.connect_src)?;
    let frame = flags("frame-src", &options.frame_src)?;
    let extra = flags("frame-ancestors", &options.frame_ancestors)?;
    let mut ancestors = meta_origins(&options.dir.join("embed.html"))?;
    ancestors.extend(extra.iter().cloned());
    dedup(&mut ancestors);
    // HR's results page: its own origins, and portals its meta tag names (which hand it
    // HR's token); never framed by anyone else.
    let mut results = vec!["'self'".to_owned()];
    results.extend(meta_origins(&options.dir.join("results.html"))?);
    results.extend(extra);
    dedup(&mut results);
    Ok(Policies {
        page: content_security_policy(&connect, &frame, &["'self'".to_owned()]),
        embed: content_security_policy(&connect, &frame, &ancestors),
        results: content_security_policy(&connect, &frame, &results),
    })
}

/// The origins a page's `election-widget-allowed-origins` meta tag names (none when the
/// page is absent); each that is not a serialized origin is left out with a warning.
fn meta_origins(page: &Path) -> Result<Vec<String>, String> {
    match std::fs::read_to_string(page) {
        Ok(html) => {
            let content = allowed_origins_meta(&html).unwrap_or_default();
            let (origins, refused) = origins_of(&content);
            for junk in refused {
                tracing::warn!(
                    "{} names {junk:?} among its allowed origins, which is not an origin like https://hr.example.com; it is left out of frame-ancestors",
                    page.display()
                );
            }
            Ok(origins)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("cannot read {}: {e}", page.display())),
    }
}

fn dedup(list: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|s| seen.insert(s.clone()));
}

/// The Content-Security-Policy of an HTML page. `frame_ancestors` empty: `'none'`.
pub fn content_security_policy(
    connect_src: &[String],
    frame_src: &[String],
    frame_ancestors: &[String],
) -> String {
    let with_self = |extra: &[String]| {
        std::iter::once("'self'")
            .chain(extra.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let ancestors = if frame_ancestors.is_empty() {
        "'none'".to_owned()
    } else {
        frame_ancestors.join(" ")
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src {}; worker-src 'self'; manifest-src 'self'; frame-src {}; object-src 'none'; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; trusted-types election-widget; frame-ancestors {ancestors}",
        with_self(connect_src),
        with_self(frame_src),
    )
}

/// The `content` of the first `<meta name="election-widget-allowed-origins">` outside
/// comments, if the page has one.
pub fn allowed_origins_meta(html: &str) -> Option<String> {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        text.push_str(&rest[..start]);
        rest = match rest[start + 4..].find("-->") {
            Some(end) => &rest[start + 4 + end + 3..],
            None => "",
        };
    }
    text.push_str(rest);
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<meta") {
        let start = from + at + "<meta".len();
        let end = lower[start..].find('>').map_or(text.len(), |e| start + e);
        let attributes = attributes(&text[start..end]);
        let value = |name: &str| {
            attributes
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        if value("name").is_some_and(|n| n.eq_ignore_ascii_case(ALLOWED_ORIGINS_META)) {
            return Some(value("content").unwrap_or_default());
        }
        from = end;
    }
    None
}

/// A tag's attributes (`name="v"`, `name='v'`, `name=v`, `name`), in order.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = tag.trim_end_matches('/').char_indices().peekable();
    let bytes = tag;
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() || c == '/' {
            chars.next();
            continue;
        }
        let mut name_end = i;
        while let Some(&(j, c)) = chars.peek() {
            if c.is_whitespace() || c == '=' || c == '/' {
                break;
            }
            name_end = j + c.len_utf8();
            chars.next();
        }
        let name = bytes[i..name_end].to_owned();
        while chars.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_some_and(|&(_, c)| c == '=') {
            chars.next();
            while chars.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
                chars.next();
            }
            let mut value = String::new();
            match chars.peek().map(|&(_, c)| c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
            out.push((name, value));
        } else {
            out.push((name, String::new()));
        }
    }
    out
}

/// The origins of a space-separated list, and the entries refused.
pub fn origins_of(list: &str) -> (Vec<String>, Vec<String>) {
    let mut origins = Vec::new();
    let mut refused = Vec::new();
    for entry in list.split_ascii_whitespace() {
        match serialized_origin(entry) {
            Some(origin) => origins.push(origin),
            None => refused.push(entry.to_owned()),
        }
    }
    (origins, refused)
}

/// Whether `path` is a content-hashed build output (`election-widget-<hex>.js`,
/// `election-widget-<hex>_bg.wasm`, the split bundle's `election-widget-<hex>-split.js`
/// and `election-widget-<hex>-<module>.wasm`, `widget-<hex>.css`, anything under
/// `snippets/<crate>-<hex>/`), which never changes under its name.
pub fn is_content_hashed(path: &str) -> bool {
    let hashed = |name: &str| {
        name.rsplit_once('-').is_some_and(|(base, hex)| {
            !base.is_empty()
                && hex.len() >= 16
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
    };
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some(file) = segments.pop() else {
        return false;
    };
    if segments.iter().any(|dir| hashed(dir)) {
        return true;
    }
    let Some((stem, extension)) = file.split_once('.') else {
        return false;
    };
    if extension.is_empty() {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    // A part of a hashed set: `<base>-<hex>-<part>`, the part a plain word.
    let part_of_set = stem.rsplit_once('-').is_some_and(|(set, part)| {
        !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') && hashed(set)
    });
    hashed(stem) || part_of_set
}

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The `Cache-Control` of a file: `no-cache` (revalidate every time) for pages, data,
/// the service worker and the stable entry; a year for content-hashed files.
pub fn cache_control(path: &str, content_type: &str) -> &'static str {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let file = path.rsplit('/').next().unwrap_or("");
    let always_fresh = essence == "text/html"
        || essence == "application/json"
        || essence.ends_with("+json")
        || file == "sw.js"
        || file == "election-widget.js";
    if !always_fresh && is_content_hashed(path) {
        IMMUTABLE
    } else {
        "no-cache"
    }
}

/// The content type for the extensions whose type matters to a browser (modules and
/// wasm streaming compilation check it), whatever the system's MIME table says.
pub fn content_type(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "js" | "mjs" => "text/javascript",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => return None,
    })
}

/// The router: `DIR`'s files (a directory serves its `index.html`), with headers,
/// compressed (brotli, gzip) as the client accepts: a file's precompressed copy beside
/// it (`FILE.br`, `FILE.gz`, which the build writes for its scripts, wasm and
/// stylesheets) when there is one, else compressed on the fly.
pub fn router(options: &PagesOptions) -> Result<Router, String> {
    if !options.dir.is_dir() {
        return Err(format!("{} is not a directory", options.dir.display()));
    }
    let policies = Arc::new(policies(options)?);
    for value in [&policies.page, &policies.embed] {
        HeaderValue::from_str(value).map_err(|e| format!("the policy is not a header: {e}"))?;
    }
    Ok(Router::new()
        .fallback_service(
            ServeDir::new(&options.dir)
                .append_index_html_on_directories(true)
                // The build's brotli and gzip copies (scripts/precompress.mjs), sent as
                // they are; files without one are compressed by the layer below.
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(axum::middleware::from_fn_with_state(policies, headers))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(crate::metrics::Metrics::default()),
            crate::observe::observe,
        )))
}

async fn headers(State(policies): State<Arc<Policies>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let success = response.status().is_success();
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    if success {
        if let Some(kind) = content_type(&path) {
            set(headers, header::CONTENT_TYPE, kind);
        }
        // The answer depends on Accept-Encoding (a precompressed copy or the file), so a
        // cache between must keep them apart; the compression layer adds this itself to
        // what it compresses.
        if headers.contains_key(header::CONTENT_ENCODING) && !headers.contains_key(header::VARY) {
            set(headers, header::VARY, "accept-encoding");
        }
    }
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if kind.to_ascii_lowercase().starts_with("text/html") {
        let embed = path == "/embed.html";
        let policy = if embed {
            &policies.embed
        } else if path == "/results.html" {
            &policies.results
        } else {
            &policies.page
        };
        set(headers, header::CONTENT_SECURITY_POLICY, policy);
        if !embed {
            set(
                headers,
                HeaderName::from_static("cross-origin-opener-policy"),
                "same-origin",
            );
        }
    }
    set(headers, header::CACHE_CONTROL, cache_control(&path, &kind));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_policy_is_exactly_the_documented_one() {
        let policy = content_security_policy(
            &strings(&["http://127.0.0.1:8787"]),
            &[],
            &strings(&["'self'"]),
        );
        assert_eq!(
            policy,
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self' http://127.0.0.1:8787; worker-src 'self'; manifest-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; trusted-types election-widget; frame-ancestors 'self'"
        );
        let embed = content_security_policy(&[], &strings(&["https://a.example"]), &[]);
        assert!(embed.contains("; connect-src 'self'; "), "{embed}");
        assert!(
            embed.contains("; frame-src 'self' https://a.example; "),
            "{embed}"
        );
        assert!(embed.ends_with("; frame-ancestors 'none'"), "{embed}");
    }

    #[test]
    fn the_meta_tag_is_read_and_absent_is_none() {
        let page = r#"<head><!-- <meta name="election-widget-allowed-origins" content="https://commented.example"> -->
            <meta charset="utf-8">
            <META Name='election-widget-allowed-origins'
                  content="https://hr.example.com http://127.0.0.1:8080  https://[::1]:9000" />"#;
        let content = allowed_origins_meta(page).unwrap();
        let (origins, refused) = origins_of(&content);
        assert_eq!(
            origins,
            strings(&[
                "https://hr.example.com",
                "http://127.0.0.1:8080",
                "https://[::1]:9000"
            ])
        );
        assert!(refused.is_empty());
        assert_eq!(
            allowed_origins_meta("<meta charset=utf-8><title>x</title>"),
            None
        );
        assert_eq!(
            allowed_origins_meta(r#"<meta name="election-widget-allowed-origins">"#).as_deref(),
            Some("")
        );
    }

    #[test]
    fn junk_in_the_meta_tag_cannot_inject_directives() {
        let content = "https://ok.example; script-src * 'unsafe-inline' https://*.example.com \
                       https://ok.example/path javascript://x https://x.example:* \"https://q.example\" *";
        let (origins, refused) = origins_of(content);
        assert_eq!(origins, strings(&["https://x.example:*"]));
        assert_eq!(
            refused,
            strings(&[
                "https://ok.example;",
                "script-src",
                "*",
                "'unsafe-inline'",
                "https://*.example.com",
                "https://ok.example/path",
                "javascript://x",
                "\"https://q.example\"",
                "*"
            ])
        );
        let policy = content_security_policy(&[], &[], &origins);
        assert_eq!(
            policy.matches(';').count(),
            14,
            "no directive added: {policy}"
        );
    }

    #[test]
    fn hashed_files_are_told_apart() {
        for hashed in [
            "/election-widget-0123456789abcdef.js",
            "/election-widget-0123456789abcdef_bg.wasm",
            "/election-widget-0123456789abcdef-split.js",
            "/election-widget-0123456789abcdef-delivery.wasm",
            "/widget-e104765030c2226f.css",
            "/snippets/election-widget-0123456789abcdef/inline0.js",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
            assert_eq!(cache_control(hashed, "text/javascript"), IMMUTABLE);
        }
        for fresh in [
            "/election-widget.js",
            "/sw.js",
            "/widget.css",
            "/election-widget-0123456789ABCDEF.js",
            "/election-widget-0123abcd.js",
            "/-0123456789abcdef.js",
            "/offers/mpower-2001.json",
            "/",
            "/election-widget-0123456789abcdef",
            "/election-widget-0123abcd-split.js",
            "/election-widget-0123456789abcdef-Split.js",
            "/split-0123456789abcdef-",
        ] {
            assert!(!is_content_hashed(fresh), "{fresh}");
            assert_eq!(
                cache_control(fresh, "text/javascript"),
                "no-cache",
                "{fresh}"
            );
        }
        assert_eq!(
            cache_control("/data-0123456789abcdef.json", "application/json"),
            "no-cache",
            "data is always revalidated"
        );
        assert_eq!(
            cache_control("/index.html", "text/html; charset=utf-8"),
            "no-cache"
        );
    }

    #[test]
    fn the_types_a_browser_checks_are_set() {
        assert_eq!(content_type("/a/b.wasm"), Some("application/wasm"));
        assert_eq!(content_type("/x.JS"), Some("text/javascript"));
        assert_eq!(content_type("/x.png"), None);
        assert_eq!(content_type("/noextension"), None);
    }
}
