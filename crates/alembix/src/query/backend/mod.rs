//! What the runtime does differently per backend beyond SQL text (which the
//! schema crate's dialect layer renders): PostgreSQL's typed-array inserts.

#[cfg(feature = "postgres")]
pub(crate) mod postgres;
