//! The simulator's error: a neutral kind plus a message a skin maps to its vendor's fault.

use std::fmt;

use omnivirt_core::{Error, ErrorKind};

/// `Result` with [`SimError`].
pub type SimResult<T> = std::result::Result<T, SimError>;

/// Why a World call was refused.
///
/// `kind` is one of `NotFound`, `AlreadyExists`, `InvalidState`, `InvalidInput` or
/// `Unauthenticated`. [`SimError::is_locked`] tells "the object is busy with another task"
/// (CloudTower `ResourceLocked`, oVirt "Cannot ... Related operation is currently in progress")
/// apart from other `InvalidState` refusals. The message is written for humans, e.g.
/// `cannot start VM web-1: it is running`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimError {
    kind: ErrorKind,
    message: String,
    locked: bool,
}

impl SimError {
    /// An error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        SimError {
            kind,
            message: message.into(),
            locked: false,
        }
    }

    /// `NotFound`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// `InvalidState`.
    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidState, message)
    }

    /// `InvalidInput`.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// `AlreadyExists`.
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::AlreadyExists, message)
    }

    /// `Unauthenticated`.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, message)
    }

    /// `InvalidState` because another task holds the object.
    pub fn locked(message: impl Into<String>) -> Self {
        SimError {
            locked: true,
            ..Self::new(ErrorKind::InvalidState, message)
        }
    }

    /// The neutral kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// True when the object is busy with another task (a special `InvalidState`).
    pub fn is_locked(&self) -> bool {
        self.locked
    }

    /// The HTTP status a plain REST API would answer with: 404, 409, 400 or 401.
    pub fn http_status(&self) -> u16 {
        match self.kind {
            ErrorKind::NotFound => 404,
            ErrorKind::AlreadyExists | ErrorKind::InvalidState => 409,
            ErrorKind::Unauthenticated => 401,
            _ => 400,
        }
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for SimError {}

impl From<SimError> for Error {
    fn from(e: SimError) -> Self {
        Error::new(e.kind, e.message).with_vendor("sim")
    }
}
