//! A registry of clients, one per controller address (the Python client's `VeilClientSingleton`,
//! without its stale-token trap).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use omnivirt_core::{Error, Result};

use super::client::{Credentials, VeilClient};
use crate::VENDOR;

type Factory = dyn Fn(&str, &Credentials) -> Result<VeilClient> + Send + Sync;

/// One [`VeilClient`] per controller address, shared by everyone who asks for that address.
///
/// Unlike the Python `VeilClientSingleton.add_client`, which silently keeps the old token,
/// [`Registry::add`] replaces the client when the credentials for an address change (the old
/// client is returned so the caller can close it).
///
/// ```
/// use omnivirt_veil::native::Registry;
/// use omnivirt_veil::Credentials;
///
/// let reg = Registry::new();
/// let (a, _) = reg.add("https://veil-a.example", Credentials::token("t1")).unwrap();
/// let (b, _) = reg.add("https://veil-a.example", Credentials::token("t1")).unwrap();
/// assert!(a.same_session(&b));
/// assert_eq!(reg.addresses(), ["https://veil-a.example"]);
/// ```
pub struct Registry {
    factory: Box<Factory>,
    clients: Mutex<BTreeMap<String, (VeilClient, String)>>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("addresses", &self.addresses())
            .finish_non_exhaustive()
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

/// Compares credentials without keeping a second copy of any secret in the map key.
fn fingerprint(c: &Credentials) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match c {
        Credentials::Token(t) => ("token", t.expose()).hash(&mut h),
        Credentials::Password {
            username,
            password,
            ldap,
        } => ("password", username, password.expose(), ldap).hash(&mut h),
    }
    format!("{:016x}", h.finish())
}

impl Registry {
    /// Clients built with [`VeilClient::builder`] defaults (HTTPS, retry, timeouts).
    pub fn new() -> Self {
        Self::with_factory(|addr, creds| {
            VeilClient::builder(addr).credentials(creds.clone()).build()
        })
    }

    /// Clients built by `factory` (custom TLS, timeouts, or a test transport).
    pub fn with_factory(
        factory: impl Fn(&str, &Credentials) -> Result<VeilClient> + Send + Sync + 'static,
    ) -> Self {
        Registry {
            factory: Box::new(factory),
            clients: Mutex::new(BTreeMap::new()),
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, BTreeMap<String, (VeilClient, String)>>> {
        self.clients.lock().map_err(|_| {
            Error::new(
                omnivirt_core::ErrorKind::Backend,
                "the VeiL client registry was poisoned by a panic",
            )
            .with_vendor(VENDOR)
        })
    }

    /// The client for `address`, made on first use. Returns it and, when different credentials
    /// replaced an existing client, that old client (close it when its calls are done).
    pub fn add(
        &self,
        address: &str,
        credentials: Credentials,
    ) -> Result<(VeilClient, Option<VeilClient>)> {
        let fp = fingerprint(&credentials);
        let mut map = self.lock()?;
        if let Some((c, old_fp)) = map.get(address)
            && *old_fp == fp
        {
            return Ok((c.clone(), None));
        }
        let client = (self.factory)(address, &credentials)?;
        let old = map
            .insert(address.to_owned(), (client.clone(), fp))
            .map(|(c, _)| c);
        Ok((client, old))
    }

    /// The client for `address`, if registered.
    pub fn get(&self, address: &str) -> Option<VeilClient> {
        self.lock()
            .ok()
            .and_then(|m| m.get(address).map(|(c, _)| c.clone()))
    }

    /// Registered addresses, sorted.
    pub fn addresses(&self) -> Vec<String> {
        self.lock()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Removes and closes the client for `address`; false if there was none.
    pub async fn remove(&self, address: &str) -> Result<bool> {
        let removed = self.lock()?.remove(address);
        match removed {
            Some((c, _)) => c.close().await.map(|()| true),
            None => Ok(false),
        }
    }

    /// Closes and forgets every client; the first error is returned after all were tried.
    pub async fn close_all(&self) -> Result<()> {
        let all: Vec<VeilClient> = std::mem::take(&mut *self.lock()?)
            .into_values()
            .map(|(c, _)| c)
            .collect();
        let mut first = None;
        for c in all {
            if let Err(e) = c.close().await
                && first.is_none()
            {
                first = Some(e);
            }
        }
        first.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_client_per_address_and_new_credentials_replace() {
        let reg = Registry::new();
        let (a, old) = reg
            .add("https://a.example", Credentials::token("t1"))
            .unwrap();
        assert!(old.is_none());
        let (a2, old) = reg
            .add("https://a.example", Credentials::token("t1"))
            .unwrap();
        assert!(a.same_session(&a2) && old.is_none());
        let (b, _) = reg
            .add("https://b.example", Credentials::token("t1"))
            .unwrap();
        assert!(!a.same_session(&b));
        let (a3, old) = reg
            .add("https://a.example", Credentials::token("t2"))
            .unwrap();
        assert!(!a.same_session(&a3));
        assert!(old.unwrap().same_session(&a));
        assert!(reg.get("https://a.example").unwrap().same_session(&a3));
        assert!(reg.add("nope", Credentials::token("t")).is_err());
        assert!(reg.remove("https://b.example").await.unwrap());
        assert!(!reg.remove("https://b.example").await.unwrap());
        reg.close_all().await.unwrap();
        assert!(reg.addresses().is_empty());
        assert!(!format!("{reg:?}").contains("t2"));
    }
}
