//! Builders for the update objects tests push with
//! [`FakeTelegram::push_update`](crate::FakeTelegram::push_update), shaped as
//! Telegram sends them (without `update_id`, which the fake assigns).

use serde_json::{Value, json};

/// A person writing in a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
}

impl Person {
    pub fn new(id: i64, first_name: &str) -> Self {
        Self {
            id,
            first_name: first_name.to_string(),
            last_name: None,
            username: None,
        }
    }

    pub fn json(&self) -> Value {
        let mut v = json!({ "id": self.id, "is_bot": false, "first_name": self.first_name });
        if let Some(l) = &self.last_name {
            v["last_name"] = json!(l);
        }
        if let Some(u) = &self.username {
            v["username"] = json!(u);
        }
        v
    }
}

/// The `chat` object: supergroup for ids ≤ -10^12, group for other negative
/// ids, private for positive ones.
pub fn chat(chat_id: i64, title: &str) -> Value {
    if chat_id <= -1_000_000_000_000 {
        json!({ "id": chat_id, "type": "supergroup", "title": title })
    } else if chat_id < 0 {
        json!({ "id": chat_id, "type": "group", "title": title })
    } else {
        json!({ "id": chat_id, "type": "private", "first_name": title })
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// A message update with the given content fields (`photo`, `text`, …) sent now.
pub fn message(chat_id: i64, from: &Person, message_id: i64, content: Value) -> Value {
    message_at(chat_id, from, message_id, now(), content)
}

/// A message update sent at `date` (Unix seconds).
pub fn message_at(chat_id: i64, from: &Person, message_id: i64, date: i64, content: Value) -> Value {
    let mut m = json!({
        "message_id": message_id,
        "date": date,
        "chat": chat(chat_id, "Grupo"),
        "from": from.json(),
    });
    if let (Some(obj), Value::Object(extra)) = (m.as_object_mut(), content) {
        obj.extend(extra);
    }
    json!({ "message": m })
}

/// Content of a compressed photo (two sizes, as Telegram sends).
pub fn photo(file_id: &str, file_unique_id: &str, media_group_id: Option<&str>) -> Value {
    let mut v = json!({ "photo": [
        { "file_id": format!("{file_id}-thumb"), "file_unique_id": format!("{file_unique_id}-thumb"),
          "width": 90, "height": 68, "file_size": 1200 },
        { "file_id": file_id, "file_unique_id": file_unique_id, "width": 1280, "height": 960, "file_size": 150_000 },
    ]});
    if let Some(g) = media_group_id {
        v["media_group_id"] = json!(g);
    }
    v
}

/// Content of a file (document) with a MIME type.
pub fn document(file_id: &str, file_unique_id: &str, mime_type: &str, file_size: u64) -> Value {
    json!({ "document": { "file_id": file_id, "file_unique_id": file_unique_id, "file_name": "archivo",
                          "mime_type": mime_type, "file_size": file_size } })
}

pub fn text(text: &str) -> Value {
    json!({ "text": text })
}

/// A bot command as the text and entity Telegram sends.
pub fn command(text: &str) -> Value {
    let len = text.split_whitespace().next().map_or(0, |c| c.encode_utf16().count());
    json!({ "text": text, "entities": [{ "type": "bot_command", "offset": 0, "length": len }] })
}

pub fn sticker(file_id: &str) -> Value {
    json!({ "sticker": { "file_id": file_id, "file_unique_id": format!("{file_id}-u"), "type": "regular",
                         "width": 512, "height": 512, "is_animated": false, "is_video": false } })
}

pub fn video(file_id: &str) -> Value {
    json!({ "video": { "file_id": file_id, "file_unique_id": format!("{file_id}-u"), "width": 640, "height": 480,
                       "duration": 3, "mime_type": "video/mp4", "file_size": 200_000 } })
}

pub fn voice(file_id: &str) -> Value {
    json!({ "voice": { "file_id": file_id, "file_unique_id": format!("{file_id}-u"), "duration": 2, "mime_type": "audio/ogg",
                       "file_size": 5_000 } })
}

/// A press on an inline button of the bot's message `message_id` in `chat_id`.
pub fn callback(query_id: &str, from: &Person, chat_id: i64, message_id: i64, data: &str) -> Value {
    json!({ "callback_query": {
        "id": query_id,
        "from": from.json(),
        "chat_instance": format!("ci{chat_id}"),
        "data": data,
        "message": {
            "message_id": message_id,
            "date": now(),
            "chat": chat(chat_id, "Grupo"),
            "text": "…",
        },
    }})
}
