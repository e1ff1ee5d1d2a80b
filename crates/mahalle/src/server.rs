//! Building and running the HTTP server. `Application::build` binds first, so callers (and tests,
//! with port 0) learn the real address before serving starts.

use std::net::SocketAddr;

use anyhow::Context;
use mahalle_db::Store;
use mahalle_web::{AppState, WebConfig};
use tokio::net::TcpListener;

pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Binds `bind` (e.g. "127.0.0.1:8080", or port 0 for any free port) over an opened store.
    pub async fn build(store: Store, bind: &str, web: WebConfig) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(bind)
            .await
            .with_context(|| format!("cannot listen on {bind}"))?;
        Ok(Application {
            listener,
            state: AppState::new(store, web),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    /// Serves until Ctrl-C / SIGTERM, then finishes in-flight requests.
    pub async fn run(self) -> anyhow::Result<()> {
        mahalle_web::spawn_housekeeping(self.state.store.clone());
        let app = mahalle_web::app(self.state);
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await?;
        Ok(())
    }

    /// Serves until the future completes (tests stop servers this way).
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let app = mahalle_web::app(self.state);
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop)
        .await?;
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
