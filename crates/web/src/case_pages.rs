//! The signed-in pages: home, the caseworker's queue and the household page.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use app::AppError;
use app::access::{Permission, permissions};
use domain::HouseholdId;

use crate::lang::PageLang;
use crate::pages::{
    HomePage, HouseholdPage, MemberRow, NavUser, QueuePage, QueueRow, error_page, internal_error, render,
    role_label,
};
use crate::router::AppState;
use crate::session::Signed;

pub async fn home(lang: PageLang, signed: Signed) -> Response {
    let actor = &signed.signed_in.actor;
    let page = HomePage {
        lang: lang.0,
        t: lang.texts(),
        user: Some(NavUser::new(&signed.signed_in, lang.0)),
        here: "/hem".to_owned(),
        display_name: actor.display_name.clone(),
        role_label: role_label(actor.role, lang.0),
        permissions: permissions(actor.role)
            .iter()
            .map(|p| permission_code(*p))
            .collect(),
    };
    render(StatusCode::OK, &page)
}

pub async fn queue(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    let t = lang.texts();
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    match state.app.work_queue(&signed.signed_in.actor).await {
        Ok(items) => {
            let rows = items
                .into_iter()
                .map(|i| QueueRow {
                    application: i.application.get(),
                    received: i.received_on.to_string(),
                    month: i.month.to_string(),
                    household: i.household.get(),
                    members: i
                        .members
                        .into_iter()
                        .map(|(_, name, _)| name)
                        .collect::<Vec<_>>()
                        .join(", "),
                    status: t.application_status(&i.status),
                })
                .collect();
            render(
                StatusCode::OK,
                &QueuePage {
                    lang: lang.0,
                    t,
                    user,
                    here: "/arenden".to_owned(),
                    rows,
                },
            )
        }
        Err(e) => app_error(e, lang, user, "/arenden"),
    }
}

pub async fn household(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    let t = lang.texts();
    let here = format!("/hushall/{id}");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    match state
        .app
        .household(&signed.signed_in.actor, HouseholdId(id))
        .await
    {
        Ok(h) => {
            let members = h
                .members
                .iter()
                .map(|m| MemberRow {
                    name: m.person.name.clone(),
                    pnr: m.person.pnr.to_string(),
                    role: match m.role {
                        norm::contract::Role::Adult => t.adult,
                        norm::contract::Role::Child => t.child,
                    },
                    protected: m.person.protection.is_protected(),
                })
                .collect();
            let applications = h
                .applications
                .iter()
                .rev()
                .map(|a| crate::decision_pages::application_row(a, t))
                .collect();
            render(
                StatusCode::OK,
                &HouseholdPage {
                    lang: lang.0,
                    t,
                    user,
                    here,
                    id,
                    members,
                    applications,
                },
            )
        }
        Err(e) => app_error(e, lang, user, &here),
    }
}

/// Refusals are 403 pages, unknown records 404, anything else 500 with an operation id.
pub(crate) fn app_error(e: AppError, lang: PageLang, user: Option<NavUser>, here: &str) -> Response {
    match e {
        AppError::Denied(_) => error_page(StatusCode::FORBIDDEN, lang.0, user, here),
        AppError::Store(store::StoreError::NotFound { .. }) => {
            error_page(StatusCode::NOT_FOUND, lang.0, user, here)
        }
        other => internal_error(&other),
    }
}

pub(crate) fn permission_code(p: Permission) -> &'static str {
    match p {
        Permission::ApplyOwn => "apply_own",
        Permission::ReadCase => "read_case",
        Permission::EditCase => "edit_case",
        Permission::Decide => "decide",
        Permission::PreparePayments => "prepare_payments",
        Permission::ApprovePayments => "approve_payments",
        Permission::EditPlan => "edit_plan",
        Permission::ReadAggregates => "read_aggregates",
        Permission::ReadUnitCosts => "read_unit_costs",
        Permission::ReadAccessLog => "read_access_log",
        Permission::ManageUsers => "manage_users",
    }
}
