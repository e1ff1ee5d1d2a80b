//! Roles and their scopes, and the rules that say who may see or do what.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    MayorOffice,
    Deputy,
    DistrictMayor,
    Liaison,
    CouncilMember,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::MayorOffice,
        Role::Deputy,
        Role::DistrictMayor,
        Role::Liaison,
        Role::CouncilMember,
        Role::Viewer,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::MayorOffice => "mayor_office",
            Role::Deputy => "deputy",
            Role::DistrictMayor => "district_mayor",
            Role::Liaison => "liaison",
            Role::CouncilMember => "council_member",
            Role::Viewer => "viewer",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label_fa(self) -> &'static str {
        match self {
            Role::Admin => "مدیر سامانه",
            Role::MayorOffice => "دفتر شهردار",
            Role::Deputy => "معاون شهردار",
            Role::DistrictMayor => "شهردار منطقه",
            Role::Liaison => "رابط دستگاه",
            Role::CouncilMember => "عضو شورایاری",
            Role::Viewer => "بیننده",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "System administrator",
            Role::MayorOffice => "Mayor's office",
            Role::Deputy => "Deputy mayor",
            Role::DistrictMayor => "District mayor",
            Role::Liaison => "Agency liaison",
            Role::CouncilMember => "Neighborhood council member",
            Role::Viewer => "Viewer",
        }
    }
    /// Which scope the role must carry.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::DistrictMayor => ScopeKind::District,
            Role::Liaison => ScopeKind::Organisation,
            Role::CouncilMember => ScopeKind::Neighborhood,
            _ => ScopeKind::City,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    City,
    District,
    Organisation,
    Neighborhood,
}

/// Where a role applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    City,
    District(i64),
    Organisation(i64),
    Neighborhood(i64),
}

/// A role held by a user in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("role {0} needs a scope of the right kind")]
    WrongScope(&'static str),
}

impl Grant {
    /// Builds a grant, checking that the scope fits the role (a district mayor needs a district…).
    pub fn new(role: Role, scope: Scope) -> Result<Grant, GrantError> {
        let fits = matches!(
            (role.scope_kind(), scope),
            (ScopeKind::City, Scope::City)
                | (ScopeKind::District, Scope::District(_))
                | (ScopeKind::Organisation, Scope::Organisation(_))
                | (ScopeKind::Neighborhood, Scope::Neighborhood(_))
        );
        if fits {
            Ok(Grant { role, scope })
        } else {
            Err(GrantError::WrongScope(role.as_str()))
        }
    }

    /// The id of the district, organisation or neighborhood the grant is scoped to.
    pub fn scope_id(&self) -> Option<i64> {
        match self.scope {
            Scope::City => None,
            Scope::District(i) | Scope::Organisation(i) | Scope::Neighborhood(i) => Some(i),
        }
    }

    /// Reassembles a grant from its stored columns.
    pub fn from_columns(
        role: &str,
        district: Option<i64>,
        organisation: Option<i64>,
        neighborhood: Option<i64>,
    ) -> Option<Grant> {
        let role = Role::parse(role)?;
        let scope = match role.scope_kind() {
            ScopeKind::City => Scope::City,
            ScopeKind::District => Scope::District(district?),
            ScopeKind::Organisation => Scope::Organisation(organisation?),
            ScopeKind::Neighborhood => Scope::Neighborhood(neighborhood?),
        };
        Some(Grant { role, scope })
    }
}

