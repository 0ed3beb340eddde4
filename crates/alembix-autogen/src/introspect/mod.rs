//! Introspection: the live database read into the same `Schema` the models
//! produce, with a fixed number of catalog queries whatever the number of tables.
