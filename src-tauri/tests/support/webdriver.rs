//! A small W3C WebDriver client over reqwest: the handful of commands the end-to-end
//! tests use (sessions, finding elements, clicks, typing, keys, scripts, where the
//! window is). Screenshots come from the X server instead (`screen.rs`).
//!
//! Elements are found by what a person sees: a button by its visible name, a field by
//! the text of its `<label>`, an alert by its ARIA role (see the XPath helpers below).

use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key of an element reference in W3C WebDriver answers.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// WebDriver key codes for [`Session::press`].
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";
pub const CONTROL: &str = "\u{E009}";
/// How often `wait_*` looks again.
const POLL: Duration = Duration::from_millis(100);

/// A WebDriver error answer (or a transport failure).
#[derive(Debug)]
pub struct WdError {
    /// The W3C error code ("no such element", "stale element reference", …) or "transport".
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

pub type WdResult<T> = Result<T, WdError>;

fn transport(e: impl std::fmt::Display) -> WdError {
    WdError {
        error: "transport".into(),
        message: e.to_string(),
    }
}

/// One WebDriver session: one application started by the driver. Clones share it.
#[derive(Clone)]
pub struct Session {
    http: reqwest::Client,
    base: String,
    closed: bool,
    /// Bound for every `wait_*`.
    pub timeout: Duration,
}

/// An element of the page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Session {
    /// Asks the driver at `driver_url` for a new session of `application` (tauri-driver's
    /// `tauri:options`). Starting the app and its web view can take long on a busy machine.
    pub async fn start(driver_url: &str, application: &Path, timeout: Duration) -> WdResult<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(transport)?;
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "tauri:options": { "application": application.to_string_lossy() }
                }
            }
        });
        let value = send(http.post(format!("{driver_url}/session")).json(&capabilities)).await?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| transport(format!("no sessionId in {value}")))?
            .to_string();
        Ok(Self {
            http,
            base: format!("{driver_url}/session/{id}"),
            closed: false,
            timeout,
        })
    }

    /// Ends the session: the driver closes the application.
    pub async fn close(&mut self) -> WdResult<()> {
        self.closed = true;
        send(self.http.delete(&self.base)).await.map(|_| ())
    }

    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    async fn get(&self, path: &str) -> WdResult<Value> {
        send(self.http.get(format!("{}/{path}", self.base))).await
    }

    async fn post(&self, path: &str, body: &Value) -> WdResult<Value> {
        send(self.http.post(format!("{}/{path}", self.base)).json(body)).await
    }

    /// All elements matching `xpath` now (possibly none).
    pub async fn find_all(&self, xpath: &str) -> WdResult<Vec<Element>> {
        let value = self
            .post("elements", &json!({ "using": "xpath", "value": xpath }))
            .await?;
        Ok(value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT_KEY].as_str().map(|id| Element(id.to_string())))
            .collect())
    }

    /// Waits until `check` returns `Some`, failing with `what` and the last error after
    /// [`Session::timeout`].
    pub async fn wait_until<T, F, Fut>(&self, what: &str, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = WdResult<Option<T>>>,
    {
        let started = Instant::now();
        let mut last = String::from("never matched");
        loop {
            match check().await {
                Ok(Some(found)) => return found,
                Ok(None) => {}
                Err(e) => last = e.to_string(),
            }
            assert!(
                started.elapsed() < self.timeout,
                "timed out after {:?} waiting for {what} (last: {last})",
                self.timeout
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first displayed element matching `xpath`, once there is one.
    pub async fn wait_for(&self, xpath: &str) -> Element {
        self.wait_until(xpath, || async {
            for element in self.find_all(xpath).await? {
                if self.displayed(&element).await? {
                    return Ok(Some(element));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Waits until no displayed element matches `xpath`.
    pub async fn wait_gone(&self, xpath: &str) {
        self.wait_until(&format!("no {xpath}"), || async {
            for element in self.find_all(xpath).await? {
                if self.displayed(&element).await? {
                    return Ok(None);
                }
            }
            Ok(Some(()))
        })
        .await;
    }

    /// Waits for a displayed element matching `xpath` whose text contains `text`, and
    /// returns its whole text.
    pub async fn wait_for_text(&self, xpath: &str, text: &str) -> String {
        self.wait_until(&format!("{xpath} containing {text:?}"), || async {
            for element in self.find_all(xpath).await? {
                let seen = self.text(&element).await?;
                if seen.contains(text) && self.displayed(&element).await? {
                    return Ok(Some(seen));
                }
            }
            Ok(None)
        })
        .await
    }

    pub async fn displayed(&self, element: &Element) -> WdResult<bool> {
        Ok(self.get(&format!("element/{}/displayed", element.0)).await? == Value::Bool(true))
    }

    pub async fn enabled(&self, element: &Element) -> WdResult<bool> {
        Ok(self.get(&format!("element/{}/enabled", element.0)).await? == Value::Bool(true))
    }

    pub async fn text(&self, element: &Element) -> WdResult<String> {
        Ok(self
            .get(&format!("element/{}/text", element.0))
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// A DOM property of the element (`value`, `checked`, …).
    pub async fn property(&self, element: &Element, name: &str) -> WdResult<Value> {
        self.get(&format!("element/{}/property/{name}", element.0)).await
    }

    /// Clicks the first displayed, enabled element matching `xpath` (waiting for one).
    pub async fn click(&self, xpath: &str) {
        self.wait_until(&format!("clickable {xpath}"), || async {
            for element in self.find_all(xpath).await? {
                if self.displayed(&element).await? && self.enabled(&element).await? {
                    self.post(&format!("element/{}/click", element.0), &json!({})).await?;
                    return Ok(Some(()));
                }
            }
            Ok(None)
        })
        .await;
    }

    /// Replaces the text of the field matching `xpath`.
    pub async fn fill(&self, xpath: &str, text: &str) {
        let element = self.wait_for(xpath).await;
        self.post(&format!("element/{}/clear", element.0), &json!({}))
            .await
            .unwrap_or_else(|e| panic!("clearing {xpath}: {e}"));
        self.post(&format!("element/{}/value", element.0), &json!({ "text": text }))
            .await
            .unwrap_or_else(|e| panic!("typing into {xpath}: {e}"));
    }

    /// Presses and releases `key` (one character, or a WebDriver key code such as
    /// `"\u{E007}"` for Enter) on whatever has the focus, like a person at the keyboard.
    pub async fn press(&self, key: &str) {
        let actions = json!({ "actions": [{
            "type": "key",
            "id": "keyboard",
            "actions": [{ "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }]
        }]});
        self.post("actions", &actions)
            .await
            .unwrap_or_else(|e| panic!("pressing {key:?}: {e}"));
    }

    /// Presses and releases each key of `keys` in turn, in one action sequence (typing a
    /// text, or a chord-free series of shortcuts).
    pub async fn press_keys(&self, keys: &[&str]) {
        let events: Vec<Value> = keys
            .iter()
            .flat_map(|k| {
                [
                    json!({ "type": "keyDown", "value": k }),
                    json!({ "type": "keyUp", "value": k }),
                ]
            })
            .collect();
        let actions = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": events }] });
        self.post("actions", &actions)
            .await
            .unwrap_or_else(|e| panic!("pressing {keys:?}: {e}"));
    }

    /// Presses `key` while holding Control (Ctrl + =, …).
    pub async fn press_with_control(&self, key: &str) {
        let events = [
            json!({ "type": "keyDown", "value": CONTROL }),
            json!({ "type": "keyDown", "value": key }),
            json!({ "type": "keyUp", "value": key }),
            json!({ "type": "keyUp", "value": CONTROL }),
        ];
        let actions = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": events }] });
        self.post("actions", &actions)
            .await
            .unwrap_or_else(|e| panic!("pressing Ctrl+{key:?}: {e}"));
    }

    /// Types `text` key by key on whatever has the focus.
    pub async fn type_text(&self, text: &str) {
        let keys: Vec<String> = text.chars().map(String::from).collect();
        self.press_keys(&keys.iter().map(String::as_str).collect::<Vec<_>>())
            .await;
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns
    /// what it returns.
    pub async fn execute(&self, script: &str, args: &[Value]) -> WdResult<Value> {
        self.post("execute/sync", &json!({ "script": script, "args": args }))
            .await
    }

    /// Runs `script` in the page and waits until it calls its last argument (the
    /// callback) with the result; bounded by the session's script timeout (30 s).
    pub async fn execute_async(&self, script: &str, args: &[Value]) -> WdResult<Value> {
        self.post("execute/async", &json!({ "script": script, "args": args }))
            .await
    }

    /// Waits until the page has painted what the DOM holds now (two animation frames):
    /// WebKit's screenshot is its last painted frame.
    pub async fn settle(&self) -> WdResult<()> {
        let script = "const done = arguments[arguments.length - 1]; \
                      requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.post("execute/async", &json!({ "script": script, "args": [] }))
            .await
            .map(|_| ())
    }

    /// Moves the app's window so that its top-left corner is at `(x, y)` on the screen.
    pub async fn move_window(&self, x: i32, y: i32) -> WdResult<()> {
        self.post("window/rect", &json!({ "x": x, "y": y })).await.map(|_| ())
    }

    /// Makes the app's window `width`×`height` (outer size; Xvfb has no window manager,
    /// so no decorations: the page gets all of it).
    pub async fn set_window_size(&self, width: u32, height: u32) -> WdResult<()> {
        self.post("window/rect", &json!({ "width": width, "height": height }))
            .await
            .map(|_| ())
    }

    /// Where the app's window is on the screen.
    pub async fn window_rect(&self) -> WdResult<super::screen::Rect> {
        let value = self.get("window/rect").await?;
        let number = |key: &str| {
            value[key]
                .as_f64()
                .map(|n| n.max(0.0).round() as u32)
                .ok_or_else(|| transport(format!("window rect without {key}: {value}")))
        };
        Ok(super::screen::Rect {
            x: number("x")?,
            y: number("y")?,
            width: number("width")?,
            height: number("height")?,
        })
    }
}

/// Sends a request and unwraps the W3C `{"value": …}` envelope.
async fn send(request: reqwest::RequestBuilder) -> WdResult<Value> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    let body: Value = response.json().await.map_err(transport)?;
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if status.is_success() {
        Ok(value)
    } else {
        Err(WdError {
            error: value["error"].as_str().unwrap_or("unknown error").to_string(),
            message: value["message"].as_str().unwrap_or_default().to_string(),
        })
    }
}

/// An XPath string literal for `text` (which may contain quotes).
#[must_use]
pub fn literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// A button whose visible name starts with `name` (buttons may end with a `<kbd>` hint,
/// as in "Aprobar A").
#[must_use]
pub fn button(name: &str) -> String {
    format!("//button[starts-with(normalize-space(.), {})]", literal(name))
}

/// A link whose visible name is `name`.
#[must_use]
pub fn link(name: &str) -> String {
    format!("//a[normalize-space(.)={}]", literal(name))
}

/// The form field labelled `label`: by `<label for>`, or wrapped in its `<label>`.
#[must_use]
pub fn field(label: &str) -> String {
    let label = literal(label);
    format!(
        "//*[self::input or self::textarea or self::select][@id=//label[normalize-space(.)={label}]/@for \
         or ancestor::label[normalize-space(.)={label}]]"
    )
}

/// An element with ARIA role `role` (alert, status, dialog, note, …).
#[must_use]
pub fn role(role: &str) -> String {
    format!("//*[@role={}]", literal(role))
}

/// A heading (h1–h3) whose text is `text`.
#[must_use]
pub fn heading(text: &str) -> String {
    format!(
        "//*[self::h1 or self::h2 or self::h3][normalize-space(.)={}]",
        literal(text)
    )
}

/// The `<dd>` that follows the `<dt>` named `term` in a description list.
#[must_use]
pub fn fact(term: &str) -> String {
    format!("//dt[normalize-space(.)={}]/following-sibling::dd[1]", literal(term))
}
