//! Mahalle's domain: types and rules with no I/O. Everything that decides something lives here
//! and is unit-tested beside the code; the store and the web layer only carry data to and from it.

pub mod access;
pub mod attachments;
pub mod calendar;
pub mod campaigns;
pub mod challenges;
pub mod coded;
pub mod collate;
pub mod councils;
pub mod domain;
pub mod exif;
pub mod forwarded;
pub mod geo;
pub mod indicators;
pub mod jalali;
pub mod meetings;
pub mod org;
pub mod outbox;
pub mod paging;
pub mod partners;
pub mod places;
pub mod polls;
pub mod projects;
pub mod ratelimit;
pub mod recognitions;
pub mod reminders;
pub mod requests;
pub mod resolutions;
pub mod retry;
pub mod scorecards;
pub mod spans;
pub mod text;
pub mod tokens;
pub mod tracking;
pub mod validate;
pub mod visits;
