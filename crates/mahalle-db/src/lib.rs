//! The Store: one API over SQLite and PostgreSQL.
//!
//! SQL is written once with `$n` placeholders, which both backends accept, and run through the
//! small executor in [`store`]; only the migrations differ per backend (`migrations/sqlite`,
//! `migrations/postgres`). Modules carry the same names as in the other layers.

pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod campaigns;
pub mod challenges;
pub mod councils;
pub mod counters;
pub mod delegations;
mod error;
pub mod indicators;
pub mod maintenance;
pub mod meetings;
pub mod notifications;
pub mod occasions;
pub mod org;
pub mod partners;
pub mod people;
pub mod places;
pub mod polls;
pub mod projects;
pub mod recognitions;
pub mod registry;
pub mod requests;
pub mod resolutions;
pub mod scorecards;
pub mod services;
pub mod settings;
mod sql;
mod store;
pub mod visits;
pub mod vulnerable;

pub use error::{DbError, TxError};
pub use sql::{Arg, Sql};
pub use store::{redact as redact_url, sqlite_file, Backend, BoxFuture, Scope, Store, Tx};

pub type Result<T, E = DbError> = std::result::Result<T, E>;
