//! The engine's enumerations, open: a value this crate does not know is kept as `Other(raw)`.

use std::fmt;

use serde::{Serialize, Serializer};

// The one table macro left in this crate: sixteen open enums would otherwise repeat the same
// `as_str`/`parse`/`Display`/`From`/`Serialize` forty lines each, and the call sites still show
// `pub enum Name` and every variant with its engine spelling.
macro_rules! ovirt_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this crate does not know, exactly as the engine sent it.
            Other(String),
        }

        impl $name {
            /// Every known value, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The engine's spelling of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }

            /// Parses an engine value (case-insensitively: 3.x engines sent upper case);
            /// unknown values become `Other`, never an error.
            pub fn parse(s: &str) -> Self {
                $(if s.eq_ignore_ascii_case($text) {
                    return $name::$variant;
                })+
                $name::Other(s.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

ovirt_enum!(
    /// Status of an action (`CreationStatus`).
    pub enum CreationStatus {
        /// Done (for VM power actions: accepted, not yet converged).
        Complete => "complete",
        /// Failed.
        Failed => "failed",
        /// Running.
        InProgress => "in_progress",
        /// Queued.
        Pending => "pending",
    }
);