/// A signed-in user's identity and grants, as the access rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: i64,
    pub grants: Vec<Grant>,
    /// Powers delegated to the user and in force today ([`crate::delegations`]).
    pub delegated: Vec<crate::delegations::Delegated>,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }

    /// Account management is for system administrators only.
    pub fn can_manage_users(&self) -> bool {
        self.is_admin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_secretariats_record_meetings() {
        let with = |role, scope| Principal {
            user_id: 1,
            grants: vec![Grant::new(role, scope).unwrap()],
            delegated: Vec::new(),
        };
        assert!(with(Role::MayorOffice, Scope::City).may_record_meetings());
        let d14 = with(Role::DistrictMayor, Scope::District(14));
        assert!(d14.may_record_meetings());
        assert!(d14.is_secretariat_for(Some(14)) && !d14.is_secretariat_for(Some(6)));
        assert!(!with(Role::Viewer, Scope::City).may_record_meetings());
        assert!(!with(Role::Liaison, Scope::Organisation(3)).may_record_meetings());
    }

    #[test]
    fn scopes_must_fit_roles() {
        assert!(Grant::new(Role::DistrictMayor, Scope::District(14)).is_ok());
        assert!(Grant::new(Role::DistrictMayor, Scope::City).is_err());
        assert!(Grant::new(Role::Liaison, Scope::Organisation(3)).is_ok());
        assert!(Grant::new(Role::Liaison, Scope::District(3)).is_err());
        assert!(Grant::new(Role::CouncilMember, Scope::Neighborhood(7)).is_ok());
        assert!(Grant::new(Role::Admin, Scope::City).is_ok());
        assert!(Grant::new(Role::Viewer, Scope::Neighborhood(7)).is_err());
    }

    #[test]
    fn grants_from_columns() {
        assert_eq!(
            Grant::from_columns("district_mayor", Some(14), None, None),
            Some(Grant {
                role: Role::DistrictMayor,
                scope: Scope::District(14)
            })
        );
        assert_eq!(
            Grant::from_columns("district_mayor", None, None, None),
            None
        );
        assert_eq!(Grant::from_columns("pope", None, None, None), None);
        assert_eq!(
            Grant::from_columns("viewer", Some(1), None, None),
            Some(Grant {
                role: Role::Viewer,
                scope: Scope::City
            })
        );
    }
}

/// What a user may see of the city's follow-up work: everything, or the union of their
/// districts, organisations and neighborhoods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    pub all: bool,
    pub districts: Vec<i64>,
    pub organisations: Vec<i64>,
    pub neighborhoods: Vec<i64>,
}

/// Something done to a resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Create meetings and resolutions, edit them, decide extensions, cancel and reopen.
    Secretariat,
    /// Start work, report progress, mark done, ask for more time.
    Execute,
}

/// Who is involved in a resolution.
#[derive(Debug, Clone, Copy)]
pub struct Parties<'a> {
    pub lead: i64,
    pub partners: &'a [i64],
    /// The district of the meeting or of the resolution, if any.
    pub district: Option<i64>,
}

impl Reach {
    /// The reach of these scopes, each id once.
    fn of(scopes: impl Iterator<Item = Scope>) -> Reach {
        let mut r = Reach::default();
        for scope in scopes {
            let (list, id) = match scope {
                Scope::City => {
                    r.all = true;
                    continue;
                }
                Scope::District(d) => (&mut r.districts, d),
                Scope::Organisation(o) => (&mut r.organisations, o),
                Scope::Neighborhood(n) => (&mut r.neighborhoods, n),
            };
            if !list.contains(&id) {
                list.push(id);
            }
        }
        r
    }

    /// Whether a record in this district / neighborhood, involving these organisations, is in reach.
    pub fn sees(
        &self,
        district: Option<i64>,
        neighborhood: Option<i64>,
        organisations: &[i64],
    ) -> bool {
        self.all
            || district.is_some_and(|d| self.districts.contains(&d))
            || neighborhood.is_some_and(|n| self.neighborhoods.contains(&n))
            || organisations.iter().any(|o| self.organisations.contains(o))
    }
}

impl Principal {
    /// What the user's roles reach, and the organisations they act for by delegation (their
    /// requests and resolutions are the delegate's work).
    pub fn reach(&self) -> Reach {
        let acting = self
            .delegated
            .iter()
            .filter(|d| !d.power.is_territorial())
            .map(|d| d.scope);
        Reach::of(self.grants.iter().map(|g| g.scope).chain(acting))
    }

