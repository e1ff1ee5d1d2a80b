//! Graceful overload: a bound on requests in progress. A request waits a moment for a place;
//! if none frees up it is answered 503 `busy` with `Retry-After`, instead of joining a queue
//! that grows until every client times out. Health checks are never held back.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::http::error::AppError;

/// How many requests may be in progress, and how long one waits for a place.
#[derive(Clone)]
pub struct Gate {
    places: Arc<Semaphore>,
    wait: Duration,
}

impl Gate {
    pub fn new(in_flight: usize, wait: Duration) -> Gate {
        Gate {
            places: Arc::new(Semaphore::new(in_flight.max(1))),
            wait,
        }
    }
}

pub async fn admit(State(gate): State<Gate>, req: Request, next: Next) -> Response {
    if matches!(req.uri().path(), "/healthz" | "/readyz") {
        return next.run(req).await;
    }
    match tokio::time::timeout(gate.wait, gate.places.clone().acquire_owned()).await {
        Ok(Ok(_place)) => next.run(req).await,
        _ => {
            tracing::warn!(path = %req.uri().path(), "overloaded: request turned away");
            AppError::Busy.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    fn app(gate: Gate) -> Router {
        Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    "done"
                }),
            )
            .route("/healthz", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(gate, admit))
    }

    #[tokio::test]
    async fn a_full_house_answers_busy_with_retry_after_and_health_still_answers() {
        let gate = Gate::new(1, Duration::from_millis(50));
        let get = |path: &'static str| {
            app(gate.clone()).oneshot(Request::get(path).body(Body::empty()).unwrap())
        };
        let first = tokio::spawn(get("/slow"));
        tokio::time::sleep(Duration::from_millis(20)).await;
        let second = get("/slow").await.unwrap();
        assert_eq!(second.status().as_u16(), 503);
        assert!(second.headers().contains_key("retry-after"));
        assert_eq!(get("/healthz").await.unwrap().status().as_u16(), 200);
        assert_eq!(first.await.unwrap().unwrap().status().as_u16(), 200);
        // Once the place is free, requests are served again.
        assert_eq!(get("/slow").await.unwrap().status().as_u16(), 200);
    }
}
