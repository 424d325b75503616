//! A crawl of every role's pages in both languages over a small synthetic town: no page a citizen or a member of
//! staff can reach shows an internal id or an untranslated code, and no page fails.
//!
//! Each demo account signs in, starts at `/` and follows every link on the site that a GET can open (not the
//! language switch, downloads or sign-out), a few pages per kind of address (the digits of a path make its kind),
//! in Swedish and then in English. The visible text of each page (tags, scripts and styles removed; attributes are
//! not visible) is checked against the patterns in [`findings`].

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use app::{App, FixedClock};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use jiff::civil::date;
use norm::Month;
use store::SqlStore;
use tower::ServiceExt;
use web::router::AppState;
use web::{Config, router};

/// Pages visited per kind of address (per role and language): enough to see every template with real data.
const PER_KIND: usize = 3;
/// Pages visited per role and language at most.
const PER_ROLE: usize = 120;

struct Page {
    status: StatusCode,
    location: Option<String>,
    content_type: String,
    body: String,
}

async fn fetch(router: &Router, path: &str, cookie: &str) -> Page {
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let header_text = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let location = header_text(header::LOCATION);
    let content_type = header_text(header::CONTENT_TYPE).unwrap_or_default();
    let bytes = to_bytes(res.into_body(), 1 << 24).await.unwrap();
    Page {
        status,
        location,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn sign_in(router: &Router, username: &str) -> String {
    let form = fetch(router, "/login", "").await;
    let marker = "name=\"csrf_token\" value=\"";
    let start = form.body.find(marker).unwrap() + marker.len();
    let csrf = form.body[start..].split('"').next().unwrap().to_owned();
    let req = Request::post("/login")
        .header(header::COOKIE, format!("stegvis_login_csrf={csrf}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "username={username}&password={}&csrf_token={csrf}&next=/",
            app::service::DEMO_PASSWORD
        )))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{username} signs in");
    let session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("stegvis_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    format!("stegvis_session={session}")
}

/// The text a reader sees: everything outside tags, without scripts and styles, with the common entities decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let tag = &rest[open..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|t| tag.starts_with(**t))
            .map(|t| format!("</{}", &t[1..]));
        let end = match skip_to {
            Some(close) => tag.find(&close).and_then(|i| tag[i..].find('>').map(|j| i + j)),
            None => tag.find('>'),
        };
        rest = match end {
            Some(e) => &tag[e + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

/// Every same-site address a GET of this page may lead to.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in html.split("href=\"").skip(1) {
        let Some(href) = part.split('"').next() else {
            continue;
        };
        let href = href.replace("&amp;", "&");
        let href = href.split('#').next().unwrap_or_default().to_owned();
        if !href.starts_with('/') || href.starts_with("//") {
            continue;
        }
        let path = href.split('?').next().unwrap_or_default();
        let skipped = path.starts_with("/sprak/")
            || path.starts_with("/static/")
            || path.starts_with("/login")
            || path.starts_with("/logout")
            || path.starts_with("/dokument/")
            || path.starts_with("/api/")
            || path.ends_with(".pdf")
            || href.contains("format=csv");
        if !skipped {
            found.push(href);
        }
    }
    found
}

/// The kind of an address: its path with every run of digits as `N`, and its query's names.
fn kind(href: &str) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let mut k = String::new();
    let mut in_digits = false;
    for c in path.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                k.push('N');
            }
            in_digits = true;
        } else {
            in_digits = false;
            k.push(c);
        }
    }
    let mut names: Vec<&str> = query
        .split('&')
        .filter_map(|p| p.split('=').next())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    if !names.is_empty() {
        k.push('?');
        k.push_str(&names.join("&"));
    }
    k
}

/// Words before a number that would make the number an internal id ("Hushåll 1234").
const ID_LABELS: [&str; 8] = [
    "Hushåll",
    "Household",
    "Beslut",
    "Decision",
    "Ansökan",
    "Application",
    "Person",
    "staff:",
];

/// Swedish calculation and status words that an English page must not show.
const SWEDISH_ONLY: [&str; 8] = [
    "Personliga kostnader",
    "Hushållsgemensamma kostnader",
    "Barnbidrag",
    "Bostadsbidrag",
    "Riksnormen",
    "Utbetald",
    "Mottagen",
    "fastställd",
];

/// What is wrong with a page's visible text: internal ids, codes, raw JSON, untranslated words.
fn findings(text: &str, english: bool) -> Vec<String> {
    let mut found = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_' && c != ':');
        // A person id as the engine knows members: P followed by digits ("P13111", "(P12)").
        let trimmed = w.trim_matches(|c: char| !c.is_alphanumeric());
        if trimmed.len() > 1 && trimmed.starts_with('P') && trimmed[1..].chars().all(|c| c.is_ascii_digit()) {
            found.push(format!("person id `{w}`"));
        }
        // A code: lower-case words joined by underscores (`sickness_benefit`), or dotted event names.
        let is_code = |s: &str, sep: char| {
            s.contains(sep)
                && s.split(sep)
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        };
        let a_web_address =
            bare.starts_with("www") || [".se", ".com", ".org", ".eu"].iter().any(|d| bare.ends_with(d));
        if is_code(bare, '_') || (is_code(bare, '.') && bare.len() > 6 && !a_web_address) {
            found.push(format!("code `{bare}`"));
        }
        if bare.starts_with("staff:") {
            found.push(format!("staff id `{bare}`"));
        }
        // "Hushåll 1234": a label followed by a bare number (a year-month like 2026-03 is a month, not an id).
        if ID_LABELS.contains(&bare)
            && let Some(next) = words.get(i + 1)
        {
            let n = next.trim_end_matches([',', '.', ')', ':', ';']);
            let a_year = n.len() == 4 && n.starts_with("20");
            if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && !a_year {
                found.push(format!("id after a label: `{bare} {next}`"));
            }
        }
    }
    if text.contains("{\"") {
        found.push("raw JSON".to_owned());
    }
    if text.contains("riksnorm 20") || (text.contains("(official)") && !english) {
        found.push("the rule table's contract label".to_owned());
    }
    if english {
        for s in SWEDISH_ONLY {
            if text.contains(s) {
                found.push(format!("Swedish on an English page: `{s}`"));
            }
        }
    }
    found
}

