use std::rc::Rc;

use yew::prelude::*;

use election_client::hr::{
    authorization_url, portal_token, read_callback, read_token_response, redirect_uri,
    token_request, Callback as Answer, Discovery, Pending, ResultsDeployment, DEPLOYMENT_ID,
    PENDING_KEY, PORTAL_READY, PORTAL_TOKEN_REFUSED,
};

use crate::platform::net::hr_get;
use crate::platform::{frame, net, page, signon};

/// Where HR's sign-on stands on the results page.
#[derive(Debug, Clone, PartialEq)]
pub enum Session {
    /// Reading the settings and the page's URL.
    Starting,
    /// The page's settings are wrong: each problem.
    Misconfigured(Rc<Vec<String>>),
    /// Not signed in; why, when a sign-in failed or ended.
    SignedOut(Option<String>),
    /// On the way to or back from the identity provider.
    SigningIn,
    /// Framed by a portal the page allows: waiting for it to give HR's token.
    WaitingForPortal,
    /// Signed in with the HR role: the token the receiver is sent, and who it is.
    SignedIn { token: Rc<str>, subject: String },
}

/// HR's sign-on: the deployment's settings, the session, and callbacks to sign in and
/// to end the session (with why, as when the receiver says the token expired).
pub struct HrSession {
    pub deployment: Option<Rc<ResultsDeployment>>,
    pub session: Session,
    pub sign_in: Callback<()>,
    pub signed_out: Callback<String>,
}

const TIMEOUT_MS: u32 = 15_000;

/// Reads the page's settings; takes the identity provider's answer to a sign-in this tab
/// started (and only that: `election_client::hr::read_callback`), exchanges its code
/// with the PKCE verifier kept for it, and checks the token is HR's with the receiver.
/// Framed by a portal its `election-widget-allowed-origins` names, it says it is ready
/// and takes HR's token from that portal instead (`election_client::hr::portal_token`).
#[hook]
pub fn use_hr_session() -> HrSession {
    let deployment = use_memo((), |_| {
        let text = page::element_by_id(DEPLOYMENT_ID).and_then(|e| e.text_content());
        match text {
            Some(text) => ResultsDeployment::parse(&text).map(Rc::new),
            None => Err(vec![format!(
                "The page has no settings (<script type=\"application/json\" id=\"{DEPLOYMENT_ID}\">)."
            )]),
        }
    });
    let session = use_state(|| Session::Starting);
    {
        let (session, deployment) = (session.clone(), deployment.clone());
        use_effect_with((), move |_| match &*deployment {
            Err(problems) => session.set(Session::Misconfigured(Rc::new(problems.clone()))),
            Ok(d) if frame::allowed_parent().is_some() => listen_to_portal(session, d.clone()),
            Ok(d) => {
                let d = d.clone();
                yew::platform::spawn_local(async move {
                    session.set(start(&d).await);
                });
            }
        });
    }
    let sign_in = {
        let (session, deployment) = (session.clone(), deployment.clone());
        Callback::from(move |_| {
            let Ok(d) = &*deployment else { return };
            let (session, d) = (session.clone(), d.clone());
            session.set(Session::SigningIn);
            yew::platform::spawn_local(async move {
                if let Err(why) = begin(&d).await {
                    session.set(Session::SignedOut(Some(why)));
                }
            });
        })
    };
    let signed_out = {
        let session = session.clone();
        Callback::from(move |why: String| {
            // A portal's token refused (expired): the portal may send another.
            if let Some(parent) = frame::allowed_parent() {
                frame::post_to_parent(&parent, PORTAL_TOKEN_REFUSED);
            }
            session.set(Session::SignedOut(Some(why)))
        })
    };
    HrSession {
        deployment: (*deployment).as_ref().ok().cloned(),
        session: (*session).clone(),
        sign_in,
        signed_out,
    }
}