    /// [`Principal::reach`] widened by the territorial powers delegated to the user (deciding
    /// extensions, filing resolutions): the meetings and resolutions those powers act on. The
    /// rest of a district's records (requests, visits, challenges) stay out of a delegate's reach.
    pub fn follow_up_reach(&self) -> Reach {
        let delegated = self.delegated.iter().map(|d| d.scope);
        Reach::of(self.grants.iter().map(|g| g.scope).chain(delegated))
    }

    /// The city's secretariat: the mayor's office, deputies and administrators.
    pub fn is_city_secretariat(&self) -> bool {
        self.grants
            .iter()
            .any(|g| matches!(g.role, Role::Admin | Role::MayorOffice | Role::Deputy))
    }

    /// Secretariat of a meeting: the city's, or the district mayor for their district's meetings.
    pub fn is_secretariat_for(&self, district: Option<i64>) -> bool {
        self.is_city_secretariat()
            || self.grants.iter().any(|g| {
                g.role == Role::DistrictMayor && Some(g.scope) == district.map(Scope::District)
            })
    }

    /// Sits on this neighborhood's council (شورایاری).
    pub fn on_council(&self, neighborhood: i64) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::CouncilMember && g.scope == Scope::Neighborhood(neighborhood))
    }

    /// Secretariat of some meeting: who may record meetings at all (the district chosen is
    /// checked against [`Principal::is_secretariat_for`]).
    pub fn may_record_meetings(&self) -> bool {
        self.is_city_secretariat() || self.has(Role::DistrictMayor)
    }

    /// A liaison acting for this organisation (by role).
    pub fn acts_for(&self, organisation: i64) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::Liaison && g.scope == Scope::Organisation(organisation))
    }

    /// Works on this organisation's requests and resolutions: its liaison, or someone the
    /// liaison delegated that to while the delegation is in force.
    pub fn works_for(&self, organisation: i64) -> bool {
        self.holds(
            crate::delegations::Power::ActForOrganisation,
            Scope::Organisation(organisation),
        )
    }

    /// The rule for acting on a resolution. Reporting and asking for time belong to the lead
    /// organisation (partners report too); the secretariat may always act.
    pub fn may(&self, act: Act, p: Parties<'_>) -> bool {
        if self.is_secretariat_for(p.district) {
            return true;
        }
        match act {
            Act::Secretariat => false,
            Act::Execute => self.works_for(p.lead) || p.partners.iter().any(|&o| self.works_for(o)),
        }
    }

    /// Who keeps the registry of a district — its neighborhoods, the organisations and people
    /// it keeps: administrators everywhere, a district mayor in their own district. Records of no
    /// district (the districts themselves, the city's bodies and people) are the administrators'.
    pub fn keeps_registry(&self, district: Option<i64>) -> bool {
        self.is_admin()
            || district.is_some_and(|d| {
                self.grants
                    .iter()
                    .any(|g| g.role == Role::DistrictMayor && g.scope == Scope::District(d))
            })
    }

    /// Keeps a person's record: the registry of the district that keeps them, or, for someone
    /// the city keeps, of any district they serve in (a council seat, a pillar role).
    pub fn keeps_person(&self, district: Option<i64>, serves_in: &[i64]) -> bool {
        match district {
            Some(_) => self.keeps_registry(district),
            None => self.is_admin() || serves_in.iter().any(|&d| self.keeps_registry(Some(d))),
        }
    }

    /// Keeps some part of the registry (so the forms to change it are offered).
    pub fn keeps_any_registry(&self) -> bool {
        self.is_admin() || self.has(Role::DistrictMayor)
    }

    /// Sees people's personal contact details (phone, e-mail): the municipality's staff — the
    /// city secretariat and district mayors — not liaisons, council members or viewers.
    pub fn sees_contacts(&self) -> bool {
        self.is_city_secretariat() || self.has(Role::DistrictMayor)
    }

    /// Only the lead organisation asks for a later deadline.
    pub fn may_request_extension(&self, p: Parties<'_>) -> bool {
        self.is_secretariat_for(p.district) || self.works_for(p.lead)
    }
}

