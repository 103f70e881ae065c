//! The zrpc IDL front end: parsing, validation and the service model every generator reads.

pub mod model;