/// Framed by an allowed portal: tell it the page is ready, and take each token it sends
/// (a new one replaces an expired one) once the receiver says it is HR's.
fn listen_to_portal(session: UseStateHandle<Session>, d: Rc<ResultsDeployment>) {
    let allowed = frame::allowed();
    {
        let session = session.clone();
        frame::on_message(move |m| {
            let Some(token) = portal_token(&m.origin, m.from_parent, m.json.as_deref(), &allowed)
            else {
                return;
            };
            let (session, d) = (session.clone(), d.clone());
            session.set(Session::SigningIn);
            yew::platform::spawn_local(
                async move { session.set(check_role(&d, token.into()).await) },
            );
        });
    }
    if let Some(parent) = frame::allowed_parent() {
        frame::post_to_parent(&parent, PORTAL_READY);
    }
    session.set(Session::WaitingForPortal);
}

/// On load: the provider's answer, if this tab is coming back from it.
async fn start(d: &ResultsDeployment) -> Session {
    let Some(client) = &d.oidc else {
        return Session::SignedOut(Some(
            "This page's settings name no identity provider, so it cannot sign you in.".to_owned(),
        ));
    };
    let pending: Option<Pending> =
        signon::session_get(PENDING_KEY).and_then(|t| serde_json::from_str(&t).ok());
    let answer = read_callback(&signon::search(), pending.as_ref());
    if answer != Answer::None {
        // An answer is used once, whatever it says.
        signon::session_remove(PENDING_KEY);
        signon::clean_url();
    }
    match (answer, pending) {
        (Answer::None, _) => Session::SignedOut(None),
        (Answer::Refused(why), _) => Session::SignedOut(Some(why)),
        (Answer::Code(code), Some(pending)) => {
            let body = token_request(&code, client, &pending);
            let token = match signon::post_form(&pending.token_endpoint, &body, TIMEOUT_MS).await {
                Err(e) => Err(format!("The identity provider could not be reached to finish signing in ({e}). Sign in again.")),
                Ok((status, body)) => read_token_response(status, &body, client.token),
            };
            match token {
                Err(why) => Session::SignedOut(Some(why)),
                Ok(token) => check_role(d, token.into()).await,
            }
        }
        (Answer::Code(_), None) => Session::SignedOut(None),
    }
}

/// Asks the receiver whose token it is: HR's, or why not.
async fn check_role(d: &ResultsDeployment, token: Rc<str>) -> Session {
    let url = format!("{}/v1/hr/session", d.receiver);
    match hr_get(&url, &token).await {
        Ok(body) => {
            let subject = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["subject"].as_str().map(str::to_owned))
                .unwrap_or_default();
            Session::SignedIn { token, subject }
        }
        Err(e) => Session::SignedOut(Some(e.why)),
    }
}

/// Sends the tab to the identity provider, with a new state, nonce and PKCE verifier kept
/// for its answer.
async fn begin(d: &ResultsDeployment) -> Result<(), String> {
    let client = d
        .oidc
        .as_ref()
        .ok_or("This page's settings name no identity provider.")?;
    let text = net::fetch_text(&Discovery::url(&client.issuer))
        .await
        .map_err(|e| {
            format!(
                "The identity provider ({}) could not be reached: {e}.",
                client.issuer
            )
        })?;
    let discovery = Discovery::parse(&text, &client.issuer)?;
    let pending = Pending {
        state: signon::random(16),
        verifier: signon::random(32),
        nonce: signon::random(16),
        redirect_uri: redirect_uri(client, &page::page_url()),
        token_endpoint: discovery.token_endpoint.clone(),
    };
    let challenge = signon::challenge(&pending.verifier).await?;
    let kept = serde_json::to_string(&pending)
        .map_err(|e| format!("The sign-in could not be prepared: {e}."))?;
    if !signon::session_set(PENDING_KEY, &kept) {
        return Err(
            "This browser refuses to keep the sign-in while you sign in (session storage is off)."
                .to_owned(),
        );
    }
    signon::go(&authorization_url(&discovery, client, &pending, &challenge));
    Ok(())
}
