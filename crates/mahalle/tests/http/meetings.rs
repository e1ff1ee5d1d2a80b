//! A meeting's chair, invitees and attendance, as the secretariat records them before and after
//! the meeting.

use crate::helpers::TestApp;
use crate::helpers::{jalali_in, org_id};

/// (id, Persian name) of the first `n` people of the directory.
async fn people(app: &TestApp, n: usize) -> Vec<(i64, String)> {
    let (_, json) = app
        .get_json(&format!("/api/v1/people?sort=id&per_page={n}"))
        .await;
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_i64().unwrap(),
                p["full_name_fa"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The part of a page from `id="{id}"` to the end of its section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("section {id}"));
    let end = page[start..].find("</section>").unwrap() + start;
    &page[start..end]
}

#[tokio::test]
async fn the_chair_invitees_and_those_present_are_recorded_and_shown() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let ppl = people(&sec, 3).await;
    let ((chair, chair_name), (p1, p1_name), (p2, p2_name)) =
        (ppl[0].clone(), ppl[1].clone(), ppl[2].clone());
    assert_ne!(
        p1_name, p2_name,
        "the demo's first people have distinct names"
    );
    let hq = org_id(&sec, "HQ-SOCIAL").await;
    let water = org_id(&sec, "AG-WATER").await;
    let fire = org_id(&sec, "AG-GAS").await;

    // A person who is not in the directory is explained, in the form's language, not a 500.
    let bad = sec
        .post_form(
            "/meetings",
            &[
                ("kind", "hq_session"),
                ("body_id", &hq.to_string()),
                ("title", "جلسه با رئیس ناشناس"),
                ("date", &jalali_in(0)),
                ("time", "10:00"),
                ("chair", "کسی که نیست"),
            ],
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    assert!(bad
        .text()
        .await
        .unwrap()
        .contains("در فهرست افراد پیدا نشد"));

    let invite = format!("#{p1}\n#{p2}");
    let r = sec
        .post_form(
            "/meetings",
            &[
                ("kind", "hq_session"),
                ("body_id", &hq.to_string()),
                ("title", "جلسه هماهنگی آب و آتش‌نشانی"),
                ("date", &jalali_in(0)),
                ("time", "10:00"),
                ("chair", &format!("#{chair}")),
                ("invite_people", &invite),
                ("invited_orgs", &water.to_string()),
                ("invited_orgs", &fire.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let meeting: i64 = loc.trim_start_matches("/meetings/").parse().unwrap();

    let (_, page) = sec.get_text(&format!("/meetings/{meeting}")).await;
    assert!(page.contains(&format!(
        "<dd id=\"chair\"><a href=\"/people/{chair}\">{chair_name}</a>"
    )));
    let invited = section(&page, "invited");
    for name in [&p1_name, &p2_name] {
        assert!(invited.contains(name.as_str()), "{name} invited");
    }
    assert!(invited.contains(&format!("/organisations/{water}")));
    assert!(invited.contains(&format!("/organisations/{fire}")));
    assert!(
        !section(&page, "present").contains(&p1_name),
        "no one present yet"
    );

    // After the meeting: the first person and the water company were there.
    let r = sec
        .post_form(
            &format!("/meetings/{meeting}/attendance"),
            &[
                ("chair", &format!("#{chair} {chair_name}")),
                ("present", &format!("p{p1}")),
                ("present", &format!("o{water}")),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = sec.get_text(&format!("/meetings/{meeting}")).await;
    let present = section(&page, "present");
    assert!(present.contains(&p1_name));
    assert!(!present.contains(&p2_name), "the second person was absent");
    assert!(present.contains(&format!("/organisations/{water}")));
    assert!(!present.contains(&format!("/organisations/{fire}")));
    assert!(
        section(&page, "invited").contains(&p2_name),
        "absent invitees stay invited"
    );
    assert!(
        page.contains(&format!("/people/{chair}\">{chair_name}")),
        "chair kept"
    );

    // Only invitees can be present; the message says so.
    let r = sec
        .post_form(
            &format!("/meetings/{meeting}/attendance"),
            &[("present", &format!("p{}", ppl[0].0 + 100_000))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("تنها دعوت‌شدگان جلسه را می‌توان حاضر ثبت کرد"));

    // A liaison sees the lists but cannot change them.
    let liaison = TestApp::spawn_on(&sec.db_url).await;
    liaison.login_as("water").await;
    let (_, lpage) = liaison.get_text(&format!("/meetings/{meeting}")).await;
    assert!(section(&lpage, "present").contains(&p1_name));
    assert!(!lpage.contains(&format!("action=\"/meetings/{meeting}/attendance\"")));
    let r = liaison
        .post_form(
            &format!("/meetings/{meeting}/attendance"),
            &[("present", &format!("p{p2}"))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let (_, page) = sec.get_text(&format!("/meetings/{meeting}")).await;
    assert!(
        !section(&page, "present").contains(&p2_name),
        "nothing changed"
    );

    // Both changes are in the audit log, with who was present before and after.
    let store = mahalle_db::Store::connect(&sec.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 50).await.unwrap();
    let created = entries
        .iter()
        .find(|e| e.action == "create" && e.entity == "meeting" && e.entity_id == Some(meeting))
        .unwrap();
    assert!(created
        .after
        .as_deref()
        .unwrap()
        .contains(&format!("\"chair_person_id\":{chair}")));
    let edit = entries
        .iter()
        .find(|e| e.action == "edit_attendance" && e.entity_id == Some(meeting))
        .expect("attendance audited");
    assert!(edit.before.as_deref().unwrap().contains("\"present\":[]"));
    let after: serde_json::Value = serde_json::from_str(edit.after.as_deref().unwrap()).unwrap();
    assert_eq!(
        after["present"],
        serde_json::json!([{ "kind": "person", "id": p1 }, { "kind": "organisation", "id": water }]),
        "{after}"
    );
    assert_eq!(after["invited"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn the_api_shows_and_records_attendance_with_a_token() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let ppl = people(&sec, 2).await;
    let hq = org_id(&sec, "HQ-SOCIAL").await;
    let water = org_id(&sec, "AG-WATER").await;
    let r = sec
        .post_form(
            "/meetings",
            &[
                ("kind", "think_tank"),
                ("body_id", &hq.to_string()),
                ("title", "اندیشگاه محله"),
                ("date", &jalali_in(0)),
                ("time", "16:00"),
                ("invited_orgs", &water.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let meeting: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/meetings/")
        .parse()
        .unwrap();
    let url = sec.url(&format!("/api/v1/meetings/{meeting}/attendance"));
    let body = serde_json::json!({
        "chair_person_id": ppl[0].0,
        "invite_people": [ppl[1].0],
        "present_people": [ppl[1].0],
        "present_organisations": [water],
    });
    // A browser session alone cannot write through the API.
    let r = sec.client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let token = crate::helpers::api_token(&sec).await;
    let api = crate::helpers::new_client();
    let r = api
        .post(&url)
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, m) = sec.get_json(&format!("/api/v1/meetings/{meeting}")).await;
    assert_eq!(m["chair_person_id"], ppl[0].0);
    let att = m["attendees"].as_array().unwrap();
    assert_eq!(att.len(), 2, "{m}");
    assert!(att.iter().all(|a| a["present"] == true), "{m}");
    // Presence of someone not invited is refused with a typed, bilingual error.
    let r = api
        .post(&url)
        .bearer_auth(&token)
        .json(&serde_json::json!({ "present_organisations": [water + 100_000] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let err: serde_json::Value = r.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "present");
    // A client that only invites someone leaves the chair and who was present as they were.
    let r = api
        .post(&url)
        .bearer_auth(&token)
        .json(&serde_json::json!({ "invite_organisations": [hq] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, m) = sec.get_json(&format!("/api/v1/meetings/{meeting}")).await;
    assert_eq!(m["chair_person_id"], ppl[0].0);
    let att = m["attendees"].as_array().unwrap();
    assert_eq!(att.len(), 3, "{m}");
    assert_eq!(
        att.iter().filter(|a| a["present"] == true).count(),
        2,
        "{m}"
    );
    // An explicit null removes the chair.
    let r = api
        .post(&url)
        .bearer_auth(&token)
        .json(&serde_json::json!({ "chair_person_id": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, m) = sec.get_json(&format!("/api/v1/meetings/{meeting}")).await;
    assert!(m["chair_person_id"].is_null(), "{m}");
    // The OpenAPI document describes the endpoint.
    let (_, doc) = sec.get_json("/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/meetings/{id}/attendance"]["post"].is_object());
    assert!(doc["components"]["schemas"]["AttendanceInput"].is_object());
}

#[tokio::test]
async fn a_meeting_is_created_corrected_and_given_files_through_the_api() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let token = crate::helpers::api_token(&sec).await;
    let api = crate::helpers::new_client();
    let hq = org_id(&sec, "HQ-SOCIAL").await;
    let water = org_id(&sec, "AG-WATER").await;
    let ppl = people(&sec, 1).await;
    let post = |path: &str, body: serde_json::Value| {
        api.post(sec.url(path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    // Every field's error at once, in both languages, and nothing is recorded.
    let before = sec.get_json("/api/v1/meetings").await.1["total"].clone();
    let r = post(
        "/api/v1/meetings",
        serde_json::json!({ "kind": "party", "body_id": hq, "title": " ", "date": "1403/13/40", "time": "25:00" }),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let err: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in ["kind", "title", "date", "time"] {
        assert!(fields.contains(&f), "{f} in {err}");
    }
    assert_eq!(sec.get_json("/api/v1/meetings").await.1["total"], before);

    // A valid one is numbered, invited and audited like the form's.
    let r = post(
        "/api/v1/meetings",
        serde_json::json!({
            "kind": "think_tank", "body_id": hq, "title": "نشست هم‌اندیشی ارکان محله",
            "date": jalali_in(3), "time": "۱۷:۳۰", "agenda": ["گزارش شورایاران", " "],
            "chair_person_id": ppl[0].0, "invite_organisations": [water],
        }),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, m) = sec.get_json(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(m["title"], "نشست هم‌اندیشی ارکان محله");
    assert_eq!(m["chair_person_id"], ppl[0].0);
    assert_eq!(m["agenda"].as_array().unwrap().len(), 1, "{m}");
    assert_eq!(
        m["attendees"].as_array().unwrap().len(),
        1,
        "the organisation; the chair apart: {m}"
    );
    let (_, page) = sec.get_text(&format!("/meetings/{id}")).await;
    assert!(page.contains("گزارش شورایاران"));

    // Minutes and details are replaced; the old ones stay in the audit log.
    let r = api
        .put(sec.url(&format!("/api/v1/meetings/{id}/minutes")))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "minutes": "مصوب شد که …" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["minutes"],
        "مصوب شد که …"
    );
    let details = |title: &str| {
        api.put(sec.url(&format!("/api/v1/meetings/{id}/details")))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "title": title, "place": "سرای محله", "date": jalali_in(4), "time": "09:00" }))
            .send()
    };
    assert_eq!(details("").await.unwrap().status().as_u16(), 422);
    let r = details("نشست دوم").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let m: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (m["title"].as_str(), m["place"].as_str()),
        (Some("نشست دوم"), Some("سرای محله"))
    );

    // A file is attached, sniffed by its content, listed and downloadable.
    let r = api
        .post(sec.url(&format!(
            "/api/v1/meetings/{id}/attachments?filename=minutes.pdf"
        )))
        .bearer_auth(&token)
        .body(b"%PDF-1.4\n%minutes\n".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let file = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, m) = sec.get_json(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(m["attachments"][0]["id"], file);
    assert_eq!(m["attachments"][0]["content_type"], "application/pdf");
    let r = sec.get(&format!("/attachments/{file}")).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4\n%minutes\n");
    let r = api
        .post(sec.url(&format!("/api/v1/meetings/{id}/attachments?filename=x.exe")))
        .bearer_auth(&token)
        .body(b"MZ\x90\x00".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);

    let store = mahalle_db::Store::connect(&sec.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 20).await.unwrap();
    for action in ["create", "edit_minutes", "edit_details", "attach"] {
        assert!(
            entries
                .iter()
                .any(|e| e.action == action && e.entity == "meeting" && e.entity_id == Some(id)),
            "{action} audited"
        );
    }

    // A district mayor records meetings of their own district only; a liaison none.
    let d14 = TestApp::spawn_on(&sec.db_url).await;
    d14.login_as("d14").await;
    let d14_token = crate::helpers::api_token(&d14).await;
    let r = api
        .post(sec.url("/api/v1/meetings"))
        .bearer_auth(&d14_token)
        .json(&serde_json::json!({ "kind": "hq_session", "body_id": hq, "title": "جلسه شهر", "date": jalali_in(1), "time": "10:00" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let err: serde_json::Value = r.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "district_id", "{err}");
    let r = api
        .put(sec.url(&format!("/api/v1/meetings/{id}/minutes")))
        .bearer_auth(&d14_token)
        .json(&serde_json::json!({ "minutes": "—" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    let (_, doc) = sec.get_json("/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/meetings"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/meetings/{id}/minutes"]["put"].is_object());
    assert!(doc["paths"]["/api/v1/meetings/{id}/details"]["put"].is_object());
    assert!(doc["paths"]["/api/v1/meetings/{id}/attachments"]["post"].is_object());
}
