//! Logins and session tokens.

use omnivirt_http::Secret;

use super::World;
use crate::error::{SimError, SimResult};

pub(super) struct SessionRec {
    pub(super) user: String,
}

impl World {
    /// Logs `user` in; `Unauthenticated` on an unknown user or a wrong password. The token is
    /// random-looking, deterministic from the seed, and valid until [`logout`](Self::logout) or
    /// [`Faults::expire_sessions`](crate::Faults::expire_sessions).
    pub fn login(&self, user: &str, password: &str) -> SimResult<Secret> {
        let mut g = self.lock();
        let ok = g
            .users
            .iter()
            .any(|u| u.name == user && u.password.expose() == password);
        if !ok {
            return Err(SimError::unauthenticated(format!(
                "login failed for user `{user}`: wrong user name or password"
            )));
        }
        let token = g.tokens.hex32();
        g.sessions.insert(
            token.clone(),
            SessionRec {
                user: user.to_owned(),
            },
        );
        Ok(Secret::new(token))
    }

    /// True if `token` is a live session.
    pub fn session_valid(&self, token: &str) -> bool {
        self.lock().sessions.contains_key(token)
    }

    /// The user of a live session.
    pub fn session_user(&self, token: &str) -> Option<String> {
        self.lock().sessions.get(token).map(|s| s.user.clone())
    }

    /// Ends a session; false if it was not live.
    pub fn logout(&self, token: &str) -> bool {
        self.lock().sessions.remove(token).is_some()
    }

    /// Number of live sessions.
    pub fn session_count(&self) -> usize {
        self.lock().sessions.len()
    }

    /// The configured user names (never passwords).
    pub fn user_names(&self) -> Vec<String> {
        self.lock().users.iter().map(|u| u.name.clone()).collect()
    }
}
