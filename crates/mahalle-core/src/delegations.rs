//! Delegation of authority (تفویض اختیار, issue 13): the holder of a role hands one named power
//! to another person, for a scope and a span of Jalali days. The checks that guard those powers
//! ask [`Principal::holds`], which honours a delegation only while it is in force; an action
//! taken through one names it ([`Principal::delegation_for`]) so its audit row records it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::{Principal, Role, Scope};
use crate::coded::coded_enum;
use crate::validate::FieldError;

coded_enum!(
    /// A power that can be delegated.
    Power {
        DecideExtensions = "decide_extensions", "تصمیم درباره تمدید مهلت مصوبه‌ها", "Decide deadline extensions";
        CreateResolutions = "create_resolutions", "ثبت مصوبه در جلسه‌ها", "Create resolutions";
        ActForOrganisation = "act_for_organisation", "اقدام از سوی دستگاه (درخواست‌ها و مصوبه‌ها)", "Act for an organisation (its requests and resolutions)";
    }
);

impl Power {
    /// Whether the power is held over districts (or the whole city) rather than an organisation.
    pub fn is_territorial(self) -> bool {
        !matches!(self, Power::ActForOrganisation)
    }
}

/// A delegation in force, as the permission checks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegated {
    pub id: i64,
    pub power: Power,
    pub scope: Scope,
    pub may_redelegate: bool,
    /// The last day it is in force: a delegation made from it cannot outlast it.
    pub ends_on: NaiveDate,
    /// How many delegations lead to it from a role (1: given by the holder of the role).
    pub depth: usize,
}

/// The longest delegation: one municipal term (four years).
pub const MAX_DAYS: i64 = 4 * 366;

/// The longest chain of onward delegations honoured (each link is checked on every request).
pub const MAX_DEPTH: usize = 5;

/// The scope of a territorial power over a meeting's or a resolution's district: the city's own
/// records (no district) are the whole city's.
pub fn district_scope(district: Option<i64>) -> Scope {
    district.map_or(Scope::City, Scope::District)
}

/// Whether a power given over `given` reaches `wanted`: the whole city covers its districts.
fn covers(given: Scope, wanted: Scope) -> bool {
    given == wanted || (given == Scope::City && matches!(wanted, Scope::District(_)))
}

impl Principal {
    /// Holds the power through their own roles, not through anyone's delegation.
    pub fn holds_own(&self, power: Power, scope: Scope) -> bool {
        match (power, scope) {
            (Power::DecideExtensions | Power::CreateResolutions, Scope::City) => {
                self.is_city_secretariat()
            }
            (Power::DecideExtensions | Power::CreateResolutions, Scope::District(d)) => {
                self.is_secretariat_for(Some(d))
            }
            (Power::ActForOrganisation, Scope::Organisation(o)) => self
                .grants
                .iter()
                .any(|g| g.role == Role::Liaison && g.scope == Scope::Organisation(o)),
            _ => false,
        }
    }

    /// Holds the power, by role or by a delegation in force.
    pub fn holds(&self, power: Power, scope: Scope) -> bool {
        self.holds_own(power, scope) || self.delegated_for(power, scope).is_some()
    }

    fn delegated_for(&self, power: Power, scope: Scope) -> Option<&Delegated> {
        self.delegated
            .iter()
            .find(|d| d.power == power && covers(d.scope, scope))
    }

    /// Whether the user may delegate the power over the scope: they hold it by role, or through
    /// a delegation in force that allows passing it on.
    pub fn may_delegate(&self, power: Power, scope: Scope) -> bool {
        self.holds_own(power, scope)
            || self
                .delegated
                .iter()
                .any(|d| d.power == power && covers(d.scope, scope) && d.may_redelegate)
    }

    /// The delegation an action uses: some only when the user holds the power through it alone
    /// (their own role comes first, so the audit names a delegation only when one was needed).
    pub fn delegation_for(&self, power: Power, scope: Scope) -> Option<i64> {
        if self.holds_own(power, scope) {
            None
        } else {
            self.delegated_for(power, scope).map(|d| d.id)
        }
    }
}

