//! What a link may name: files on the origins the deployment allows, and a preview only
//! where the deployment allows one and elections are not delivered.

/// What the deployment allows links, and how to tell a URL's origin.
pub struct LinkPolicy<'a> {
    /// Origins (`https://host[:port]`) whose files a link may name; the page's own
    /// origin is always allowed.
    pub data_origins: &'a [String],
    /// The page's own origin.
    pub page_origin: &'a str,
    /// Whether a link may start a preview (`?at=`); even then never where elections are
    /// delivered to a backend or a portal.
    pub link_preview: bool,
    /// The origin of a URL as the page would resolve it (`None` for opaque origins such
    /// as `data:` and for what is not a URL). The browser's URL parser in the page.
    pub origin_of: &'a dyn Fn(&str) -> Option<String>,
}

impl LinkPolicy<'_> {
    /// Whether a link may name this file URL; `Err` says why not.
    pub fn data_url(&self, url: &str) -> Result<(), String> {
        match (self.origin_of)(url) {
            Some(origin) if origin == self.page_origin => Ok(()),
            Some(origin) if self.data_origins.contains(&origin) => Ok(()),
            Some(origin) => Err(format!(
                "a link may name files on {} only, not on {origin}",
                self.allowed_list()
            )),
            None => Err(format!(
                "a link may name files on {} only; this is not a URL there (data:, blob: and other opaque URLs are refused)",
                self.allowed_list()
            )),
        }
    }

    fn allowed_list(&self) -> String {
        let mut all = vec![self.page_origin.to_owned()];
        all.extend(
            self.data_origins
                .iter()
                .filter(|o| *o != self.page_origin)
                .cloned(),
        );
        all.join(", ")
    }

    /// Whether a link may start a preview under `delivery`; `Err` says why not.
    pub fn preview(&self, delivery: &crate::delivery::DeliveryConfig) -> Result<(), String> {
        if !matches!(delivery.transport, crate::delivery::Transport::Download) {
            return Err("a link cannot start a preview where elections are delivered (a preview cannot be signed)".to_owned());
        }
        if !self.link_preview {
            return Err("this page does not allow previews from links (its deployment's link_preview setting)".to_owned());
        }
        Ok(())
    }
}

/// A setting's name as a link would give it, for refusal notices.
pub(super) fn link_input(param: &str, value: &str) -> String {
    format!("?{param}={value}")
}
