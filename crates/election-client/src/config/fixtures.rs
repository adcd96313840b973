//! Links, attributes and a page origin for the configuration tests.

use super::LinkPolicy;

pub(crate) fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Attributes as a host element would give them.
pub(crate) fn attrs(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: Vec<(String, String)> = q(pairs);
    move |name| map.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// A URL's origin as a page on https://hr.example.com would resolve it.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("data:") || lower.starts_with("blob:") || lower.starts_with("javascript:")
    {
        return None;
    }
    match url.split_once("://") {
        Some((scheme, rest)) => Some(format!(
            "{scheme}://{}",
            rest.split('/').next().unwrap_or("")
        )),
        None if url.starts_with("//") => Some(format!(
            "https:{}",
            url.split('/').take(3).collect::<Vec<_>>().join("/")
        )),
        None => Some("https://hr.example.com".to_owned()),
    }
}

pub(crate) const PAGE: &str = "https://hr.example.com";

pub(crate) fn policy(link_preview: bool) -> LinkPolicy<'static> {
    const DATA: &[String] = &[];
    LinkPolicy {
        data_origins: DATA,
        page_origin: PAGE,
        link_preview,
        origin_of: &origin_of,
    }
}
