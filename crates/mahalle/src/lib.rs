//! The Mahalle binary's library: command line, configuration, server start-up and the demo city.

pub mod backup;
pub mod bench;
pub mod bench_city;
pub mod bench_requests;
pub mod cli;
pub mod demo;
pub mod load;
pub mod server;
