//! What every handler is given: the store, the web settings, the intake's shared state.

use std::sync::Arc;

use axum::extract::FromRef;
use mahalle_db::Store;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// How long a sign-in lasts.
    pub session_hours: i64,
    /// Mark cookies `Secure` (set when served over HTTPS, e.g. behind a TLS proxy).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for per-IP limits).
    pub trusted_proxies: Vec<mahalle_core::forwarded::Network>,
    /// Requests in progress at once; more wait up to `overload_wait`, then get 503 `busy`.
    pub max_in_flight: usize,
    pub overload_wait: std::time::Duration,
    /// Text messages to residents (poll codes).
    pub texts: crate::http::texts::Texts,
    /// The server's public address for links in messages sent from a page (a visit's memo);
    /// empty: links are paths.
    pub public_url: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            session_hours: 12,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            max_in_flight: 512,
            public_url: String::new(),
            overload_wait: std::time::Duration::from_secs(2),
            texts: Default::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub intake: Arc<crate::requests::ops::Intake>,
    pub ballots: Arc<crate::polls::ops::Ballots>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            intake: Arc::new(crate::requests::ops::Intake::default()),
            ballots: Arc::new(crate::polls::ops::Ballots::default()),
        }
    }
}

impl FromRef<AppState> for Store {
    fn from_ref(s: &AppState) -> Store {
        s.store.clone()
    }
}