impl Principal {
    /// The delegation someone acts through on a record of these organisations (in this
    /// district): none when their own role — its secretariat, a liaison of one of them — lets
    /// them act.
    pub fn delegation_acting_for(&self, district: Option<i64>, orgs: &[i64]) -> Option<i64> {
        let by_role = self.is_secretariat_for(district)
            || orgs
                .iter()
                .any(|&o| self.holds_own(Power::ActForOrganisation, Scope::Organisation(o)));
        if by_role {
            return None;
        }
        orgs.iter()
            .find_map(|&o| self.delegation_for(Power::ActForOrganisation, Scope::Organisation(o)))
    }
}

/// Why a delegation is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DelegationError {
    #[error("You do not hold this power over this scope, so you cannot delegate it.")]
    NotHeld,
    #[error("The power was delegated to you without the right to delegate it onward.")]
    NoOnward,
    #[error("The scope does not fit the power: a district or the whole city for a district power, an organisation for acting for one.")]
    WrongScope,
    #[error("A delegation goes to someone else.")]
    ToSelf,
    #[error("A delegation cannot end before it starts.")]
    EndsBeforeStart,
    #[error("A delegation that has already ended cannot be made.")]
    AlreadyOver,
    #[error("A delegation starts today or later.")]
    StartsInPast,
    #[error("This power has already been passed on too many times to pass on again.")]
    TooDeep,
    #[error("A delegation lasts at most four years.")]
    TooLong,
    #[error("A delegation made from another cannot outlast it.")]
    OutlastsParent,
}

impl DelegationError {
    pub fn field(self) -> &'static str {
        match self {
            DelegationError::NotHeld | DelegationError::NoOnward | DelegationError::TooDeep => {
                "power"
            }
            DelegationError::StartsInPast => "starts_on",
            DelegationError::WrongScope => "scope",
            DelegationError::ToSelf => "to_user_id",
            DelegationError::EndsBeforeStart
            | DelegationError::AlreadyOver
            | DelegationError::TooLong
            | DelegationError::OutlastsParent => "ends_on",
        }
    }
    pub fn message_fa(self) -> &'static str {
        match self {
            DelegationError::NotHeld => {
                "شما این اختیار را در این قلمرو ندارید، پس نمی‌توانید آن را تفویض کنید."
            }
            DelegationError::NoOnward => {
                "این اختیار بدون حق تفویض دوباره به شما سپرده شده است."
            }
            DelegationError::WrongScope => {
                "قلمرو با اختیار نمی‌خواند: برای اختیار منطقه‌ای یک منطقه یا همه شهر، و برای اقدام از سوی دستگاه یک دستگاه."
            }
            DelegationError::ToSelf => "تفویض باید به کس دیگری باشد.",
            DelegationError::EndsBeforeStart => "پایان تفویض نمی‌تواند پیش از آغاز آن باشد.",
            DelegationError::AlreadyOver => "تفویضی که پایانش گذشته است ثبت نمی‌شود.",
            DelegationError::StartsInPast => "تفویض از امروز یا پس از آن آغاز می‌شود.",
            DelegationError::TooDeep => {
                "این اختیار بارها دست‌به‌دست شده است و دیگر تفویض نمی‌شود."
            }
            DelegationError::TooLong => "تفویض حداکثر چهار سال است.",
            DelegationError::OutlastsParent => {
                "تفویضی که از تفویض دیگری گرفته شده نمی‌تواند پس از آن ادامه یابد."
            }
        }
    }
    pub fn to_field_error(self) -> FieldError {
        FieldError::new(self.field(), self.message_fa(), self.to_string())
    }
}

/// What is asked: the power, over what, to whom, for which days.
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    pub power: Power,
    pub scope: Scope,
    pub to_user: i64,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}

