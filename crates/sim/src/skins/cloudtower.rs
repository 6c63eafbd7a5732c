//! The CloudTower skin.
