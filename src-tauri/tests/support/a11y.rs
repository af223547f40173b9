//! Accessibility audit of the screen on display with axe-core (the UI's dev dependency,
//! `ui/node_modules/axe-core`), run inside the app's own WebKit: colour contrast is
//! judged on what is painted, names and roles on the real DOM. Rules: WCAG 2.0, 2.1 and
//! 2.2, levels A and AA, and axe's best practices (landmarks, heading order, …). Each
//! audit's findings are saved in `artifacts/accessibility/<screen>.json`.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::artifacts_dir;
use super::webdriver::Session;

/// The rule sets axe checks: WCAG A and AA, and its best practices.
const TAGS: [&str; 7] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22a",
    "wcag22aa",
    "best-practice",
];

fn axe_source() -> String {
    let path = super::repo_root().join("ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run `npm ci` in ui/, as ./x setup does)", path.display()))
}

/// What axe found on a page: the violations (`id`, `impact`, `help`, and per element its
/// `target` and `failureSummary`), and the rules it could not decide on (`incomplete`:
/// e.g. text over a photo) or found met (`passes`), by id.
pub struct Audit {
    pub violations: Vec<Value>,
    pub incomplete: Vec<Value>,
    pub passes: Vec<Value>,
}

async fn run_axe(s: &Session, context: Value) -> Audit {
    let script = r"
        const done = arguments[arguments.length - 1];
        axe.run(arguments[0], { runOnly: { type: 'tag', values: arguments[1] }, resultTypes: ['violations', 'incomplete'] })
            .then(r => done({
                violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
                })),
                incomplete: r.incomplete.map(v => ({ id: v.id, nodes: v.nodes.map(n => ({ target: n.target, why: n.any.concat(n.all, n.none).map(c => c.message) })) })),
                passes: r.passes.map(v => v.id),
            }))
            .catch(e => done({ error: String(e) }));
    ";
    let result = s.execute_async(script, &[context, json!(TAGS)]).await.unwrap();
    let list = |key: &str| match &result[key] {
        Value::Array(found) => found.clone(),
        _ => panic!("axe did not run: {result}"),
    };
    Audit {
        violations: list("violations"),
        incomplete: list("incomplete"),
        passes: list("passes"),
    }
}

/// Loads axe into the page once (the app is one page: it stays), and proves on a canary
/// that it judges contrast in this WebKit: grey text on white must be a violation.
async fn load_axe(s: &Session) {
    let loaded = s.execute("return typeof window.axe === 'object';", &[]).await.unwrap();
    if loaded == json!(true) {
        return;
    }
    s.execute(&axe_source(), &[]).await.expect("axe-core loads in the page");
    s.execute(
        // In the open modal dialog if there is one: its backdrop covers the rest of the page.
        "const p = document.createElement('p'); p.id = 'axe-canary'; p.textContent = 'canary'; \
         const dialog = document.querySelector('[aria-modal=true]'); \
         p.style.cssText = 'color: #bbb; background: #fff; font-size: 14px;' \
             + (dialog ? '' : 'position: fixed; top: 0; left: 0; z-index: 2147483647'); \
         (dialog ?? document.body).prepend(p);",
        &[],
    )
    .await
    .unwrap();
    let canary = run_axe(s, json!({ "include": [["#axe-canary"]] })).await;
    s.execute("document.getElementById('axe-canary').remove();", &[])
        .await
        .unwrap();
    assert!(
        canary.violations.iter().any(|v| v["id"] == "color-contrast"),
        "axe did not flag grey text on white here: {:?}",
        canary.violations
    );
}

/// Runs axe on the whole page as it is painted now.
pub async fn audit(s: &Session) -> Audit {
    load_axe(s).await;
    s.settle().await.unwrap();
    run_axe(s, json!("html")).await
}

/// Audits the screen on display, saves the findings as `artifacts/accessibility/<screen>.json`
/// and fails the test, naming each rule and element, if axe finds any violation.
pub async fn assert_accessible(s: &Session, screen: &str) {
    let Audit {
        violations: found,
        incomplete,
        passes,
    } = audit(s).await;
    let dir = artifacts_dir().join("accessibility");
    std::fs::create_dir_all(&dir).unwrap();
    let saved = json!({ "violations": found, "incomplete": incomplete, "passes": passes });
    std::fs::write(
        dir.join(format!("{screen}.json")),
        serde_json::to_string_pretty(&saved).unwrap(),
    )
    .unwrap();
    if found.is_empty() {
        return;
    }
    let mut report = format!("the screen \"{screen}\" has accessibility violations:\n");
    for violation in &found {
        let _ = writeln!(
            report,
            "- {} ({}): {}",
            violation["id"], violation["impact"], violation["help"]
        );
        for node in violation["nodes"].as_array().into_iter().flatten() {
            let _ = writeln!(report, "    {} {}", node["target"], node["failureSummary"]);
        }
    }
    panic!("{report}");
}
