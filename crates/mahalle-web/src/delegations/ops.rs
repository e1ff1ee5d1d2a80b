//! Delegations' operations: the powers in force for a signed-in user (checked up the chain each
//! request, so a delegation stops at its last day, at revocation, and when its giver no longer
//! holds the power), making one (never beyond what the giver holds, onward only when allowed),
//! revoking one with all made from it, and reading them.

use chrono::{NaiveDate, Utc};
use mahalle_core::access::{Principal, Scope};
use mahalle_core::delegations::{self as rules, Ask, Delegated, Power, State};
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::validate::FieldError;
use mahalle_db::audit::{self, Entry};
use mahalle_db::delegations::{self as db, Delegation, DelegationFilter, InForce, NewDelegation};
use mahalle_db::{DbError, Store};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::http::api::Created;
use crate::http::ctx::SignedIn;
use crate::http::error::AppError;

fn scope_of(power: Power, district: Option<i64>, organisation: Option<i64>) -> Option<Scope> {
    match (power.is_territorial(), district, organisation) {
        (true, d, None) => Some(rules::district_scope(d)),
        (false, None, Some(o)) => Some(Scope::Organisation(o)),
        _ => None,
    }
}

fn delegated(d: &InForce, depth: usize) -> Option<Delegated> {
    let power = Power::parse(&d.power)?;
    Some(Delegated {
        id: d.id,
        power,
        scope: scope_of(power, d.district_id, d.organisation_id)?,
        may_redelegate: d.may_redelegate,
        ends_on: d.ends_on,
        depth,
    })
}

/// Whether a delegation in force still stands, and how deep it is: every giver up its chain has
/// an active account, each delegation above it is in force and allows onward delegation, and
/// the first giver still holds the power by role. None when it does not stand.
async fn stands(store: &Store, d: &InForce, today: NaiveDate) -> Result<Option<usize>, AppError> {
    let mut cur = d.clone();
    for depth in 1..=rules::MAX_DEPTH {
        if db::user_active(store, cur.from_user_id).await? != Some(true) {
            return Ok(None);
        }
        match cur.parent_id {
            Some(parent) => match db::in_force(store, parent, today).await? {
                Some(p) if p.may_redelegate && p.power == cur.power => cur = p,
                _ => return Ok(None),
            },
            None => {
                let Some(x) = delegated(&cur, depth) else {
                    return Ok(None);
                };
                let giver = Principal {
                    user_id: cur.from_user_id,
                    grants: mahalle_db::auth::grants_of(store, cur.from_user_id).await?,
                    delegated: Vec::new(),
                };
                return Ok(giver.holds_own(x.power, x.scope).then_some(depth));
            }
        }
    }
    Ok(None)
}

/// The powers delegated to a user that are in force today, for the permission checks.
pub async fn in_force(
    store: &Store,
    user_id: i64,
    today: NaiveDate,
) -> Result<Vec<Delegated>, AppError> {
    let mut out = Vec::new();
    for d in db::in_force_for(store, user_id, today).await? {
        if let Some(x) = stands(store, &d, today)
            .await?
            .and_then(|depth| delegated(&d, depth))
        {
            out.push(x);
        }
    }
    Ok(out)
}

/// A delegation as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DelegationInput {
    /// The account the power goes to.
    pub to_user_id: Option<i64>,
    /// decide_extensions, create_resolutions or act_for_organisation
    pub power: String,
    /// For decide_extensions and create_resolutions: the district; none for the whole city.
    pub district_id: Option<i64>,
    /// For act_for_organisation: the organisation.
    pub organisation_id: Option<i64>,
    /// Jalali or ISO; today when left out.
    pub starts_on: String,
    /// Jalali or ISO: the last day in force.
    pub ends_on: String,
    /// Whether it may be delegated onward.
    pub may_redelegate: bool,
    /// The order or letter it rests on, and any conditions.
    pub note: String,
}

