use super::*;

fn deployment() -> ResultsDeployment {
    ResultsDeployment::parse(
        r#"{"receiver": "https://rx.example.com/", "refresh_seconds": 10,
            "oidc": {"issuer": "https://idp.example.com/", "client_id": "hr-results", "scope": "profile"}}"#,
    )
    .unwrap()
}

fn pending() -> Pending {
    Pending {
        state: "s-123".into(),
        verifier: "v".repeat(43),
        nonce: "n-1".into(),
        redirect_uri: "https://hr.example.com/results.html".into(),
        token_endpoint: "https://idp.example.com/token".into(),
    }
}

#[test]
fn the_deployment_is_read_and_checked() {
    let d = deployment();
    assert_eq!(d.receiver, "https://rx.example.com");
    assert_eq!(d.refresh_seconds, 10);
    let oidc = d.oidc.unwrap();
    assert_eq!(oidc.issuer, "https://idp.example.com");
    assert_eq!(oidc.scope, "openid profile", "openid is always asked for");
    assert_eq!(oidc.token, TokenKind::AccessToken);

    let loopback = ResultsDeployment::parse(r#"{"receiver": "http://127.0.0.1:8787"}"#).unwrap();
    assert_eq!((loopback.oidc, loopback.refresh_seconds), (None, 30));

    for (text, words) in [
        (
            r#"{"receiver": "http://rx.example.com"}"#,
            "must be an https:// URL",
        ),
        (
            r#"{"receiver": "javascript:alert(1)"}"#,
            "must be an https:// URL",
        ),
        (
            r#"{"receiver": "http://127.0.0.1.evil.example:80"}"#,
            "must be an https:// URL",
        ),
        (r#"{}"#, "`receiver` (the receiver's URL) is missing"),
        (
            r#"{"receiver": "https://a", "receiver": "https://b"}"#,
            "more than once",
        ),
        (
            r#"{"receiver": "https://a", "colour": 1}"#,
            "unknown setting `colour`",
        ),
        (
            r#"{"receiver": "https://a", "refresh_seconds": 0}"#,
            "from 2 to 3600",
        ),
        (
            r#"{"receiver": "https://a", "oidc": {"issuer": "http://idp.example.com", "client_id": "x"}}"#,
            "`issuer` must be",
        ),
        (
            r#"{"receiver": "https://a", "oidc": {"issuer": "https://idp", "client_id": ""}}"#,
            "`client_id` is missing",
        ),
        (
            r#"{"receiver": "https://a", "oidc": {"issuer": "https://idp", "client_id": "x", "token": "code"}}"#,
            "\"access_token\" or \"id_token\"",
        ),
        (r#"[]"#, "must be a JSON object"),
    ] {
        let problems = ResultsDeployment::parse(text).unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains(words)),
            "{text}: {problems:?}"
        );
    }
}

#[test]
fn discovery_must_name_the_issuer_and_safe_endpoints() {
    let ok = r#"{"issuer": "https://idp.example.com", "authorization_endpoint": "https://idp.example.com/auth",
                 "token_endpoint": "https://idp.example.com/token", "code_challenge_methods_supported": ["S256"]}"#;
    let d = Discovery::parse(ok, "https://idp.example.com/").unwrap();
    assert_eq!(d.token_endpoint, "https://idp.example.com/token");
    assert_eq!(
        Discovery::url("https://idp.example.com/"),
        "https://idp.example.com/.well-known/openid-configuration"
    );
    let other = ok.replace(
        "\"issuer\": \"https://idp.example.com\"",
        "\"issuer\": \"https://evil.example\"",
    );
    assert!(Discovery::parse(&other, "https://idp.example.com")
        .unwrap_err()
        .contains("names the issuer \"https://evil.example\""));
    let plain = ok.replace(
        "https://idp.example.com/token",
        "http://idp.example.com/token",
    );
    assert!(Discovery::parse(&plain, "https://idp.example.com")
        .unwrap_err()
        .contains("token_endpoint"));
    let no_pkce = ok.replace("[\"S256\"]", "[\"plain\"]");
    assert!(Discovery::parse(&no_pkce, "https://idp.example.com")
        .unwrap_err()
        .contains("PKCE"));
    assert!(Discovery::parse("{", "https://idp.example.com")
        .unwrap_err()
        .contains("cannot be read"));
}

#[test]
fn the_authorization_url_asks_for_a_code_with_pkce() {
    let d = Discovery {
        authorization_endpoint: "https://idp.example.com/auth?tenant=a".into(),
        token_endpoint: "https://idp.example.com/token".into(),
    };
    let url = authorization_url(&d, deployment().oidc.as_ref().unwrap(), &pending(), "ch+/=");
    assert_eq!(
        url,
        "https://idp.example.com/auth?tenant=a&response_type=code&client_id=hr-results&redirect_uri=https%3A%2F%2Fhr.example.com%2Fresults.html&scope=openid%20profile&state=s-123&nonce=n-1&code_challenge=ch%2B%2F%3D&code_challenge_method=S256"
    );
    let body = token_request("c&d", deployment().oidc.as_ref().unwrap(), &pending());
    assert!(body.starts_with("grant_type=authorization_code&code=c%26d&redirect_uri="));
    assert!(body.ends_with(&format!(
        "&client_id=hr-results&code_verifier={}",
        "v".repeat(43)
    )));
}

