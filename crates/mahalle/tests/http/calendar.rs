//! The meetings calendar by Jalali month, and the iCalendar feeds calendar apps subscribe to.

use mahalle_core::calendar::{next_month, prev_month, unfold};
use mahalle_core::jalali::{month_name_en, month_name_fa, JalaliDate};
use mahalle_core::text::to_persian_digits;

use crate::helpers::api_token as token;
use crate::helpers::{new_client, TestApp};

/// The id of the Social HQ, whose weekly sessions the demo loads for the past year.
async fn social_hq(app: &TestApp) -> i64 {
    let (status, json) = app
        .get_json("/api/v1/organisations?kind=headquarters&per_page=200")
        .await;
    assert_eq!(status, 200);
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "HQ-SOCIAL")
        .and_then(|o| o["id"].as_i64())
        .expect("HQ-SOCIAL in the demo")
}

fn this_month() -> (i32, u8) {
    let j = JalaliDate::from_gregorian(mahalle_web::today());
    (j.year, j.month)
}

/// Distinct meeting ids linked from a page.
fn meeting_links(body: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = body
        .split("href=\"/meetings/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[tokio::test]
async fn month_page_shows_the_social_hq_sessions_in_persian() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let hq = social_hq(&app).await;
    // Last month lies wholly in the past year of weekly sessions.
    let (y, m) = prev_month(this_month().0, this_month().1);
    let (status, body) = app.get_text(&format!("/calendar?year={y}&month={m}")).await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"<html lang="fa" dir="rtl">"#));
    let title = format!("{} {}", month_name_fa(m), to_persian_digits(&y.to_string()));
    assert!(
        body.contains(&format!("<h1>{title} ")),
        "month title {title}"
    );
    // Saturday-first weekday headers.
    let sat = body.find(r#"<th scope="col">شنبه</th>"#).expect("Saturday");
    let fri = body.find(r#"<th scope="col">جمعه</th>"#).expect("Friday");
    assert!(sat < fri);
    // Day numbers in Persian digits, never Latin ones.
    assert!(body.contains("<strong>۱</strong>") && body.contains("<strong>۲۹</strong>"));
    assert!(!body.contains("<strong>1</strong>"));
    // A session a week: at least four in any month, each shown in the grid and in the list.
    let ids = meeting_links(&body);
    assert!(ids.len() >= 4, "{ids:?}");
    assert!(body.contains("قرارگاه اجتماعی شهر تهران"));
    for id in &ids {
        let link = format!("href=\"/meetings/{id}\"");
        assert_eq!(
            body.matches(&link).count(),
            2,
            "meeting {id} in grid and list"
        );
    }
    assert!(body.contains("جلسه قرارگاه"), "HQ session kind label");
    assert!(body.contains(r#"<time datetime=""#));
    // The subscription box offers the HQ's feed and a private link to it.
    assert!(body.contains(&format!("href=\"/calendar/{hq}.ics\"")));
    assert!(body.contains(&format!("name=\"body_id\" value=\"{hq}\"")));
    assert!(body.contains("href=\"/account#feeds\""));
    // No inline styles or scripts (the CSP forbids them).
    assert!(!body.contains("style="));
    assert_eq!(body.matches("<script").count(), 1, "only app.js");
}

#[tokio::test]
async fn month_navigation_and_today() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let (y, m) = this_month();
    let (status, body) = app.get_text("/calendar").await;
    assert_eq!(status, 200);
    let title = format!("{} {}", month_name_fa(m), to_persian_digits(&y.to_string()));
    assert!(
        body.contains(&format!("<h1>{title} ")),
        "current month {title}"
    );
    assert!(body.contains(r#"aria-current="date""#), "today is marked");
    let (py, pm) = prev_month(y, m);
    let (ny, nm) = next_month(y, m);
    // Attribute values are HTML-escaped (`&` as `&#38;` or `&amp;`).
    let hrefs = body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(hrefs.contains(&format!(
        "href=\"/calendar?year={py}&month={pm}\" rel=\"prev\""
    )));
    assert!(hrefs.contains(&format!(
        "href=\"/calendar?year={ny}&month={nm}\" rel=\"next\""
    )));
    // Following "next" twelve times crosses into the next year.
    let (mut yy, mut mm) = (y, m);
    for _ in 0..12 {
        (yy, mm) = next_month(yy, mm);
    }
    assert_eq!((yy, mm), (y + 1, m));
    let (status, body) = app
        .get_text(&format!("/calendar?year={yy}&month={mm}"))
        .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("در این ماه جلسه‌ای ثبت نشده است."),
        "no sessions a year ahead"
    );
    // Persian digits in the query are understood; nonsense is a 400, not a 500.
    let q = format!(
        "/calendar?year={}&month={}",
        to_persian_digits(&y.to_string()),
        to_persian_digits(&m.to_string())
    );
    let (status, again) = app.get_text(&q).await;
    assert_eq!(status, 200);
    assert!(again.contains(&format!("<h1>{title} ")));
    assert_eq!(
        app.get("/calendar?year=1404&month=13")
            .await
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        app.get("/calendar?year=1404&month=x")
            .await
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        app.get("/calendar?year=99999&month=1")
            .await
            .status()
            .as_u16(),
        400
    );

    // In English: romanised month names and Saturday-first English weekdays.
    app.get("/settings/lang/en?next=/calendar").await;
    let (_, body) = app.get_text(&format!("/calendar?year={y}&month={m}")).await;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(body.contains(&format!("<h1>{} {y} ", month_name_en(m))));
    let sat = body.find(r#"<th scope="col">Saturday</th>"#).unwrap();
    assert!(sat < body.find(r#"<th scope="col">Friday</th>"#).unwrap());
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let r = app.get("/calendar?year=1404&month=9").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers()["location"],
        "/login?next=/calendar%3Fyear%3D1404%26month%3D9"
    );
}

#[tokio::test]
async fn ics_feed_for_calendar_apps() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let hq = social_hq(&app).await;
    let token = token(&app).await;
    let key = crate::helpers::feed_key(&app, hq).await;
    let calendar_app = new_client();

    let r = calendar_app
        .get(app.url(&format!("/calendar/{hq}.ics?key={key}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    assert_eq!(
        r.headers()["content-disposition"],
        "inline; filename=\"mahalle-hq-social.ics\""
    );
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("private"));
    let text = r.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(
        text.match_indices('\n')
            .all(|(i, _)| text[..i].ends_with('\r')),
        "CRLF line endings only"
    );
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let lines: Vec<String> = unfold(&text).split("\r\n").map(str::to_string).collect();
    for needed in [
        "METHOD:PUBLISH",
        "CALSCALE:GREGORIAN",
        "X-WR-TIMEZONE:Asia/Tehran",
        "X-WR-CALNAME:جلسات قرارگاه اجتماعی شهر تهران",
    ] {
        assert!(lines.iter().any(|l| l == needed), "{needed}");
    }
    // The last 30 days hold at least four weekly sessions.
    let events = lines.iter().filter(|l| *l == "BEGIN:VEVENT").count();
    assert!(events >= 4, "{events} events");
    let uids: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("UID:meeting-") && l.ends_with("@mahalle"))
        .collect();
    assert_eq!(uids.len(), events);
    // Sessions start at 09:00 Tehran time, 05:30 UTC, and last two hours.
    let starts: Vec<&String> = lines.iter().filter(|l| l.starts_with("DTSTART:")).collect();
    assert_eq!(starts.len(), events);
    assert!(starts.iter().all(|l| l.ends_with("T053000Z")), "{starts:?}");
    assert!(lines
        .iter()
        .filter(|l| l.starts_with("DTEND:"))
        .all(|l| l.ends_with("T073000Z")));
    // Links point back at this server, as the request addressed it.
    let url = format!("URL:{}/meetings/", app.addr);
    assert_eq!(lines.iter().filter(|l| l.starts_with(&url)).count(), events);
    // The agenda is in the description; Persian text survives folding.
    assert!(lines
        .iter()
        .any(|l| l.starts_with("DESCRIPTION:") && l.contains("گزارش پیشرفت مصوبات جلسات پیشین")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("SUMMARY:جلسه ") && l.ends_with(" قرارگاه اجتماعی شهر تهران")));

    // An API token may come as a Bearer header instead.
    let r = calendar_app
        .get(app.url(&format!("/calendar/{hq}.ics")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("BEGIN:VEVENT"));
    // English labels on request.
    let r = calendar_app
        .get(app.url(&format!("/calendar/{hq}.ics?key={key}&lang=en")))
        .send()
        .await
        .unwrap();
    let en = unfold(&r.text().await.unwrap());
    assert!(en.contains("X-WR-CALNAME:Meetings of Tehran Social Headquarters"));
    // A signed-in browser can open the link on the calendar page.
    let r = app.get(&format!("/calendar/{hq}.ics")).await;
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn ics_feed_refuses_without_a_valid_secret() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let hq = social_hq(&app).await;
    let token = token(&app).await;
    let key = crate::helpers::feed_key(&app, hq).await;
    let calendar_app = new_client();
    let get = |path: String| calendar_app.get(app.url(&path)).send();

    let r = get(format!("/calendar/{hq}.ics")).await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "no secret");
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    let json: serde_json::Value = r.json().await.unwrap();
    assert_eq!(json["error"]["code"], "unauthorized");
    let r = get(format!("/calendar/{hq}.ics?key=mhf_wrong"))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "wrong key");
    assert!(r.headers().contains_key("www-authenticate"));
    let r = calendar_app
        .get(app.url(&format!("/calendar/{hq}.ics?key={key}")))
        .bearer_auth("mht_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        401,
        "a wrong header is not rescued by the query"
    );
    // Full API tokens are not taken from an address, and a feed's key opens no other feed and
    // nothing of the API.
    let r = get(format!("/calendar/{hq}.ics?token={token}"))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "?token= is not read");
    let other = hq + 1;
    let r = get(format!("/calendar/{other}.ics?key={key}"))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "another body's feed");
    let r = calendar_app
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "a feed key is no API token");

    // Not a feed, or no such body.
    for path in [
        format!("/calendar/abc.ics?key={key}"),
        format!("/calendar/{hq}?key={key}"),
        format!("/calendar/{hq}.ics.txt?key={key}"),
    ] {
        let status = get(path.clone()).await.unwrap().status().as_u16();
        assert_eq!(status, 404, "{path}");
    }
    let r = calendar_app
        .get(app.url("/calendar/987654321.ics"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "no such body");

    // The link is listed on the account page (never its secret); revoking it ends its use.
    let (_, page) = app.get_text("/account").await;
    assert!(!page.contains(&key));
    let marker = "action=\"/account/feeds/";
    let start = page.find(marker).expect("revoke form") + marker.len();
    let id: String = page[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let r = app
        .post_form(&format!("/account/feeds/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = get(format!("/calendar/{hq}.ics?key={key}")).await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "revoked");
}