pub async fn create(
    store: &Store,
    me: &SignedIn,
    input: &DelegationInput,
) -> Result<Created, AppError> {
    AppError::unless(rules::may_delegate_any(&me.principal))?;
    let today = crate::today();
    let mut errors = Vec::new();
    let to = match input.to_user_id {
        Some(id) if db::user_active(store, id).await? == Some(true) => Some(id),
        _ => {
            errors.push(FieldError::new(
                "to_user_id",
                "کسی را که اختیار به او سپرده می‌شود از فهرست برگزینید.",
                "Choose the person the power goes to from the list.",
            ));
            None
        }
    };
    let power = Power::parse(input.power.trim());
    if power.is_none() {
        errors.push(FieldError::new(
            "power",
            "اختیار را از فهرست برگزینید.",
            "Choose the power from the list.",
        ));
    }
    if let Some(d) = input.district_id {
        match mahalle_db::places::get_district(store, d).await {
            Ok(x) if x.retired_on.is_none() => {}
            Ok(_) | Err(DbError::NotFound) => errors.push(crate::http::form::choose_district()),
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(o) = input.organisation_id {
        match mahalle_db::org::get(store, o).await {
            Ok(x) if x.retired_on.is_none() => {}
            Ok(_) | Err(DbError::NotFound) => errors.push(FieldError::new(
                "organisation_id",
                "دستگاه را از فهرست برگزینید.",
                "Choose the organisation from the list.",
            )),
            Err(e) => return Err(e.into()),
        }
    }
    let starts = match input.starts_on.trim() {
        "" => Some(today),
        raw => crate::http::form::typed_date(&mut errors, "starts_on", raw)?,
    };
    let ends = match input.ends_on.trim() {
        "" => {
            errors.push(FieldError::new(
                "ends_on",
                "روز پایان تفویض را بنویسید.",
                "Give the last day of the delegation.",
            ));
            None
        }
        raw => crate::http::form::typed_date(&mut errors, "ends_on", raw)?,
    };
    let note = mahalle_core::text::normalize_multiline(&input.note);
    if note.chars().count() > 2000 {
        errors.push(FieldError::new(
            "note",
            "یادداشت حداکثر ۲۰۰۰ نویسه است.",
            "The note is at most 2,000 characters.",
        ));
    }
    let (Some(to), Some(power), Some(starts), Some(ends), true) =
        (to, power, starts, ends, errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };
    let Some(scope) = scope_of(power, input.district_id, input.organisation_id) else {
        return Err(rules::DelegationError::WrongScope.to_field_error().into());
    };
    let ask = Ask {
        power,
        scope,
        to_user: to,
        starts,
        ends,
    };
    let parent = rules::check(&me.principal, &ask, today).map_err(|e| e.to_field_error())?;
    let new = NewDelegation {
        from_user_id: me.principal.user_id,
        to_user_id: to,
        power: power.as_str(),
        district_id: input.district_id.filter(|_| power.is_territorial()),
        organisation_id: input.organisation_id.filter(|_| !power.is_territorial()),
        starts_on: starts,
        ends_on: ends,
        may_redelegate: input.may_redelegate,
        parent_id: parent,
        note: &note,
    };
    let now = Utc::now();
    let new = &new;
    let id = store
        .write(|tx, _| {
            Box::pin(async move {
                // The delegation passed on may have been revoked since the request began.
                if let Some(parent) = new.parent_id {
                    if db::revoked(tx, parent).await? {
                        return Err(rules::DelegationError::NoOnward.to_field_error().into());
                    }
                }
                let id = db::create(tx, new, now).await?;
                audit::record_under(
                    tx,
                    audit::Change {
                        user_id: Some(new.from_user_id),
                        action: "delegate",
                        entity: "delegation",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({"to_user_id": new.to_user_id, "power": new.power,
                            "district_id": new.district_id, "organisation_id": new.organisation_id,
                            "starts_on": new.starts_on, "ends_on": new.ends_on,
                            "may_redelegate": new.may_redelegate, "note": new.note})),
                    },
                    new.parent_id,
                )
                .await?;
                Ok::<_, AppError>(id)
            })
        })
        .await?;
    Ok(Created { id })
}

/// Who sees a delegation: the two people it is between and the city's secretariat.
fn sees(p: &Principal, d: &Delegation) -> bool {
    p.user_id == d.from_user_id || p.user_id == d.to_user_id || p.is_city_secretariat()
}

/// A delegation with where it stands today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Listed {
    #[serde(flatten)]
    pub delegation: Delegation,
    /// upcoming, active, suspended (in its days but not honoured: its giver no longer holds
    /// the power, or a delegation it was made from ended), ended or revoked
    pub state: &'static str,
}

/// A delegation with where it stands, what was made from it and what was done through it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DelegationDetail {
    pub delegation: Delegation,
    /// upcoming, active, suspended, ended or revoked (today)
    pub state: &'static str,
    /// Delegations made from it (those the caller may see).
    pub onward: Vec<Delegation>,
    /// The latest changes made through it (up to 200).
    pub actions: Vec<Entry>,
    /// Whether the caller may revoke it.
    pub may_revoke: bool,
}