/// Checks a delegation `from` asks to make; on success, the delegation it is made from (when
/// the power is itself delegated to them, which must allow onward delegation), or none when
/// they hold it by role. Nobody delegates more than they hold.
pub fn check(
    from: &Principal,
    ask: &Ask,
    today: NaiveDate,
) -> Result<Option<i64>, DelegationError> {
    let fits = match ask.scope {
        Scope::City | Scope::District(_) => ask.power.is_territorial(),
        Scope::Organisation(_) => !ask.power.is_territorial(),
        Scope::Neighborhood(_) => false,
    };
    if !fits {
        return Err(DelegationError::WrongScope);
    }
    if ask.to_user == from.user_id {
        return Err(DelegationError::ToSelf);
    }
    if ask.ends < ask.starts {
        return Err(DelegationError::EndsBeforeStart);
    }
    if ask.ends < today {
        return Err(DelegationError::AlreadyOver);
    }
    if ask.starts < today {
        return Err(DelegationError::StartsInPast);
    }
    if (ask.ends - ask.starts).num_days() > MAX_DAYS {
        return Err(DelegationError::TooLong);
    }
    if from.holds_own(ask.power, ask.scope) {
        return Ok(None);
    }
    // Of the delegations that give the power, one that may be passed on, is not at the end of
    // the longest chain, and lasts at least as long as the one asked for.
    let covering: Vec<&Delegated> = from
        .delegated
        .iter()
        .filter(|d| d.power == ask.power && covers(d.scope, ask.scope))
        .collect();
    if covering.is_empty() {
        return Err(DelegationError::NotHeld);
    }
    let onward: Vec<&Delegated> = covering.into_iter().filter(|d| d.may_redelegate).collect();
    if onward.is_empty() {
        return Err(DelegationError::NoOnward);
    }
    if onward.iter().all(|d| d.depth >= MAX_DEPTH) {
        return Err(DelegationError::TooDeep);
    }
    onward
        .iter()
        .filter(|d| d.depth < MAX_DEPTH && d.ends_on >= ask.ends)
        .max_by_key(|d| d.ends_on)
        .map(|d| Some(d.id))
        .ok_or(DelegationError::OutlastsParent)
}

/// Where a delegation stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Upcoming,
    Active,
    Ended,
    Revoked,
}

coded_enum!(
    /// The states a list can be filtered by.
    StateFilter {
        Active = "active", "در جریان", "In force";
        Upcoming = "upcoming", "آینده", "Upcoming";
        Ended = "ended", "پایان‌یافته", "Ended";
        Revoked = "revoked", "لغوشده", "Revoked";
    }
);

pub fn state(starts: NaiveDate, ends: NaiveDate, revoked: bool, today: NaiveDate) -> State {
    if revoked {
        State::Revoked
    } else if today < starts {
        State::Upcoming
    } else if today > ends {
        State::Ended
    } else {
        State::Active
    }
}

/// Who may revoke a delegation: the person who made it, or the city's secretariat.
pub fn may_revoke(p: &Principal, from_user: i64) -> bool {
    p.user_id == from_user || p.is_city_secretariat()
}

