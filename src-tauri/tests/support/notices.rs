//! A fake freedesktop notification service (`org.freedesktop.Notifications`) on a
//! test machine's session bus: what a desktop's notification daemon is, speaking
//! the same D-Bus methods, recording every notice the app shows.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use dbus::blocking::Connection;
use dbus::channel::{Channel, MatchingReceiver, Sender};
use dbus::message::MatchRule;

const NAME: &str = "org.freedesktop.Notifications";

/// One notice as the app sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub app_name: String,
    pub icon: String,
    pub summary: String,
    pub body: String,
}

pub struct FakeNotifications {
    seen: Arc<Mutex<Vec<Notice>>>,
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
                        let (app_name, _replaces, icon, summary, body): (String, u32, String, String, String) =
                            call.read5().expect("Notify(susss…)");
                        let mut seen = recorded.lock().unwrap();
                        seen.push(Notice {
                            app_name,
                            icon,
                            summary,
                            body,
                        });
                        call.method_return().append1(u32::try_from(seen.len()).unwrap())
                    }
                    Some("GetCapabilities") => call.method_return().append1(vec!["body".to_owned()]),
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
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                if connection.process(Duration::from_millis(100)).is_err() {
                    break;
                }
            }
        });
        Self {
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// Every notice shown so far, in order.
    #[must_use]
    pub fn seen(&self) -> Vec<Notice> {
        self.seen.lock().unwrap().clone()
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