/// Where a delegation stands today; one within its days that is no longer honoured is
/// "suspended".
pub async fn state_of(store: &Store, d: &Delegation) -> Result<&'static str, AppError> {
    let today = crate::today();
    Ok(
        match rules::state(d.starts_on, d.ends_on, d.revoked_at.is_some(), today) {
            State::Upcoming => "upcoming",
            State::Ended => "ended",
            State::Revoked => "revoked",
            State::Active => {
                let f = InForce {
                    id: d.id,
                    from_user_id: d.from_user_id,
                    power: d.power.clone(),
                    district_id: d.district_id,
                    organisation_id: d.organisation_id,
                    may_redelegate: d.may_redelegate,
                    ends_on: d.ends_on,
                    parent_id: d.parent_id,
                };
                if stands(store, &f, today).await?.is_some() {
                    "active"
                } else {
                    "suspended"
                }
            }
        },
    )
}

pub async fn detail(store: &Store, me: &SignedIn, id: i64) -> Result<DelegationDetail, AppError> {
    let d = db::get(store, id).await?;
    if !sees(&me.principal, &d) {
        return Err(AppError::NotFound);
    }
    let onward = db::children(store, id)
        .await?
        .into_iter()
        .filter(|c| sees(&me.principal, c))
        .collect();
    Ok(DelegationDetail {
        state: state_of(store, &d).await?,
        onward,
        actions: audit::under_delegation(store, id, 200).await?,
        may_revoke: d.revoked_at.is_none() && rules::may_revoke(&me.principal, d.from_user_id),
        delegation: d,
    })
}

/// A list's filters as they arrive from a query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListFilter {
    /// active, upcoming, ended or revoked; all when empty.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub power: String,
}

/// A page of the delegations the caller sees: their own, given or received; every one for the
/// city's secretariat.
pub async fn list(
    store: &Store,
    me: &SignedIn,
    f: &ListFilter,
    l: &Listing,
) -> Result<Paged<Listed>, AppError> {
    let state = match f.state.trim() {
        "" => None,
        s => Some(
            rules::StateFilter::parse(s)
                .ok_or_else(|| AppError::BadRequest(format!("unknown state {s}")))?
                .as_str(),
        ),
    };
    let power = match f.power.trim() {
        "" => None,
        p => Some(
            Power::parse(p)
                .ok_or_else(|| AppError::BadRequest(format!("unknown power {p}")))?
                .as_str(),
        ),
    };
    let filter = DelegationFilter {
        involving: (!me.principal.is_city_secretariat()).then_some(me.principal.user_id),
        state,
        today: Some(crate::today()),
        power,
    };
    let page = db::list(store, &filter, l).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for d in page.items {
        items.push(Listed {
            state: state_of(store, &d).await?,
            delegation: d,
        });
    }
    Ok(Paged {
        items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Revokes a delegation and every one made from it; the reason is kept.
pub async fn revoke(
    store: &Store,
    me: &SignedIn,
    id: i64,
    reason: &str,
) -> Result<Created, AppError> {
    let d = db::get(store, id).await?;
    if !sees(&me.principal, &d) {
        return Err(AppError::NotFound);
    }
    AppError::unless(rules::may_revoke(&me.principal, d.from_user_id))?;
    if d.revoked_at.is_some() {
        return Err(AppError::invalid(
            "id",
            "این تفویض پیش‌تر لغو شده است.",
            "This delegation was already revoked.",
        ));
    }
    let reason = mahalle_core::text::normalize_multiline(reason);
    if reason.chars().count() > 2000 {
        return Err(AppError::invalid(
            "reason",
            "دلیل حداکثر ۲۰۰۰ نویسه است.",
            "The reason is at most 2,000 characters.",
        ));
    }
    let now = Utc::now();
    let (who, reason) = (me.principal.user_id, &reason);
    store
        .write(|tx, _| {
            Box::pin(async move {
                for r in db::revoke(tx, id, who, reason, now).await? {
                    audit::log(
                        tx,
                        who,
                        "revoke",
                        "delegation",
                        r,
                        None,
                        Some(json!({"reason": reason, "with": (r != id).then_some(id)})),
                    )
                    .await?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Created { id })
}

/// The people a delegation can go to (id, name), leaving out the caller; their user names stay
/// with the administrators.
pub async fn people(store: &Store, me: &SignedIn) -> Result<Vec<(i64, String)>, AppError> {
    Ok(db::people(store)
        .await?
        .into_iter()
        .filter(|(id, _)| *id != me.principal.user_id)
        .collect())
}
