//! Drafts kept in the browser's localStorage.

/// Drafts in the browser's localStorage. Every access can throw (private mode, a policy,
/// a full quota): each error becomes a sentence, never a panic.
pub struct LocalStorageStore;

impl LocalStorageStore {
    fn storage() -> Result<web_sys::Storage, String> {
        let window = web_sys::window().ok_or("there is no browser window")?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(storage),
            Ok(None) => Err("this browser offers no storage".to_owned()),
            Err(_) => Err("this browser does not allow this page to store data".to_owned()),
        }
    }
}

impl election_client::drafts::DraftStore for LocalStorageStore {
    fn load(&self, key: &str) -> Result<Option<String>, String> {
        Self::storage()?
            .get_item(key)
            .map_err(|_| "this browser does not allow this page to read stored data".to_owned())
    }

    fn save(&self, key: &str, value: &str) -> Result<(), String> {
        Self::storage()?
            .set_item(key, value)
            .map_err(|_| "the browser's storage for this page is full or refused".to_owned())
    }

    fn remove(&self, key: &str) -> Result<(), String> {
        Self::storage()?
            .remove_item(key)
            .map_err(|_| "this browser does not allow this page to change stored data".to_owned())
    }
}
