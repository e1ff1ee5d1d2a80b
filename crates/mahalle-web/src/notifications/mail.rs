//! Transports a notification leaves by: SMTP, none (outbox only), and an in-memory mailbox for
//! tests and demos.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// One message to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The notification's id in the outbox.
    pub id: i64,
    /// None for notifications about citizens' requests.
    pub resolution_id: Option<i64>,
    /// E-mail address.
    pub to: String,
    /// The recipient organisation's name (may be empty).
    pub to_name: String,
    pub subject: String,
    pub body: String,
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub message: String,
    /// The server refused for good (bad address, 5xx): retrying will not help.
    pub permanent: bool,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            permanent: false,
        }
    }

    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            permanent: true,
        }
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The future a [`Notifier`] returns (boxed, so that notifiers can live in an `Arc<dyn …>`).
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// A way to deliver messages: e-mail in production, memory in tests.
pub trait Notifier: Send + Sync {
    fn send<'a>(&'a self, msg: &'a Message) -> SendFuture<'a>;

    /// Why this notifier cannot deliver anything at all (no server configured), if so. The job
    /// then leaves notifications waiting instead of spending attempts on them.
    fn unavailable(&self) -> Option<&str> {
        None
    }
}

/// E-mail through an SMTP server (lettre).
pub struct SmtpNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

/// `Auto-Submitted: auto-generated` (RFC 3834): out-of-office replies are not sent back to us.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

impl SmtpNotifier {
    /// `url`: `smtp://host:25` (plain), `smtp://user:pass@host:587?tls=starttls` (STARTTLS
    /// required; `tls=required` and `tls=opportunistic` are understood too) or
    /// `smtps://user:pass@host:465` (TLS from the start). `from`: `noreply@example.ir` or
    /// `سامانه محله <noreply@example.ir>`. Nothing is connected until the first message.
    pub fn new(url: &str, from: &str) -> Result<SmtpNotifier, String> {
        let from: lettre::message::Mailbox = from
            .trim()
            .parse()
            .map_err(|e| format!("invalid sender address {from:?}: {e}"))?;
        let url = match url.trim().split_once('?') {
            Some((base, query)) => {
                format!("{base}?{}", query.replace("tls=starttls", "tls=required"))
            }
            None => url.trim().to_string(),
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| format!("invalid SMTP URL {}: {e}", mahalle_db::redact_url(&url)))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(SmtpNotifier { transport, from })
    }

    /// The e-mail for a message: UTF-8 plain text (lettre encodes the Persian subject per RFC 2047
    /// and picks the body's transfer encoding).
    pub fn build(&self, msg: &Message) -> Result<lettre::Message, SendError> {
        let addr: lettre::Address = msg
            .to
            .trim()
            .parse()
            .map_err(|e| SendError::permanent(format!("invalid address {:?}: {e}", msg.to)))?;
        let name = Some(msg.to_name.trim().to_string()).filter(|n| !n.is_empty());
        lettre::Message::builder()
            .from(self.from.clone())
            .to(lettre::message::Mailbox::new(name, addr))
            .subject(msg.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .header(AutoSubmitted)
            .body(msg.body.clone())
            .map_err(|e| SendError::permanent(format!("cannot build the message: {e}")))
    }
}

impl Notifier for SmtpNotifier {
    fn send<'a>(&'a self, msg: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            let email = self.build(msg)?;
            match self.transport.send(email).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(SendError::permanent(e.to_string())),
                Err(e) => Err(SendError::transient(e.to_string())),
            }
        })
    }
}

/// No mail server: notifications stay in the outbox (see the module documentation).
pub struct OutboxOnly;

/// The note on waiting notifications when no mail server is configured.
pub const NO_MAIL_SERVER: &str = "no mail server configured";

impl Notifier for OutboxOnly {
    fn send<'a>(&'a self, _: &'a Message) -> SendFuture<'a> {
        Box::pin(async { Err(SendError::transient(NO_MAIL_SERVER)) })
    }

    fn unavailable(&self) -> Option<&str> {
        Some(NO_MAIL_SERVER)
    }
}

/// The notifier a server runs with: SMTP when a URL is given, otherwise [`OutboxOnly`].
pub fn from_config(smtp_url: Option<&str>, mail_from: &str) -> Result<Arc<dyn Notifier>, String> {
    match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Ok(Arc::new(SmtpNotifier::new(url, mail_from)?)),
        None => Ok(Arc::new(OutboxOnly)),
    }
}

/// A notifier for tests: keeps messages in memory; can be told to fail or to be slow.
#[derive(Clone, Default)]
pub struct Mailbox {
    inner: Arc<MailboxInner>,
}

#[derive(Default)]
struct MailboxInner {
    messages: Mutex<Vec<Message>>,
    failure: Mutex<Option<SendError>>,
    delay: Mutex<Duration>,
}

impl Mailbox {
    pub fn new() -> Mailbox {
        Mailbox::default()
    }

    /// Everything delivered so far, in order.
    pub fn messages(&self) -> Vec<Message> {
        self.inner
            .messages
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default()
    }

    /// From now on every send fails with this error (`None`: succeeds again).
    pub fn fail_with(&self, error: Option<SendError>) {
        if let Ok(mut f) = self.inner.failure.lock() {
            *f = error;
        }
    }

    /// Each send takes this long (to make concurrent senders overlap).
    pub fn set_delay(&self, delay: Duration) {
        if let Ok(mut d) = self.inner.delay.lock() {
            *d = delay;
        }
    }
}

impl Notifier for Mailbox {
    fn send<'a>(&'a self, msg: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            let delay = self.inner.delay.lock().map(|d| *d).unwrap_or_default();
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if let Some(e) = self.inner.failure.lock().ok().and_then(|f| f.clone()) {
                return Err(e);
            }
            if let Ok(mut m) = self.inner.messages.lock() {
                m.push(msg.clone());
            }
            Ok(())
        })
    }
}
