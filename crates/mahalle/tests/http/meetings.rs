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
    let r = sec
        .post_form("/account/tokens", &[("name", "attendance sync")])
        .await;
    let page = r.text().await.unwrap();
    let start = page.find("mht_").unwrap();
    let token = page[start..start + 68].to_string();
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
