//! HR's side at scale (`make bench`): a grants export of 10,000 employees × 5 grants read
//! by the core, and the results over 10,000 employees: computed in process, and asked of
//! the real receiver binary holding their elections (`GET /v1/hr/participation`, the
//! results CSV and the export), and the export checked offline. Each figure beside its
//! reference, measured in the same run. Writes the HR section of `docs/BENCHMARKS.md`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use common::*;
use election_core::grants_csv::{read_grants_csv, ColumnMap};
use election_core::results::{read_export, results_csv, tally, verify_export};

const EMPLOYEES: usize = 10_000;
const GRANTS: usize = 5;

/// The export of `EMPLOYEES` employees with `GRANTS` grants each.
fn grants_export() -> String {
    let mut csv = String::from(
        "employee_id,name,email,grant_id,plan,grant_date,exercise_price,outstanding,vested,expiration_date\r\n",
    );
    for e in 0..EMPLOYEES {
        for g in 0..GRANTS {
            let price = ["6.25", "12.00", "22.875", "31.50", "42.50"][g];
            csv.push_str(&format!(
                "E-{e:05},Employee {e},e{e}@example.com,G-{e:05}-{g},{plan},{year}-0{month}-15,{price},\"{n}\",{v},{expires}-0{month}-15\r\n",
                plan = if g % 2 == 0 { "holding" } else { "pnh" },
                year = 1998 + g % 3,
                expires = 2008 + g % 3,
                month = 1 + g,
                n = ["1,000", "2,500", "750", "4,000", "12,000"][g],
                v = 500,
            ));
        }
    }
    csv
}

/// The receiver's process, stopped however the benchmark ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The median of `runs` timings of `f`, in milliseconds.
fn median_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], last.expect("at least one run"))
}

