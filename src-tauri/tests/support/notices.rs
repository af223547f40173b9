//! A fake freedesktop notification service (`org.freedesktop.Notifications`) on a
//! test machine's session bus: what a desktop's notification daemon is, speaking
//! the same D-Bus methods, recording every notice the app shows, and clicking
//! one the way a person does (the `ActionInvoked` signal).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use dbus::Message;
use dbus::blocking::Connection;
use dbus::channel::{Channel, MatchingReceiver, Sender};
use dbus::message::MatchRule;

const NAME: &str = "org.freedesktop.Notifications";

/// One notice as the app sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The id the service gave it (the one it replaced, when it replaced one).
    pub id: u32,
    /// The notice it asked to replace (0: none).
    pub replaces: u32,
    pub app_name: String,
    pub icon: String,
    pub summary: String,
    pub body: String,
    /// Action keys and labels, in pairs.
    pub actions: Vec<String>,
}

pub struct FakeNotifications {
    seen: Arc<Mutex<Vec<Notice>>>,
    /// Clicks to announce: (notice id, action key).
    clicks: Arc<Mutex<Vec<(u32, String)>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeNotifications {
    /// Owns the notification service's name on the bus at `address` (`unix:path=…`).
    #[must_use]
    pub fn serve(address: &str) -> Self {
        let mut channel = Channel::open_private(address).expect("connect to the test session bus");
        channel.register().expect("register on the test session bus");
        let connection = Connection::from(channel);
        connection
            .request_name(NAME, false, true, true)
            .expect("own org.freedesktop.Notifications");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&seen);
        connection.start_receive(
            MatchRule::new_method_call(),
            Box::new(move |call, conn| {
                let reply = match call.member().as_deref() {
                    Some("Notify") => {
                        let mut args = call.iter_init();
                        let app_name: String = args.read().expect("Notify: app_name");
                        let replaces: u32 = args.read().expect("Notify: replaces_id");
                        let icon: String = args.read().expect("Notify: app_icon");
                        let summary: String = args.read().expect("Notify: summary");
                        let body: String = args.read().expect("Notify: body");
                        let actions: Vec<String> = args.read().expect("Notify: actions");
                        let mut seen = recorded.lock().unwrap();
                        // As the specification says: a replaced notice keeps its id.
                        let id = if replaces == 0 {
                            u32::try_from(seen.len() + 1).unwrap() + 100
                        } else {
                            replaces
                        };
                        seen.push(Notice {
                            id,
                            replaces,
                            app_name,
                            icon,
                            summary,
                            body,
                            actions,
                        });
                        call.method_return().append1(id)
                    }
                    Some("GetCapabilities") => call
                        .method_return()
                        .append1(vec!["body".to_owned(), "actions".to_owned()]),
                    Some("GetServerInformation") => call
                        .method_return()
                        .append1("fake-notifications")
                        .append1("centermind-e2e")
                        .append1("1")
                        .append1("1.2"),
                    _ => return true,
                };
                let _ = conn.send(reply);
                true
            }),
        );
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let clicks: Arc<Mutex<Vec<(u32, String)>>> = Arc::default();
        let to_click = Arc::clone(&clicks);
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                for (id, action) in std::mem::take(&mut *to_click.lock().unwrap()) {
                    let signal = Message::new_signal("/org/freedesktop/Notifications", NAME, "ActionInvoked")
                        .expect("the ActionInvoked signal")
                        .append2(id, action);
                    let _ = connection.send(signal);
                }
                if connection.process(Duration::from_millis(50)).is_err() {
                    break;
                }
            }
        });
        Self {
            seen,
            clicks,
            stop,
            thread: Some(thread),
        }
    }

    /// Every notice shown so far, in order.
    #[must_use]
    pub fn seen(&self) -> Vec<Notice> {
        self.seen.lock().unwrap().clone()
    }

    /// The person clicks notice `id` (its body: the `default` action).
    pub fn click(&self, id: u32) {
        self.clicks.lock().unwrap().push((id, "default".to_owned()));
    }

    /// Waits until `count` notices were shown, and returns them all.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Notice> {
        let started = Instant::now();
        loop {
            let seen = self.seen();
            if seen.len() >= count {
                return seen;
            }
            assert!(
                started.elapsed() < timeout,
                "{count} desktop notice(s) expected in {timeout:?}, saw {seen:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for FakeNotifications {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
