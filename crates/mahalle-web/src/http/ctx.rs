//! Who is asking and how they want to see things: the request context every handler gets.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum_extra::extract::CookieJar;
use mahalle_core::access::Principal;
use mahalle_core::tokens::TokenScope;
use mahalle_db::auth::{self, User};

use crate::http::csrf;
use crate::http::error::AppError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "mahalle_session";
pub const LANG_COOKIE: &str = "mahalle_lang";
pub const CAL_COOKIE: &str = "mahalle_cal";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fa,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fa => "fa",
            Lang::En => "en",
        }
    }
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Fa => "rtl",
            Lang::En => "ltr",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "fa" => Some(Lang::Fa),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// Persian unless the visitor chose English.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        CookieJar::from_headers(headers)
            .get(LANG_COOKIE)
            .and_then(|c| Lang::parse(c.value()))
            .unwrap_or(Lang::Fa)
    }
}

/// Which calendar dates are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    Jalali,
    Gregorian,
}

impl Calendar {
    pub fn code(self) -> &'static str {
        match self {
            Calendar::Jalali => "jalali",
            Calendar::Gregorian => "gregorian",
        }
    }
    pub fn parse(s: &str) -> Option<Calendar> {
        match s {
            "jalali" => Some(Calendar::Jalali),
            "gregorian" => Some(Calendar::Gregorian),
            _ => None,
        }
    }
}

/// A signed-in user with their grants.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub principal: Principal,
}

/// The request context: language, calendar, the signed-in user (if any) and the CSRF token.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub cal: Calendar,
    pub user: Option<SignedIn>,
    pub csrf: String,
    /// Path and query of this request, to come back to after switching language or signing in.
    pub path: String,
    /// Signed in by an API token (not a browser session): what the token may do.
    pub token_scope: Option<TokenScope>,
}

impl Ctx {
    pub fn require_user(&self) -> Result<&SignedIn, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }

    pub fn require_admin(&self) -> Result<&SignedIn, AppError> {
        let u = self.require_user()?;
        if u.principal.is_admin() {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// For API calls that change something: a user signed in by a write token. Browser sessions
    /// use the pages, whose forms carry CSRF tokens; an API write with only a cookie could be
    /// forged. (Read tokens are already refused any method but GET when the context is made.)
    pub fn require_api_writer(&self) -> Result<&SignedIn, AppError> {
        let u = self.require_user()?;
        match self.token_scope {
            Some(TokenScope::Write) => Ok(u),
            Some(TokenScope::Read) => Err(AppError::ReadOnlyToken),
            None => Err(AppError::Forbidden),
        }
    }

    /// Field errors as messages in the visitor's language.
    pub fn messages(&self, fields: Vec<mahalle_core::validate::FieldError>) -> Vec<String> {
        fields
            .into_iter()
            .map(|f| if self.lang == Lang::Fa { f.fa } else { f.en })
            .collect()
    }

    pub fn principal(&self) -> Option<&Principal> {
        self.user.as_ref().map(|u| &u.principal)
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.user.id)
    }
}

impl<S> FromRequestParts<S> for Ctx
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let state = AppState::from_ref(state);
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = Lang::from_headers(&parts.headers);
        let cal = jar
            .get(CAL_COOKIE)
            .and_then(|c| Calendar::parse(c.value()))
            .unwrap_or(match lang {
                Lang::Fa => Calendar::Jalali,
                Lang::En => Calendar::Gregorian,
            });
        let mut token_scope = None;
        let user = match bearer_token(&parts.headers) {
            Some(token) => {
                // A presented token must be valid: a wrong one is an error, not an anonymous visit.
                let (user, scope) = auth::api_token_user(&state.store, &csrf::hash_token(token))
                    .await?
                    .ok_or(AppError::Unauthorized)?;
                // Every handler that acts as someone makes this context, so no route can miss it.
                if !scope.allows(parts.method.as_str()) {
                    return Err(AppError::ReadOnlyToken);
                }
                token_scope = Some(scope);
                Some(user)
            }
            None => match jar.get(SESSION_COOKIE) {
                Some(c) => {
                    let now = chrono::Utc::now().timestamp();
                    auth::session_user(&state.store, &csrf::hash_token(c.value()), now).await?
                }
                None => None,
            },
        };
        let user = match user {
            Some(user) => {
                let grants = auth::grants_of(&state.store, user.id).await?;
                // Powers delegated to the user count only while in force (checked every request).
                let delegated =
                    crate::delegations::ops::in_force(&state.store, user.id, crate::today())
                        .await?;
                Some(SignedIn {
                    principal: Principal {
                        user_id: user.id,
                        grants,
                        delegated,
                    },
                    user,
                })
            }
            None => None,
        };
        let ctx = Ctx {
            lang,
            cal,
            user,
            csrf: csrf::token_from(&jar).unwrap_or_default(),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
            token_scope,
        };
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

/// The forms anyone may send: signing in and out, and a citizen's request.
pub const PUBLIC_WRITES: &[&str] = &["/login", "/logout", "/requests", "/requests/new"];

/// Whether anyone may send this write: [`PUBLIC_WRITES`], and a resident asking for a poll's
/// code or voting (`/polls/{id}/code|vote`, `/api/v1/polls/{id}/codes|votes`).
pub fn is_public_write(path: &str) -> bool {
    if PUBLIC_WRITES.contains(&path) {
        return true;
    }
    let rest = path
        .strip_prefix("/api/v1/polls/")
        .or_else(|| path.strip_prefix("/polls/"));
    let api = path.starts_with("/api/");
    rest.and_then(|r| r.split_once('/'))
        .is_some_and(|(id, what)| {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
                && if api {
                    matches!(what, "codes" | "votes")
                } else {
                    matches!(what, "code" | "vote")
                }
        })
}

/// Who is calling is settled before a write's body is read: an anonymous write to anything but
/// [`PUBLIC_WRITES`] is refused (401, which pages turn into the log-in) without parsing a byte
/// of it, so a stranger's upload or form reaches no parser and every refusal looks the same.
/// The context made here is the one the handler gets.
pub async fn writes_need_sign_in(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let m = req.method();
    if m == axum::http::Method::GET
        || m == axum::http::Method::HEAD
        || m == axum::http::Method::OPTIONS
        || is_public_write(req.uri().path())
    {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    match Ctx::from_request_parts(&mut parts, &state).await {
        Ok(ctx) if ctx.user.is_some() => {
            next.run(axum::extract::Request::from_parts(parts, body))
                .await
        }
        Ok(_) => AppError::Unauthorized.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{header, HeaderValue};

    #[test]
    fn bearer_tokens() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer mht_x"),
        );
        assert_eq!(bearer_token(&h), Some("mht_x"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&h), None);
    }
}
