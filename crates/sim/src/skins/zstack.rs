//! The ZStack management API (REST v1 actions, sessions, async jobs) skin.
