//! One module per command family.

#[cfg(feature = "emulator")]
pub mod emulator;
pub mod lookup_groups;
pub mod lookups;
pub mod profiles;
pub mod spaces;
pub mod tasks;

use crate::error::CliError;

/// Awaits a confirmation prompt: `Ok(true)` on yes; `Ok(false)` when the user declined,
/// after printing why nothing was done (the official CLI then exits 0). Refusals without
/// a terminal stay usage errors.
pub async fn confirmed(
    prompt: impl std::future::Future<Output = Result<(), CliError>>,
) -> Result<bool, CliError> {
    match prompt.await {
        Ok(()) => Ok(true),
        Err(CliError::Failed(declined)) => {
            eprintln!("{declined}");
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// One-time pre-release notices (API.md §6.1).
pub mod notices {
    use crate::config::notice_once;

    /// `ax spaces` is BETA.
    pub fn spaces_beta() {
        notice_once(
            "spaces-beta",
            "[BETA] `ax spaces` uses a beta API that may change without notice (shown once).",
        );
    }

    /// `ax spaces add-user` / `remove-user` are ALPHA.
    pub fn space_users_alpha() {
        notice_once(
            "spaces-users-alpha",
            "[ALPHA] `ax spaces add-user` and `remove-user` are alpha: the API may change without notice (shown once).",
        );
    }

    /// `ax tasks` is ALPHA.
    pub fn tasks_alpha() {
        notice_once(
            "tasks-alpha",
            "[ALPHA] `ax tasks` uses an alpha API that may change without notice (shown once).",
        );
    }
}
