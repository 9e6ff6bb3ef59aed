//! Desktop notifications behind a small trait, so tests can observe what was sent and the real
//! sender (notify-rust) can be swapped. A notification service that never answers must not hang
//! the app: every call has a deadline.

use crate::error::ErrorCode;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use specta::Type;

use crate::locale::UiLanguage;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Notification {
    pub summary: String,
    pub body: String,
    /// The order a click opens; none for the inbox (or nothing, for the test notification).
    pub order_id: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    #[error("no notification service is running on this desktop")]
    NoService,
    #[error("the notification service did not answer within {0} seconds")]
    Timeout(u64),
    #[error("the notification could not be shown: {0}")]
    Failed(String),
}

impl NotifyError {
    pub fn code(&self) -> ErrorCode {
        match self {
            NotifyError::NoService => ErrorCode::NotifyNoService,
            NotifyError::Timeout(_) => ErrorCode::NotifyTimeout,
            NotifyError::Failed(_) => ErrorCode::NotifyFailed,
        }
    }
}

/// Sends a notification and returns once it was shown (or refused). Blocking: call it off the
/// async runtime's worker threads.
/// What a click on a notification does (bring the window forward on the order).
pub type OnClick = Box<dyn FnOnce() + Send + 'static>;

pub trait Notifier: Send + Sync {
    fn notify(&self, n: &Notification) -> Result<(), NotifyError>;

    /// Shows `n` and runs `on_click` if the seller clicks it. Where the platform cannot report
    /// a click, this is [`Notifier::notify`].
    fn notify_then(&self, n: &Notification, on_click: OnClick) -> Result<(), NotifyError> {
        drop(on_click);
        self.notify(n)
    }
}

/// The operating system's notifications through notify-rust.
pub struct DesktopNotifier {
    /// The bundle identifier. Windows drops notifications from an app without an
    /// AppUserModelID, and macOS attributes them by bundle id.
    app_id: String,
    /// The icon name the Linux bundles install (hicolor theme, named after the binary).
    icon: &'static str,
    timeout: Duration,
}

impl DesktopNotifier {
    pub fn new(app_id: &str) -> Self {
        #[cfg(target_os = "macos")]
        {
            let _ = notify_rust::set_application(app_id);
        }
        Self {
            app_id: app_id.to_owned(),
            icon: "vefa-desktop",
            timeout: Duration::from_secs(5),
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl Notifier for DesktopNotifier {
    // On the freedesktop notification service a click is the "default" action, which the
    // daemon reports back over D-Bus; a thread per shown notification waits for it (or for the
    // notification to close). Windows and macOS toasts report no click through notify-rust.
    #[cfg(all(unix, not(target_os = "macos")))]
    fn notify_then(&self, n: &Notification, on_click: OnClick) -> Result<(), NotifyError> {
        let n = n.clone();
        let icon = self.icon;
        with_deadline(self.timeout, move || {
            let mut note = notify_rust::Notification::new();
            note.summary(&n.summary)
                .body(&n.body)
                .appname("Vefa")
                .icon(icon)
                .action("default", "Open");
            let handle = note.show().map_err(|e| classify(&e.to_string()))?;
            std::thread::Builder::new()
                .name("notify-click".into())
                .spawn(move || {
                    let mut on_click = Some(on_click);
                    handle.wait_for_action(|action| {
                        if action == "default"
                            && let Some(f) = on_click.take()
                        {
                            f();
                        }
                    });
                })
                .map(|_| ())
                .map_err(|e| NotifyError::Failed(e.to_string()))
        })
    }

    fn notify(&self, n: &Notification) -> Result<(), NotifyError> {
        let n = n.clone();
        let app_id = self.app_id.clone();
        let icon = self.icon;
        with_deadline(self.timeout, move || {
            let mut note = notify_rust::Notification::new();
            note.summary(&n.summary).body(&n.body).appname("Vefa");
            #[cfg(target_os = "windows")]
            note.app_id(&app_id);
            #[cfg(all(unix, not(target_os = "macos")))]
            note.icon(icon);
            let _ = (&app_id, icon);
            note.show()
                .map(|_| ())
                .map_err(|e| classify(&e.to_string()))
        })
    }
}

/// Runs a blocking call on its own thread and stops waiting after `timeout`. notify-rust blocks
/// until the service answers, and a service that owns the bus name but never replies would block
/// forever; the abandoned thread ends whenever the call does.
fn with_deadline<F>(timeout: Duration, call: F) -> Result<(), NotifyError>
where
    F: FnOnce() -> Result<(), NotifyError> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("notify".into())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| NotifyError::Failed(e.to_string()))?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => Err(NotifyError::Timeout(timeout.as_secs().max(1))),
    }
}

