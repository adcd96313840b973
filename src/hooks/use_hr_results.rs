use std::rc::Rc;

use yew::prelude::*;

use election_client::hr::ResultsDeployment;
use election_core::results::Results;

use crate::platform::net::hr_get;
use crate::platform::{files, page};
use election_client::hr::HrError;

/// The results as last read, and what went wrong since, if anything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HrResults {
    pub results: Option<Rc<Results>>,
    /// Why the last reading failed (the figures shown are then the previous ones).
    pub problem: Option<String>,
    pub loading: bool,
}

/// What HR can download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    ResultsCsv,
    Reminders,
    Export,
}

impl Download {
    fn path(self) -> &'static str {
        match self {
            Download::ResultsCsv => "/v1/hr/results.csv",
            Download::Reminders => "/v1/hr/non-responders.csv",
            Download::Export => "/v1/hr/results",
        }
    }

    fn file(self, offer_id: &str) -> (String, &'static str) {
        match self {
            Download::ResultsCsv => (format!("{offer_id}-results.csv"), "text/csv;charset=utf-8"),
            Download::Reminders => (
                format!("{offer_id}-not-responded.csv"),
                "text/csv;charset=utf-8",
            ),
            Download::Export => (format!("{offer_id}-results.json"), "application/json"),
        }
    }
}

/// The participation figures, read from the receiver with HR's `token` at once, every
/// `refresh_seconds` while the page is open, when it is shown again, and on `refresh`;
/// downloads made with the same token (the token never goes into a URL). A refusal of
/// the token (expired, not HR's) ends the session through `signed_out`.
#[hook]
pub fn use_hr_results(
    deployment: Rc<ResultsDeployment>,
    token: Rc<str>,
    signed_out: Callback<String>,
) -> (HrResults, Callback<()>, Callback<Download>) {
    let state = use_state(HrResults::default);
    let latest = use_mut_ref(HrResults::default);
    let refresh = {
        let (state, latest, deployment, token, signed_out) = (
            state.clone(),
            latest.clone(),
            deployment.clone(),
            token.clone(),
            signed_out.clone(),
        );
        Callback::from(move |_: ()| {
            let (state, latest, deployment, token, signed_out) = (
                state.clone(),
                latest.clone(),
                deployment.clone(),
                token.clone(),
                signed_out.clone(),
            );
            {
                let mut now = latest.borrow_mut();
                now.loading = true;
                state.set(now.clone());
            }
            yew::platform::spawn_local(async move {
                let url = format!("{}/v1/hr/participation", deployment.receiver);
                let read = hr_get(&url, &token).await.and_then(|body| {
                    serde_json::from_str::<Results>(&body).map_err(|e| HrError {
                        code: None,
                        why: format!(
                            "The receiver's answer is not the results this page reads: {e}."
                        ),
                    })
                });
                let mut now = latest.borrow_mut();
                now.loading = false;
                match read {
                    Ok(results) => {
                        now.results = Some(Rc::new(results));
                        now.problem = None;
                    }
                    Err(e) if e.ends_session() => {
                        signed_out.emit(e.why);
                        return;
                    }
                    Err(e) => now.problem = Some(e.why),
                }
                state.set(now.clone());
            });
        })
    };
    {
        let refresh = refresh.clone();
        let every = deployment.refresh_seconds.saturating_mul(1000);
        use_effect_with(token.clone(), move |_| {
            refresh.emit(());
            let again = refresh.clone();
            let timer = crate::platform::clock::Interval::new(every, move || again.emit(()));
            let shown = page::on_visible(move || refresh.emit(()));
            move || {
                drop(timer);
                drop(shown);
            }
        });
    }
    let download = {
        let (deployment, token, state) = (deployment.clone(), token.clone(), state.clone());
        Callback::from(move |what: Download| {
            let (deployment, token, state) = (deployment.clone(), token.clone(), state.clone());
            yew::platform::spawn_local(async move {
                let url = format!("{}{}", deployment.receiver, what.path());
                let offer = state
                    .results
                    .as_ref()
                    .map_or_else(|| "offer".to_owned(), |r| r.offer_id.clone());
                match hr_get(&url, &token).await {
                    Ok(body) => {
                        let (name, mime) = what.file(&offer);
                        files::download_as(&name, &body, mime);
                    }
                    Err(e) => files::alert(&format!("The download could not be made. {}", e.why)),
                }
            });
        })
    };
    ((*state).clone(), refresh, download)
}
