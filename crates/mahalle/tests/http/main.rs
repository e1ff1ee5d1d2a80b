//! Integration tests: each starts the real server on a random port over its own database and
//! drives it over HTTP. SQLite always; PostgreSQL too when MAHALLE_TEST_DATABASE_URL is set
//! (e.g. postgres://postgres@127.0.0.1:5432/postgres), each test in a fresh database.

mod helpers;

mod access;
mod accounts;
mod api;
mod calendar;
mod campaigns;
mod challenges;
mod cli;
mod councils;
mod crash;
mod delegations;
mod indicators;
mod load;
mod meetings;
mod notifications;
mod occasions;
mod open311;
mod org;
mod partners;
mod people;
mod places;
mod polls;
mod projects;
mod requests;
mod resolutions;
mod scorecards;
mod services;
mod upgrade;
mod uploads;
mod visits;
mod vulnerable;