/// D-Bus says "no such service" in several ways; all mean nobody is there to show it. A daemon
/// that D-Bus tried to start on demand and that died (`Spawn.*`, for example dunst with no
/// display) is no service either.
fn classify(message: &str) -> NotifyError {
    const ABSENT: [&str; 7] = [
        "org.freedesktop.DBus.Error.Spawn.",
        "ServiceUnknown",
        "NameHasNoOwner",
        "No such file or directory",
        "DBUS_SESSION_BUS_ADDRESS",
        "Connection refused",
        "was not provided by any .service files",
    ];
    if ABSENT.iter().any(|s| message.contains(s)) {
        NotifyError::NoService
    } else {
        NotifyError::Failed(message.to_owned())
    }
}

/// Keeps what it was asked to show; for tests of the rules that notify.
#[derive(Default)]
pub struct RecordingNotifier(Mutex<Vec<Notification>>);

impl RecordingNotifier {
    pub fn sent(&self) -> Vec<Notification> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Notifier for RecordingNotifier {
    fn notify(&self, n: &Notification) -> Result<(), NotifyError> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(n.clone());
        Ok(())
    }
}

/// The test notification, in the seller's language and addressed to their shop.
pub fn test_notification(language: UiLanguage, shop_name: &str) -> Notification {
    let shop = if shop_name.trim().is_empty() {
        "Vefa"
    } else {
        shop_name.trim()
    };
    let (summary, body) = match language {
        UiLanguage::En => (
            "Vefa: notifications work",
            format!("{shop} will hear about new orders like this."),
        ),
        UiLanguage::Az => (
            "Vefa: bildirişlər işləyir",
            format!("{shop} yeni sifarişlərdən belə xəbər tutacaq."),
        ),
        UiLanguage::Tr => (
            "Vefa: bildirimler çalışıyor",
            format!("{shop} yeni siparişleri böyle öğrenecek."),
        ),
        UiLanguage::Fa => (
            "وفا: اعلان‌ها کار می‌کنند",
            format!("«{shop}» از سفارش‌های تازه این‌گونه باخبر می‌شود."),
        ),
    };
    Notification {
        summary: summary.to_owned(),
        body,
        order_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_service_is_recognised() {
        assert_eq!(
            classify("org.freedesktop.DBus.Error.ServiceUnknown: The name is not activatable"),
            NotifyError::NoService
        );
        assert_eq!(
            classify(
                "org.freedesktop.DBus.Error.Spawn.ChildSignaled: Process org.freedesktop.Notifications received signal 5"
            ),
            NotifyError::NoService,
            "a daemon that crashes when D-Bus starts it is no service"
        );
        assert!(matches!(classify("something else"), NotifyError::Failed(_)));
    }

    #[test]
    fn test_notification_speaks_the_sellers_language() {
        let n = test_notification(UiLanguage::Fa, "کتاب‌فروشی وفا");
        assert!(n.body.contains("کتاب‌فروشی وفا"));
        assert!(n.summary.starts_with("وفا"));
        assert!(
            test_notification(UiLanguage::En, " ")
                .body
                .starts_with("Vefa ")
        );
    }

    #[test]
    fn a_call_that_never_returns_ends_in_a_timeout() {
        let (_keep, never) = std::sync::mpsc::channel::<()>();
        let result = with_deadline(Duration::from_millis(50), move || {
            let _ = never.recv();
            Ok(())
        });
        assert_eq!(
            result,
            Err(NotifyError::Timeout(1)),
            "a silent service must not hang the app"
        );
    }

    #[test]
    fn a_call_that_answers_passes_its_result_through() {
        assert_eq!(with_deadline(Duration::from_secs(30), || Ok(())), Ok(()));
        assert_eq!(
            with_deadline(Duration::from_secs(30), || Err(NotifyError::NoService)),
            Err(NotifyError::NoService)
        );
    }
}