async fn timed_get(client: &reqwest::Client, url: &str, token: Option<&str>) -> (f64, usize) {
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let mut request = client.get(url);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        let start = Instant::now();
        let body = request
            .send()
            .await
            .expect("answer")
            .bytes()
            .await
            .expect("body");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        size = body.len();
    }
    times.sort_by(f64::total_cmp);
    (times[2], size)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let offer = offer();
    let text = grants_export();
    let columns = ColumnMap::default();

    // The import, beside the floor: the csv crate reading the same file into records.
    let (floor_ms, records) = median_ms(5, || {
        csv::ReaderBuilder::new()
            .from_reader(text.as_bytes())
            .records()
            .filter_map(Result::ok)
            .count()
    });
    assert_eq!(records, EMPLOYEES * GRANTS);
    let (import_ms, imported) = median_ms(5, || {
        read_grants_csv(&text, &columns, &offer.id, true, Some(&offer)).unwrap_or_else(|p| {
            panic!(
                "the export has {} problems: {:?}",
                p.len(),
                &p[..p.len().min(3)]
            )
        })
    });
    assert_eq!(imported.len(), EMPLOYEES);
    eprintln!("import {import_ms:.1} ms (csv records alone {floor_ms:.1} ms)");

    // A receiver holding the elections of 10,000 employees (7 in 10 elect; 1 in 10 of
    // those changes its mind once).
    let dir = temp_dir("hr-bench");
    let csv_path = dir.join("grants.csv");
    std::fs::write(&csv_path, &text).expect("write the export");
    let holders: Vec<election_core::Holder> = imported.into_iter().map(|e| e.holder).collect();
    let (rx, elections_sent, route_ms, offer_ms, csv_route, export_route, export_text) = runtime
        .block_on(async {
            let mut config = test_config(Backend::Sqlite, 0).await;
            // No holder files: every employee comes from the export.
            config.holders = dir.join("no-holders");
            std::fs::create_dir_all(&config.holders).expect("an empty holders directory");
            config.tokens = holders
                .iter()
                .map(|h| (h.employee.id.clone(), token_for(&h.employee.id)))
                .collect::<BTreeMap<_, _>>();
            // The real binary, as in the load benchmark.
            let child = binary("serve", &config)
                .arg("--grants")
                .arg(&csv_path)
                .args(["--listen", "127.0.0.1:0", "--clock-start", DURING_OFFER])
                .args(["--hr-token", HR_TOKEN])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("the receiver binary");
            let mut child = KillOnDrop(child);
            let mut line = String::new();
            std::io::BufRead::read_line(
                &mut std::io::BufReader::new(child.0.stdout.take().expect("stdout")),
                &mut line,
            )
            .expect("its first line");
            let base = line
                .trim()
                .strip_prefix("listening on ")
                .expect("listening")
                .to_owned();
            let rx = Arc::new(Receiver {
                addr: base.trim_start_matches("http://").parse().expect("address"),
                base,
                config: config.clone(),
                dir: dir.clone(),
            });
            // 64 clients, as 64 browsers, each employee's requests through one of them (a
            // client per employee would keep thousands of idle connections open, over the
            // receiver's cap).
            let clients: Vec<reqwest::Client> = (0..64).map(|_| reqwest::Client::new()).collect();
            let employees: Vec<Arc<Employee>> = holders
                .iter()
                .take(EMPLOYEES * 7 / 10)
                .enumerate()
                .map(|(i, h)| {
                    use sha2::Digest as _;
                    let secret = sha2::Sha256::digest(format!("hr bench key {}", h.employee.id));
                    Arc::new(Employee {
                        id: h.employee.id.clone(),
                        token: token_for(&h.employee.id),
                        signer: election_core::contract::Signer::from_bytes(&secret).expect("key"),
                        holder: h.clone(),
                        client: clients[i % clients.len()].clone(),
                    })
                })
                .collect();
            // Every election signed before any is sent (signing is the browser's work,
            // and CPU spent here would starve the requests in flight).
            let offer = offer.clone();
            let signed: Vec<(Arc<Employee>, Vec<election_core::contract::SignedElection>)> =
                employees
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let mut list = vec![e.sign(e.payload_under(&offer, 1, true))];
                        if i % 10 == 0 {
                            list.push(e.sign(e.payload_under(&offer, 2, false)));
                        }
                        (Arc::clone(e), list)
                    })
                    .collect();
            let mut sent = 0usize;
            for chunk in signed.chunks(64) {
                let tasks: Vec<_> = chunk
                    .iter()
                    .map(|(e, list)| {
                        let (e, list, rx) = (Arc::clone(e), list.clone(), Arc::clone(&rx));
                        tokio::spawn(async move {
                            e.register(&rx).await;
                            let mut n = 0;
                            for election in &list {
                                let (status, _) = e.submit(&rx, election).await;
                                n += usize::from(status.is_success());
                            }
                            n
                        })
                    })
                    .collect();
                for t in tasks {
                    sent += t.await.expect("task");
                }
            }
            let client = reqwest::Client::new();
            let (route_ms, _) =
                timed_get(&client, &rx.url("/v1/hr/participation"), Some(HR_TOKEN)).await;
            let (offer_ms, _) = timed_get(&client, &rx.url("/v1/offer"), None).await;
            let csv_route = timed_get(&client, &rx.url("/v1/hr/results.csv"), Some(HR_TOKEN)).await;
            let export_route = timed_get(&client, &rx.url("/v1/hr/results"), Some(HR_TOKEN)).await;
            let export_text = client
                .get(rx.url("/v1/hr/results"))
                .bearer_auth(HR_TOKEN)
                .send()
                .await
                .expect("export")
                .text()
                .await
                .expect("export body");
            drop(child);
            (
                rx,
                sent,
                route_ms,
                offer_ms,
                csv_route,
                export_route,
                export_text,
            )
        });
    drop(rx);

    // In process: the same results computed from the export's own data.
    let export = read_export(&export_text).expect("the receiver's export");
    let refs: Vec<&election_core::Holder> = holders.iter().collect();
    let (tally_ms, results) = median_ms(5, || {
        tally(
            &offer,
            &refs,
            &export.elections,
            &BTreeMap::new(),
            &export.results.as_of,
            false,
        )
    });
    let (csv_ms, _) = median_ms(5, || results_csv(&results).expect("csv"));
    let (read_ms, _) = median_ms(3, || read_export(&export_text).expect("export"));
    let (verify_ms, audit) = median_ms(3, || verify_export(&export, None, None));
    assert!(
        audit.problems.is_empty(),
        "{:?}",
        &audit.problems[..audit.problems.len().min(3)]
    );
    eprintln!(
        "{elections_sent} elections; participation {route_ms:.1} ms (GET /v1/offer {offer_ms:.1} ms); tally {tally_ms:.1} ms; verify-export {verify_ms:.0} ms"
    );

    let mb = |bytes: usize| bytes as f64 / 1_048_576.0;
    let section = [
        "<!-- hr -->".to_owned(),
        "## HR: the grants import and the results (this 2-core machine)".to_owned(),
        String::new(),
        format!("Measured by `cargo bench -p election-receiver --bench hr` (part of `make bench`): a grants export of {EMPLOYEES} employees × {GRANTS} grants ({:.1} MB), and the real receiver binary holding the {elections_sent} elections of {} of them (a tenth changing their mind once; SQLite). Medians of 5 runs (3 for the export's reading and checking). Target: the import in well under a second.", mb(text.len()), EMPLOYEES * 7 / 10),
        String::new(),
        "| what | ms | reference, same run | ms |".to_owned(),
        "|---|---:|---|---:|".to_owned(),
        format!("| import: {} rows read, checked and grouped into {EMPLOYEES} employees (`read_grants_csv`) | {import_ms:.1} | the `csv` crate reading the same rows, nothing else | {floor_ms:.1} |", EMPLOYEES * GRANTS),
        format!("| `GET /v1/hr/participation` over {EMPLOYEES} employees | {route_ms:.1} | `GET /v1/offer` (a static answer) | {offer_ms:.1} |"),
        format!("| `GET /v1/hr/results.csv` ({:.1} MB) | {:.1} | | |", mb(csv_route.1), csv_route.0),
        format!("| `GET /v1/hr/results`, the export ({:.1} MB) | {:.1} | | |", mb(export_route.1), export_route.0),
        format!("| the results computed in process (`tally`) | {tally_ms:.1} | | |"),
        format!("| the results CSV written in process | {csv_ms:.1} | | |"),
        format!("| `verify-export`'s check of the export (every signature, the chain, the results again) | {verify_ms:.0} | reading the export's JSON | {read_ms:.0} |"),
        "<!-- /hr -->".to_owned(),
    ];
    write_bench_section("hr", &section);
}
