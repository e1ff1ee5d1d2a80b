//! Text messages to residents (the one-time codes of residents' polls). They leave through the
//! notifier as e-mail to an e-mail-to-SMS gateway (`09121234567@<gateway>`), the way Iranian SMS
//! panels accept mail; without a gateway no text can be sent, and pages say so.

use std::sync::Arc;

use crate::notifications::{Message, Notifier, OutboxOnly};

#[derive(Clone)]
pub struct Texts {
    notifier: Arc<dyn Notifier>,
    /// The gateway's mail domain, e.g. `sms.example.ir`.
    gateway: Option<String>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("gateway", &self.gateway)
            .finish_non_exhaustive()
    }
}

impl Default for Texts {
    fn default() -> Self {
        Texts {
            notifier: Arc::new(OutboxOnly),
            gateway: None,
        }
    }
}

impl Texts {
    pub fn new(notifier: Arc<dyn Notifier>, gateway: Option<String>) -> Texts {
        let gateway = gateway
            .map(|g| g.trim().trim_start_matches('@').to_string())
            .filter(|g| !g.is_empty());
        Texts { notifier, gateway }
    }

    /// Whether texts can be sent at all.
    pub fn available(&self) -> bool {
        self.gateway.is_some() && self.notifier.unavailable().is_none()
    }

    /// Sends `body` to a mobile number (national form, `09…`), waiting at most 10 seconds.
    pub async fn send(&self, mobile: &str, subject: &str, body: &str) -> Result<(), String> {
        let Some(gateway) = self.gateway.as_deref().filter(|_| self.available()) else {
            return Err("no text-message gateway configured".into());
        };
        let msg = Message {
            id: 0,
            resolution_id: None,
            to: format!("{mobile}@{gateway}"),
            to_name: String::new(),
            subject: subject.into(),
            body: body.into(),
        };
        match tokio::time::timeout(std::time::Duration::from_secs(10), self.notifier.send(&msg))
            .await
        {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.message),
            Err(_) => Err("timed out".into()),
        }
    }
}
