//! The widget's layout is its architecture, and these tests keep it so (docs/ARCHITECTURE.md,
//! "Where new code goes"): a file in the wrong place, a browser call outside the platform
//! layer, JavaScript in a Rust string, a component grown past a screenful or a web
//! dependency of the client logic fails `make test`, not a review.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every `.rs` and `.js` file under `dir`, relative to the crate root.
fn files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs" || x == "js") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(ROOT).join(dir), &mut out);
    out.into_iter()
        .map(|p| p.strip_prefix(ROOT).map(Path::to_path_buf).unwrap_or(p))
        .collect()
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The code of a Rust file without its comments (a doc comment may name what it avoids).
fn code(path: &Path) -> String {
    text(path)
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn rust(dir: &str) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect()
}

#[test]
fn src_holds_only_the_entry_points_and_the_layers() {
    let top: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("src"))
        .expect("src")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !Path::new(ROOT).join("src").join(name).is_dir())
        .collect();
    let mut top = top;
    top.sort();
    assert_eq!(
        top,
        ["lib.rs", "main.rs"],
        "a module belongs in platform/, hooks/, components/, pages/ or embed/ (an entry in bin/)"
    );
    let mut dirs: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("src"))
        .expect("src")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(
        dirs,
        ["bin", "components", "embed", "hooks", "pages", "platform"]
    );
    // src/bin holds the other pages' entries (a bundle each), and nothing else: a few
    // lines that mount what lives in the layers.
    for path in rust("src/bin") {
        let lines = text(&path).lines().count();
        assert!(
            lines <= 40,
            "{}: an entry point of {lines} lines",
            path.display()
        );
    }
}

/// What only the platform layer (and the embeddings, which are the custom element and the
/// frame's side of `postMessage`) may write: the browser's own objects, JavaScript
/// bindings and futures, timers. (A hook runs its future with Yew's own
/// `yew::platform::spawn_local`; a component reads an input's value from the event Yew
/// gives it.)
const BROWSER: &[&str] = &[
    "js_sys",
    "wasm_bindgen",
    "gloo",
    "web_sys::window",
    "JsValue",
    "JsCast",
    "Closure",
];

#[test]
fn only_the_platform_layer_touches_the_browser() {
    let mut found = Vec::new();
    for dir in ["src/components", "src/hooks", "src/pages"] {
        for path in rust(dir) {
            let code = code(&path);
            for word in BROWSER {
                if code.contains(word) {
                    found.push(format!("{}: {word}", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "browser calls outside src/platform (put them there, behind a function): {found:#?}"
    );
}

#[test]
fn javascript_lives_in_js_files_beside_the_module_that_binds_it() {
    let mut found = Vec::new();
    for path in rust("src") {
        let code = code(&path);
        if code.contains("inline_js") {
            found.push(format!("{}: inline_js", path.display()));
        }
        for (i, _) in code.match_indices("module = \"") {
            let rest = &code[i + "module = \"".len()..];
            let module = rest.split('"').next().unwrap_or_default();
            let beside = Path::new(module.trim_start_matches('/'));
            let allowed = path.starts_with("src/platform") || path.starts_with("src/embed");
            if !allowed {
                found.push(format!(
                    "{}: binds {module} outside platform/ or embed/",
                    path.display()
                ));
            }
            if beside.parent() != path.parent() || !Path::new(ROOT).join(beside).is_file() {
                found.push(format!(
                    "{}: {module} is not a .js file beside it",
                    path.display()
                ));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    let js = files("src")
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .count();
    assert!(
        js >= 8,
        "the platform's JavaScript modules are found ({js})"
    );
}

#[test]
fn components_and_pages_fit_on_a_screenful_or_two() {
    let long: Vec<String> = ["src/components", "src/pages", "src/hooks"]
        .into_iter()
        .flat_map(rust)
        .map(|p| (text(&p).lines().count(), p))
        .filter(|(lines, _)| *lines > 250)
        .map(|(lines, p)| format!("{}: {lines} lines", p.display()))
        .collect();
    assert!(long.is_empty(), "split these by part: {long:#?}");
}

#[test]
fn each_hook_file_holds_one_hook_named_after_it() {
    for path in rust("src/hooks") {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if name == "mod" {
            continue;
        }
        let code = code(&path);
        let hooks = code.matches("#[hook]").count();
        assert_eq!(hooks, 1, "{}: {hooks} hooks", path.display());
        assert!(
            code.contains(&format!("pub fn {name}")),
            "{}: the hook is {name}",
            path.display()
        );
    }
}

/// The client logic's dependencies, transitively: none of them may reach the browser or
/// Yew, so nothing in `election-client` (or the core under it) can.
#[test]
fn the_client_logic_cannot_reach_the_browser() {
    for package in ["election-client", "election-core"] {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let out = Command::new(cargo)
            .args(["tree", "--offline", "-p", package, "-e", "normal"])
            .args(["--prefix", "none", "--target", "wasm32-unknown-unknown"])
            .current_dir(ROOT)
            .output()
            .expect("cargo tree runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tree = String::from_utf8_lossy(&out.stdout);
        assert!(tree.contains(package), "{tree}");
        let web: Vec<&str> = tree
            .lines()
            .filter(|l| {
                ["wasm-bindgen", "web-sys", "js-sys", "yew", "gloo"]
                    .iter()
                    .any(|w| l.starts_with(w))
            })
            .collect();
        assert!(web.is_empty(), "{package} depends on {web:?}");
    }
}

/// `unsafe_code` is denied in every crate (Cargo.toml); one module may allow it: the split
/// point of the release build's second wasm module, whose macro declares an `extern "C"`
/// import and export pair. Nowhere else.
#[test]
fn unsafe_code_is_allowed_only_at_the_split_point() {
    let mut allowed = Vec::new();
    for dir in ["src", "crates", "tests"] {
        for path in rust(dir) {
            if path == Path::new("tests/layout.rs") {
                continue; // this test names what it looks for
            }
            let code = code(&path);
            if code.contains("allow(unsafe_code)")
                || code.contains("unsafe {")
                || code.contains("unsafe extern")
            {
                allowed.push(path.display().to_string());
            }
        }
    }
    assert_eq!(allowed, ["src/platform/lazy.rs"]);
    let lazy = code(Path::new("src/platform/lazy.rs"));
    assert_eq!(lazy.matches("allow(unsafe_code)").count(), 1, "{lazy}");
    assert!(!lazy.contains("unsafe {"), "{lazy}");
}