#[test]
fn only_the_answer_to_this_tabs_sign_in_is_taken() {
    let p = pending();
    assert_eq!(read_callback("", Some(&p)), Callback::None);
    assert_eq!(read_callback("?offer=x", None), Callback::None);
    assert_eq!(
        read_callback("?code=abc%2Bd&state=s-123", Some(&p)),
        Callback::Code("abc+d".into())
    );
    // A link carrying a code, with no sign-in under way or another state: refused.
    for (query, pending) in [
        ("?code=attacker&state=s-123", None),
        ("?code=attacker&state=s-999", Some(&p)),
        ("?code=attacker", Some(&p)),
    ] {
        match read_callback(query, pending) {
            Callback::Refused(why) => assert!(why.contains("ignored"), "{why}"),
            other => panic!("{query}: {other:?}"),
        }
    }
    match read_callback(
        "?error=access_denied&error_description=No+HR+role&state=s-123",
        Some(&p),
    ) {
        Callback::Refused(why) => assert_eq!(
            why,
            "The identity provider did not sign you in (access_denied: No HR role)."
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        parse_query("a=%zz&b=%E2%82%AC&c"),
        vec![
            ("a".to_owned(), "%zz".to_owned()),
            ("b".to_owned(), "€".to_owned()),
            ("c".to_owned(), String::new()),
        ]
    );
}

#[test]
fn the_token_answer_is_read_or_its_refusal_named() {
    let ok = r#"{"access_token": "at", "id_token": "it", "token_type": "Bearer"}"#;
    assert_eq!(
        read_token_response(200, ok, TokenKind::AccessToken).unwrap(),
        "at"
    );
    assert_eq!(
        read_token_response(200, ok, TokenKind::IdToken).unwrap(),
        "it"
    );
    assert!(
        read_token_response(200, r#"{"id_token": "it"}"#, TokenKind::AccessToken)
            .unwrap_err()
            .contains("no access_token")
    );
    assert!(read_token_response(
        400,
        r#"{"error": "invalid_grant", "error_description": "PKCE verification failed"}"#,
        TokenKind::AccessToken
    )
    .unwrap_err()
    .contains("(invalid_grant: PKCE verification failed)"));
    assert!(read_token_response(502, "<html>", TokenKind::AccessToken)
        .unwrap_err()
        .contains("answered 502"));
    assert_eq!(
        redirect_uri(
            deployment().oidc.as_ref().unwrap(),
            "https://hr.example.com/results.html?code=1#x"
        ),
        "https://hr.example.com/results.html"
    );
}

fn day(date: &str, elections: u64, late: u64, responded: u64) -> Day {
    Day {
        date: date.into(),
        elections,
        late,
        responded,
    }
}

#[test]
fn the_chart_scales_to_the_largest_figure() {
    let c = chart(&[day("2001-09-20", 3, 0, 3), day("2001-09-21", 1, 2, 7)]);
    // 7 at most: gridlines every 2 up to 8.
    let values: Vec<u64> = c.ticks.iter().map(|t| t.1).collect();
    assert_eq!(values, [0, 2, 4, 6, 8]);
    assert_eq!(c.bars.len(), 2);
    let (_, top, _, bottom) = c.area;
    let per = f64::from(bottom - top) / 8.0;
    // Whole units of the view box, within half a unit of the exact height.
    assert!((f64::from(c.bars[0].height) - 3.0 * per).abs() <= 0.5);
    assert!((f64::from(c.bars[1].late_height) - 2.0 * per).abs() <= 1.0);
    assert_eq!(
        c.bars[0].y + c.bars[0].height,
        bottom,
        "bars stand on the axis"
    );
    assert_eq!(
        c.bars[1].late_y + c.bars[1].late_height,
        c.bars[1].y,
        "late stacks on top"
    );
    assert_eq!(c.bars[0].label.as_deref(), Some("09-20"));
    assert_eq!(c.line.split(' ').count(), 2);
    // No days: an empty chart, not a division by zero.
    let empty = chart(&[]);
    assert!(empty.bars.is_empty() && empty.line.is_empty());
    assert_eq!(nice_step(1), 1);
    assert_eq!(nice_step(23), 5);
    assert_eq!(nice_step(10_000), 2000);
}

#[test]
fn the_figures_read_as_sentences() {
    let mut r: Results = serde_json::from_value(serde_json::json!({
        "contract": "results/v1", "offer_id": "o", "offer_version": 1,
        "deadline": "2001-09-27T23:59:00-04:00", "as_of": "2001-09-20T14:00:00.000Z", "closed": false,
        "summary": {"eligible_employees": 1200, "employees_taking_part": 1, "eligible_options": 5,
            "grants_exchanged": 1, "options_tendered": 12000, "new_awards": 6000, "award": "options",
            "cash_cents": 0, "by_plan": []},
        "participation": {"eligible": 1200, "viewed": 40, "responded": 3, "elected": 1, "withdrawn": 1,
            "kept_all": 1, "changed": 1, "not_responded": 1197, "late_elections": 1, "late_only": 0, "by_day": []},
        "employees": []
    }))
    .unwrap();
    let lines = figures(&r);
    assert_eq!(
        lines,
        [
            "3 of 1,200 eligible employees have responded: 1 elected to exchange, 1 withdrew and 1 kept all their grants.",
            "1,197 have not responded; 40 of the eligible employees have viewed their grants.",
            "1 employee changed their election at least once.",
            "1 election arrived after the deadline and counts for nothing.",
            "12,000 options tendered in 1 grant by 1 employee, for 6,000 new options.",
        ]
    );
    r.summary.cash_cents = 123_456;
    assert!(figures(&r)[4].ends_with("for 6,000 new options and $1,234.56 in cash."));
}

#[test]
fn moments_read_in_the_offers_offset() {
    assert_eq!(
        when("2001-09-28T03:59:00.000Z", "2001-09-27T23:59:00-04:00"),
        "September 27, 2001, 11:59 p.m. (UTC\u{2212}04:00)"
    );
    assert_eq!(
        when("2001-09-20T14:05:00Z", "2001-09-27T23:59:00+00:00"),
        "September 20, 2001, 2:05 p.m. (UTC+00:00)"
    );
    assert_eq!(
        when("not a time", "2001-09-27T23:59:00-04:00"),
        "not a time"
    );
}

#[test]
fn a_portal_gives_the_token_only_from_the_parent_on_an_allowed_origin() {
    let allowed = vec!["https://portal.example.com".to_owned()];
    let good = r#"{"type":"election-results:token","token":"eyJhbGciOiJFUzI1NiJ9.e30.sig"}"#;
    assert_eq!(
        portal_token("https://portal.example.com", true, Some(good), &allowed).as_deref(),
        Some("eyJhbGciOiJFUzI1NiJ9.e30.sig")
    );
    for (origin, from_parent, json) in [
        // Another origin, a sibling frame or a popup, a look-alike origin.
        ("https://evil.example", true, good),
        ("https://portal.example.com", false, good),
        ("https://portal.example.com.evil.example", true, good),
        ("http://portal.example.com", true, good),
        // Another shape: another type, a member more, no token, an empty or odd token.
        (
            "https://portal.example.com",
            true,
            r#"{"type":"election-results:ready","token":"t"}"#,
        ),
        (
            "https://portal.example.com",
            true,
            r#"{"type":"election-results:token","token":"t","receiver":"https://evil.example"}"#,
        ),
        (
            "https://portal.example.com",
            true,
            r#"{"type":"election-results:token"}"#,
        ),
        (
            "https://portal.example.com",
            true,
            r#"{"type":"election-results:token","token":""}"#,
        ),
        (
            "https://portal.example.com",
            true,
            r#"{"type":"election-results:token","token":"a b"}"#,
        ),
        (
            "https://portal.example.com",
            true,
            r#"{"type":"election-results:token","token":7}"#,
        ),
        ("https://portal.example.com", true, "not json"),
    ] {
        assert_eq!(
            portal_token(origin, from_parent, Some(json), &allowed),
            None,
            "{origin} {from_parent} {json}"
        );
    }
    assert_eq!(
        portal_token("https://portal.example.com", true, None, &allowed),
        None
    );
    assert_eq!(
        portal_token("https://portal.example.com", true, Some(good), &[]),
        None
    );
}

#[test]
fn a_refusal_says_why_and_whether_the_session_ends() {
    let expired = HrError::refusal(
        401,
        "Unauthorized",
        r#"{"error":{"code":"token_expired","message":"The token has expired; sign in again.","details":[]}}"#,
    );
    assert_eq!(
        expired.why,
        "The receiver refused: The token has expired; sign in again."
    );
    assert!(expired.ends_session());
    let employee = HrError::refusal(
        403,
        "Forbidden",
        r#"{"error":{"code":"hr_role_required","message":"x","details":[]}}"#,
    );
    assert!(employee.why.contains("does not have the HR role"));
    assert!(employee.ends_session());
    let down = HrError::refusal(
        503,
        "Service Unavailable",
        r#"{"error":{"code":"storage_unavailable","message":"The database failed.","details":[]}}"#,
    );
    assert!(!down.ends_session(), "the figures are read again later");
    let proxy = HrError::refusal(502, "Bad Gateway", "<html>");
    assert_eq!(
        (proxy.code, proxy.why.as_str()),
        (None, "The receiver answered 502 Bad Gateway.")
    );
    assert!(!HrError::unreachable("no answer within 15 seconds").ends_session());
}
