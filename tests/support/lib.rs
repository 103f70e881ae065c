//! Helpers shared by the cross-language tests: locating interpreters and workspace binaries.