#[test]
fn the_finder_catches_what_it_should_and_passes_plain_text() {
    let bad = "Hushåll 12 · (P13111) · sickness_benefit · staff:2 · household.read · {\"a\":1} · riksnorm 2026 (official)";
    let f = findings(bad, false);
    assert_eq!(f.len(), 7, "{f:?}");
    let good = "Alva Ek, Hushållet Ek · Ansökan 2026-03 · Beslut 2026-03-02 · SoL 4:1 · 6 500 kr · www.example.se · P-plats";
    assert_eq!(findings(good, false), Vec::<String>::new());
    assert_eq!(
        findings("Personal costs · Riksnormen 2026", true),
        vec!["Swedish on an English page: `Riksnormen`".to_owned()]
    );
    assert_eq!(
        visible_text("<p title=\"P12\">a<script>var x = \"P1\";</script> b</p>"),
        " a  b "
    );
    assert_eq!(kind("/hushall/12?lang=en&sida=2"), "/hushall/N?lang&sida");
}

async fn town() -> Router {
    let mut config = synth::Config::kristianstad(Month::new(2026, 11).unwrap());
    config.inhabitants = 3_000;
    config.seed = 7;
    let town = synth::generate(&config).unwrap();
    let store = SqlStore::connect("sqlite::memory:").await.unwrap();
    let at = "2026-11-23T08:00:00Z".parse().unwrap();
    // One real argon2id hash of the demo password, shared by every account: hashing per account is slow in a debug build.
    let hashed = app::auth::hash_password(app::service::DEMO_PASSWORD).unwrap();
    let hash = |_: &str| Ok(hashed.clone());
    app::seed::build(&store, &town, date(2026, 11, 23), at, &hash, &mut |_, _, _| {})
        .await
        .unwrap();
    let config = Config {
        demo_mode: true,
        secure_cookies: false,
        ..Config::default()
    };
    let clock = Arc::new(FixedClock::new("2026-11-23T10:00:00Z".parse().unwrap()));
    let app = App::new(store, clock, config.policy());
    router(Arc::new(AppState::new(config, app).unwrap()))
}

/// Visits a role's pages in one language; returns (pages seen, problems as "path: finding").
async fn crawl(router: &Router, cookie: &str, english: bool) -> (usize, Vec<String>) {
    let cookie = if english {
        format!("{cookie}; stegvis_lang=en")
    } else {
        cookie.to_owned()
    };
    let mut queue = VecDeque::from(["/".to_owned(), "/hem".to_owned()]);
    let mut seen = BTreeSet::new();
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut pages = 0;
    while let Some(href) = queue.pop_front() {
        if pages >= PER_ROLE || !seen.insert(href.clone()) {
            continue;
        }
        let n = per_kind.entry(kind(&href)).or_default();
        if *n >= PER_KIND {
            continue;
        }
        *n += 1;
        let page = fetch(router, &href, &cookie).await;
        if page.status.is_server_error() {
            problems.push(format!("{href}: status {}", page.status));
            continue;
        }
        if let Some(to) = page.location {
            queue.push_back(to);
            continue;
        }
        if !page.content_type.starts_with("text/html") {
            continue;
        }
        pages += 1;
        // One example per kind of finding on a page is enough to read.
        let mut kinds_seen = BTreeSet::new();
        for f in findings(&visible_text(&page.body), english) {
            if kinds_seen.insert(f.split('`').next().unwrap_or_default().to_owned()) {
                problems.push(format!("{href}: {f}"));
            }
        }
        queue.extend(links(&page.body));
    }
    (pages, problems)
}

#[tokio::test]
async fn no_page_of_any_role_shows_an_internal_id_or_an_untranslated_code() {
    let router = town().await;
    let mut accounts: Vec<String> = app::seed::DEMO_STAFF_ACCOUNTS
        .iter()
        .map(|(u, _)| (*u).to_owned())
        .collect();
    accounts.push("sokande1".to_owned());
    let mut problems = Vec::new();
    for username in &accounts {
        let cookie = sign_in(&router, username).await;
        for english in [false, true] {
            let (pages, found) = crawl(&router, &cookie, english).await;
            assert!(pages >= 1, "{username} reaches their start page");
            let lang = if english { "en" } else { "sv" };
            problems.extend(found.into_iter().map(|p| format!("{username} ({lang}) {p}")));
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