/// Whether someone can delegate anything at all (so the form is offered): they hold some power
/// by role or through a delegation that allows onward delegation.
pub fn may_delegate_any(p: &Principal) -> bool {
    p.may_record_meetings() || p.has(Role::Liaison) || p.delegated.iter().any(|d| d.may_redelegate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Grant;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn who(id: i64, role: Role, scope: Scope) -> Principal {
        Principal {
            user_id: id,
            grants: vec![Grant::new(role, scope).unwrap()],
            delegated: Vec::new(),
        }
    }

    fn ask(power: Power, scope: Scope) -> Ask {
        Ask {
            power,
            scope,
            to_user: 9,
            starts: d(2026, 12, 7),
            ends: d(2027, 1, 31),
        }
    }

    const TODAY: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();

    #[test]
    fn a_delegation_in_force_grants_exactly_its_power_and_scope() {
        let mut viewer = who(9, Role::Viewer, Scope::City);
        assert!(!viewer.holds(Power::DecideExtensions, Scope::District(14)));
        viewer.delegated.push(Delegated {
            id: 5,
            power: Power::DecideExtensions,
            scope: Scope::District(14),
            may_redelegate: false,
            ends_on: d(2027, 1, 31),
            depth: 1,
        });
        assert!(viewer.holds(Power::DecideExtensions, Scope::District(14)));
        assert_eq!(
            viewer.delegation_for(Power::DecideExtensions, Scope::District(14)),
            Some(5)
        );
        assert!(!viewer.holds(Power::DecideExtensions, Scope::District(6)));
        assert!(!viewer.holds(Power::CreateResolutions, Scope::District(14)));
        assert!(!viewer.holds(Power::DecideExtensions, Scope::City));
        // The whole city covers its districts.
        viewer.delegated[0].scope = Scope::City;
        assert!(viewer.holds(Power::DecideExtensions, Scope::District(6)));
        // Someone who holds the power by role uses no delegation.
        let mut d14 = who(3, Role::DistrictMayor, Scope::District(14));
        d14.delegated = viewer.delegated.clone();
        assert_eq!(
            d14.delegation_for(Power::DecideExtensions, Scope::District(14)),
            None
        );
        assert_eq!(
            d14.delegation_for(Power::DecideExtensions, Scope::District(6)),
            Some(5)
        );
    }

    #[test]
    fn acting_for_an_organisation_by_delegation() {
        let mut p = who(9, Role::Viewer, Scope::City);
        assert!(!p.works_for(10));
        p.delegated.push(Delegated {
            id: 7,
            power: Power::ActForOrganisation,
            scope: Scope::Organisation(10),
            may_redelegate: false,
            ends_on: d(2027, 1, 31),
            depth: 1,
        });
        assert!(p.works_for(10) && !p.works_for(11));
        assert!(
            !p.acts_for(10),
            "acting by role (campaigns, projects) is not delegated"
        );
        assert_eq!(
            p.delegation_for(Power::ActForOrganisation, Scope::Organisation(10)),
            Some(7)
        );
        assert!(p.reach().organisations.contains(&10));
        // A district power reaches the district's meetings and resolutions, not its other records.
        let mut council = who(12, Role::CouncilMember, Scope::Neighborhood(40));
        council.delegated.push(Delegated {
            power: Power::DecideExtensions,
            scope: Scope::District(14),
            ..p.delegated[0]
        });
        assert!(!council.reach().districts.contains(&14));
        assert!(council.follow_up_reach().districts.contains(&14));
        assert_eq!(p.delegation_acting_for(Some(14), &[3, 10]), Some(7));
        assert_eq!(p.delegation_acting_for(Some(14), &[3]), None);
        let mut d14 = who(3, Role::DistrictMayor, Scope::District(14));
        d14.delegated = p.delegated.clone();
        assert_eq!(
            d14.delegation_acting_for(Some(14), &[10]),
            None,
            "acts as the secretariat"
        );
        assert_eq!(d14.delegation_acting_for(Some(6), &[10]), Some(7));
    }

    #[test]
    fn nobody_delegates_more_than_they_hold() {
        let d14 = who(3, Role::DistrictMayor, Scope::District(14));
        let today = TODAY();
        assert_eq!(
            check(
                &d14,
                &ask(Power::DecideExtensions, Scope::District(14)),
                today
            ),
            Ok(None)
        );
        assert_eq!(
            check(
                &d14,
                &ask(Power::DecideExtensions, Scope::District(6)),
                today
            ),
            Err(DelegationError::NotHeld)
        );
        assert_eq!(
            check(&d14, &ask(Power::CreateResolutions, Scope::City), today),
            Err(DelegationError::NotHeld)
        );
        assert_eq!(
            check(
                &d14,
                &ask(Power::ActForOrganisation, Scope::Organisation(10)),
                today
            ),
            Err(DelegationError::NotHeld)
        );
        assert_eq!(
            check(
                &d14,
                &ask(Power::DecideExtensions, Scope::Organisation(10)),
                today
            ),
            Err(DelegationError::WrongScope)
        );
        let water = who(4, Role::Liaison, Scope::Organisation(10));
        assert_eq!(
            check(
                &water,
                &ask(Power::ActForOrganisation, Scope::Organisation(10)),
                today
            ),
            Ok(None)
        );
        let mayor = who(2, Role::MayorOffice, Scope::City);
        assert_eq!(
            check(&mayor, &ask(Power::CreateResolutions, Scope::City), today),
            Ok(None)
        );
        assert_eq!(
            check(
                &mayor,
                &ask(Power::ActForOrganisation, Scope::Organisation(10)),
                today
            ),
            Err(DelegationError::NotHeld),
            "the mayor's office is not the organisation's liaison"
        );
    }

    #[test]
    fn onward_only_when_allowed_and_never_longer() {
        let today = TODAY();
        let mut deputy = who(9, Role::Viewer, Scope::City);
        deputy.delegated.push(Delegated {
            id: 5,
            power: Power::DecideExtensions,
            scope: Scope::District(14),
            may_redelegate: false,
            ends_on: d(2027, 1, 31),
            depth: 1,
        });
        let mut a = ask(Power::DecideExtensions, Scope::District(14));
        a.to_user = 11;
        assert_eq!(check(&deputy, &a, today), Err(DelegationError::NoOnward));
        deputy.delegated[0].may_redelegate = true;
        assert_eq!(check(&deputy, &a, today), Ok(Some(5)));
        a.ends = d(2027, 2, 1);
        assert_eq!(
            check(&deputy, &a, today),
            Err(DelegationError::OutlastsParent)
        );
        // A second, longer delegation of the same power is the one passed on.
        deputy.delegated.push(Delegated {
            id: 6,
            ends_on: d(2027, 6, 30),
            ..deputy.delegated[0]
        });
        assert_eq!(check(&deputy, &a, today), Ok(Some(6)));
        assert!(deputy.may_delegate(Power::DecideExtensions, Scope::District(14)));
        assert!(!deputy.may_delegate(Power::DecideExtensions, Scope::District(6)));
        for x in &mut deputy.delegated {
            x.depth = MAX_DEPTH;
        }
        assert_eq!(check(&deputy, &a, today), Err(DelegationError::TooDeep));
    }

    #[test]
    fn spans_and_people() {
        let d14 = who(3, Role::DistrictMayor, Scope::District(14));
        let today = TODAY();
        let mut a = ask(Power::DecideExtensions, Scope::District(14));
        a.to_user = 3;
        assert_eq!(check(&d14, &a, today), Err(DelegationError::ToSelf));
        a.to_user = 9;
        a.ends = d(2026, 11, 30);
        assert_eq!(
            check(&d14, &a, today),
            Err(DelegationError::EndsBeforeStart)
        );
        a.starts = d(2026, 11, 1);
        assert_eq!(check(&d14, &a, today), Err(DelegationError::AlreadyOver));
        a.ends = d(2026, 12, 30);
        assert_eq!(check(&d14, &a, today), Err(DelegationError::StartsInPast));
        a.starts = today;
        a.ends = d(2031, 1, 1);
        assert_eq!(check(&d14, &a, today), Err(DelegationError::TooLong));
        assert_eq!(DelegationError::TooLong.field(), "ends_on");
    }

    #[test]
    fn states_over_time() {
        let (s, e) = (d(2026, 12, 1), d(2026, 12, 31));
        assert_eq!(state(s, e, false, d(2026, 11, 30)), State::Upcoming);
        assert_eq!(state(s, e, false, s), State::Active);
        assert_eq!(
            state(s, e, false, e),
            State::Active,
            "in force on its last day"
        );
        assert_eq!(state(s, e, false, d(2027, 1, 1)), State::Ended);
        assert_eq!(state(s, e, true, d(2026, 12, 5)), State::Revoked);
        let d14 = who(3, Role::DistrictMayor, Scope::District(14));
        assert!(may_revoke(&d14, 3) && !may_revoke(&d14, 4));
        assert!(may_revoke(&who(2, Role::MayorOffice, Scope::City), 4));
        assert!(may_delegate_any(&d14) && !may_delegate_any(&who(5, Role::Viewer, Scope::City)));
    }
}
