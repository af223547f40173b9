#![allow(clippy::unwrap_used)]

use super::*;

async fn access_token(drive: &FakeDrive, http: &reqwest::Client) -> String {
    let answer: Value = http
        .post(drive.token_url())
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("refresh_token", REFRESH_TOKEN),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 3599);
    answer["access_token"].as_str().unwrap().to_string()
}

fn multipart(metadata: &str, media: &[u8]) -> Vec<u8> {
    let mut body = format!("--XyZ\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{metadata}\r\n--XyZ\r\nContent-Type: image/jpeg\r\n\r\n").into_bytes();
    body.extend_from_slice(media);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    body
}

#[tokio::test]
async fn refresh_upload_list_and_download_like_drive() {
    let drive = FakeDrive::start().await.unwrap();
    let http = reqwest::Client::new();
    let folder = drive.add_folder("Fotos", None);
    let token = access_token(&drive, &http).await;

    let created: Value = http
        .post(format!(
            "{}/upload/drive/v3/files?uploadType=multipart&fields=id,name,webViewLink",
            drive.url()
        ))
        .bearer_auth(&token)
        .header("content-type", "multipart/related; boundary=XyZ")
        .body(multipart(
            &format!(r#"{{"name":"a.jpg","parents":["{folder}"]}}"#),
            b"\xff\xd8bytes",
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["name"], "a.jpg");
    assert!(created["webViewLink"].as_str().unwrap().contains(id));
    assert!(created.get("mimeType").is_none(), "only the fields asked for");
    let stored = drive.file(id).unwrap();
    assert_eq!(
        (stored.mime_type.as_str(), &stored.bytes[..]),
        ("image/jpeg", &b"\xff\xd8bytes"[..])
    );

    let q = format!("name = 'a.jpg' and '{folder}' in parents and trashed = false");
    let listed: Value = http
        .get(format!("{}/drive/v3/files", drive.url()))
        .query(&[("q", q.as_str()), ("fields", "files(id,name)")])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["files"], json!([{ "id": id, "name": "a.jpg" }]));

    let bytes = http
        .get(format!("{}/drive/v3/files/{id}?alt=media", drive.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"\xff\xd8bytes");
    assert_eq!(drive.requests_to(Endpoint::Download).len(), 1);
}

#[tokio::test]
async fn wrong_credentials_expired_tokens_and_missing_parents_answer_googles_errors() {
    let drive = FakeDrive::start().await.unwrap();
    let http = reqwest::Client::new();
    let status = |r: reqwest::Response| r.status().as_u16();

    let bad_secret = http
        .post(drive.token_url())
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("client_secret", "wrong"),
            ("refresh_token", REFRESH_TOKEN),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(status(bad_secret), 401);

    let token = access_token(&drive, &http).await;
    let list = |t: String| {
        http.get(format!("{}/drive/v3/files?q=trashed%20%3D%20false", drive.url()))
            .bearer_auth(t)
            .send()
    };
    assert_eq!(status(list(token.clone()).await.unwrap()), 200);
    drive.expire_access_tokens();
    let expired = list(token).await.unwrap();
    assert_eq!(expired.status().as_u16(), 401);
    let body: Value = expired.json().await.unwrap();
    assert_eq!(body["error"]["errors"][0]["reason"], "authError");

    let token = access_token(&drive, &http).await;
    let folder = http
        .post(format!("{}/drive/v3/files", drive.url()))
        .bearer_auth(&token)
        .json(&json!({ "name": "x", "mimeType": FOLDER_MIME, "parents": ["nope"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(folder.status().as_u16(), 404);

    drive.revoke_refresh_token();
    let revoked = http
        .post(drive.token_url())
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("refresh_token", REFRESH_TOKEN),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status().as_u16(), 400);
    let body: Value = revoked.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn scripted_faults_apply_in_order_and_a_late_500_still_creates_the_file() {
    let drive = FakeDrive::start().await.unwrap();
    let http = reqwest::Client::new();
    let token = access_token(&drive, &http).await;
    drive.fail_next(Endpoint::Create, 1, Fault::TooManyRequests);
    drive.fail_next(Endpoint::Create, 1, Fault::ServerErrorAfterCommit);
    let create = || {
        http.post(format!("{}/drive/v3/files", drive.url()))
            .bearer_auth(&token)
            .json(&json!({ "name": "f", "mimeType": FOLDER_MIME }))
            .send()
    };
    assert_eq!(create().await.unwrap().status().as_u16(), 429);
    assert_eq!(drive.files_in("root").len(), 0);
    assert_eq!(create().await.unwrap().status().as_u16(), 500);
    assert_eq!(drive.files_in("root").len(), 1, "created before the 500");
    assert_eq!(create().await.unwrap().status().as_u16(), 200);
    let statuses: Vec<Option<u16>> = drive.requests_to(Endpoint::Create).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(429), Some(500), Some(200)]);
}