#[cfg(test)]
mod act_tests {
    use super::*;

    #[test]
    fn the_registry_is_kept_by_admins_and_each_district_mayor_for_their_district() {
        let admin = who(Role::Admin, Scope::City);
        let d14 = who(Role::DistrictMayor, Scope::District(14));
        let mayor = who(Role::MayorOffice, Scope::City);
        assert!(admin.keeps_registry(None) && admin.keeps_registry(Some(6)));
        assert!(d14.keeps_registry(Some(14)) && !d14.keeps_registry(Some(6)));
        assert!(
            !d14.keeps_registry(None),
            "city records are the administrators'"
        );
        assert!(!mayor.keeps_registry(Some(14)) && !mayor.keeps_any_registry());
        assert!(d14.keeps_any_registry());
        assert!(d14.keeps_person(Some(14), &[]) && !d14.keeps_person(Some(6), &[14]));
        assert!(d14.keeps_person(None, &[6, 14]) && !d14.keeps_person(None, &[6]));
        assert!(admin.keeps_person(None, &[]));
        assert!(mayor.sees_contacts() && d14.sees_contacts());
        assert!(!who(Role::Liaison, Scope::Organisation(3)).sees_contacts());
        assert!(!who(Role::CouncilMember, Scope::Neighborhood(7)).sees_contacts());
        assert!(!who(Role::Viewer, Scope::City).sees_contacts());
    }

    fn who(role: Role, scope: Scope) -> Principal {
        Principal {
            user_id: 1,
            grants: vec![Grant { role, scope }],
            delegated: Vec::new(),
        }
    }

    #[test]
    fn liaisons_act_for_their_organisation_only() {
        let water = who(Role::Liaison, Scope::Organisation(10));
        let p = Parties {
            lead: 10,
            partners: &[20],
            district: Some(14),
        };
        assert!(water.may(Act::Execute, p));
        assert!(water.may_request_extension(p));
        assert!(!water.may(Act::Secretariat, p));
        let power = who(Role::Liaison, Scope::Organisation(20));
        assert!(power.may(Act::Execute, p), "partners report");
        assert!(
            !power.may_request_extension(p),
            "only the lead asks for time"
        );
        let gas = who(Role::Liaison, Scope::Organisation(30));
        assert!(!gas.may(Act::Execute, p));
    }

    #[test]
    fn secretariats() {
        let p = Parties {
            lead: 10,
            partners: &[],
            district: Some(14),
        };
        assert!(who(Role::MayorOffice, Scope::City).may(Act::Secretariat, p));
        assert!(who(Role::DistrictMayor, Scope::District(14)).may(Act::Secretariat, p));
        assert!(!who(Role::DistrictMayor, Scope::District(3)).may(Act::Secretariat, p));
        assert!(!who(Role::DistrictMayor, Scope::District(14)).may(
            Act::Secretariat,
            Parties {
                district: None,
                ..p
            }
        ));
        assert!(!who(Role::Viewer, Scope::City).may(Act::Execute, p));
        assert!(!who(Role::CouncilMember, Scope::Neighborhood(5)).may(Act::Execute, p));
    }

    #[test]
    fn reach_is_the_union_of_scopes() {
        let p = Principal {
            user_id: 1,
            grants: vec![
                Grant {
                    role: Role::DistrictMayor,
                    scope: Scope::District(14),
                },
                Grant {
                    role: Role::Liaison,
                    scope: Scope::Organisation(7),
                },
            ],
            delegated: Vec::new(),
        };
        assert_eq!(
            p.reach(),
            Reach {
                all: false,
                districts: vec![14],
                organisations: vec![7],
                neighborhoods: vec![]
            }
        );
        assert!(who(Role::Viewer, Scope::City).reach().all);
        let r = p.reach();
        assert!(r.sees(Some(14), None, &[]));
        assert!(r.sees(None, None, &[3, 7]), "a partner organisation");
        assert!(!r.sees(Some(3), Some(99), &[3]));
    }
}
