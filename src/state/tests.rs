use super::test_db::test_dbs;
use super::*;
use std::sync::{Arc, Barrier};
use std::time::Instant;

fn lease() -> Lease {
    Lease::from_now(Duration::from_secs(3600))
}

fn lease_at(now: &str, ttl_secs: u64) -> Lease {
    let start = unix_from_rfc3339(now).expect("time");
    Lease {
        now: now.to_string(),
        expires_at: rfc3339_from_unix(start + ttl_secs as i64),
    }
}

#[test]
fn claim_release_claims_history_round_trip() {
    for db in test_dbs() {
        claim_release_claims_history_round_trip_on(&db.open("plan.md"));
    }
}

fn claim_release_claims_history_round_trip_on(store: &StateStore) {
    assert_eq!(store.claims().expect("claims"), vec![]);
    assert_eq!(
        store.claim("T10", "alice", &lease()).expect("claim"),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        store.claim("T2", "alice", &lease()).expect("claim"),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        store.claim("T1", "bob", &lease()).expect("claim"),
        ClaimOutcome::Claimed
    );

    let claims = store.claims().expect("claims");
    let ids: Vec<&str> = claims.iter().map(|c| c.task_id.as_str()).collect();
    assert_eq!(ids, ["T1", "T2", "T10"]);
    let t2 = store.claim_of("T2").expect("claim_of").expect("claimed");
    assert_eq!(t2.owner, "alice");
    assert_eq!(t2.claimed_at.len(), "2026-01-21T09:30:00Z".len());
    assert!(t2.claimed_at.ends_with('Z'));

    match store.claim("T2", "alice", &lease()).expect("claim") {
        ClaimOutcome::AlreadyYours(c) => assert_eq!(c, t2),
        other => panic!("expected AlreadyYours, got {other:?}"),
    }

    assert_eq!(store.release("T2").expect("release"), Some(t2));
    assert_eq!(store.release("T2").expect("release"), None);
    assert_eq!(store.claim_of("T2").expect("claim_of"), None);
    assert_eq!(store.claims().expect("claims").len(), 2);

    store
        .record(Some("T1"), "claim", Some("bob"), None)
        .expect("record");
    store
        .record(None, "decide", None, Some("argon2 over bcrypt"))
        .expect("record");
    store
        .record(Some("T1"), "done", Some("bob"), Some("tests pass"))
        .expect("record");
    let all = store.history(100).expect("history");
    let actions: Vec<&str> = all.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["claim", "decide", "done"]);
    assert_eq!(all[1].task_id, None);
    assert_eq!(all[1].detail.as_deref(), Some("argon2 over bcrypt"));
    assert_eq!(all[2].actor.as_deref(), Some("bob"));
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    let last2 = store.history(2).expect("history");
    assert_eq!(last2, all[1..].to_vec());
    assert_eq!(store.history(0).expect("history"), vec![]);
    assert_eq!(store.history(usize::MAX).expect("history").len(), 3);
}

#[test]
fn second_owner_is_told_who_holds_the_task() {
    for db in test_dbs() {
        second_owner_is_told_who_holds_the_task_on(&db.open("plan.md"));
    }
}

fn second_owner_is_told_who_holds_the_task_on(store: &StateStore) {
    assert_eq!(
        store.claim("T1", "alice", &lease()).expect("claim"),
        ClaimOutcome::Claimed
    );
    match store.claim("T1", "bob", &lease()).expect("claim") {
        ClaimOutcome::HeldBy(c) => {
            assert_eq!(c.owner, "alice");
            assert_eq!(c.task_id, "T1");
        }
        other => panic!("expected HeldBy, got {other:?}"),
    }
    // The failed claim changed nothing.
    let c = store.claim_of("T1").expect("claim_of").expect("claimed");
    assert_eq!(c.owner, "alice");
}

#[test]
fn plans_sharing_a_database_do_not_share_claims_or_history() {
    for db in test_dbs() {
        plans_sharing_on(&db.open("a/plan.md"), &db.open("b/plan.md"));
    }
}

fn plans_sharing_on(a: &StateStore, b: &StateStore) {
    assert_eq!(
        a.claim("T1", "alice", &lease()).expect("claim"),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        b.claim("T1", "bob", &lease()).expect("claim"),
        ClaimOutcome::Claimed
    );
    a.record(Some("T1"), "claim", Some("alice"), None)
        .expect("record");
    assert_eq!(b.history(10).expect("history"), vec![]);
    assert_eq!(
        a.release("T1").expect("release").map(|c| c.owner),
        Some("alice".into())
    );
    assert_eq!(
        b.claim_of("T1").expect("claim_of").map(|c| c.owner),
        Some("bob".into())
    );
}

#[test]
fn reopening_keeps_data_and_schema_version() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("state.db");
    {
        let s = StateStore::open_at(&db, "plan.md").expect("open");
        s.claim("T1", "alice", &lease()).expect("claim");
    }
    let s = StateStore::open_at(&db, "plan.md").expect("reopen");
    assert_eq!(s.claims().expect("claims").len(), 1);
    let Db::Sqlite(conn) = &s.db else {
        panic!("a file store is SQLite")
    };
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
}

#[test]
fn a_newer_schema_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("state.db");
    {
        let s = StateStore::open_at(&db, "plan.md").expect("open");
        s.db.batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
            .expect("bump");
    }
    match StateStore::open_at(&db, "plan.md") {
        Err(StateError::NewerSchema { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
        other => panic!("expected NewerSchema, got {other:?}"),
    }
}

#[test]
fn a_newer_schema_on_postgres_is_refused() {
    let Some(url) = super::test_db::fresh_pg_database() else {
        return;
    };
    let s = StateStore::open_postgres(&url, "plan.md").expect("open");
    s.db.batch(&format!(
        "UPDATE baton_schema SET version = {}",
        PG_SCHEMA_VERSION + 1
    ))
    .expect("bump");
    // This process remembers the schema it found current at `url`: ask through another URL
    // for the same database, as a new process would.
    let again = format!("{url}?connect_timeout=9");
    match StateStore::open_postgres(&again, "plan.md") {
        Err(StateError::NewerSchema { found, place, .. }) => {
            assert_eq!(found, PG_SCHEMA_VERSION + 1);
            assert!(matches!(place, Location::Server(_)), "{place}");
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
}

#[test]
fn a_server_that_is_not_there_is_a_clear_error_naming_it_without_its_password() {
    // A port nothing listens on: connecting is refused at once.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let url = format!("postgres://baton:s3cret@127.0.0.1:{port}/state?connect_timeout=2");
    let err = StateStore::open_postgres(&url, "plan.md").expect_err("nothing listens");
    let text = err.to_string();
    assert!(matches!(err, StateError::Postgres { .. }), "{err:?}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}

#[test]
fn errors_name_the_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A file where the state directory should be.
    let blocker = tmp.path().join("blocker");
    std::fs::write(&blocker, "").expect("write");
    let err = StateStore::open_at(&blocker.join("sub/state.db"), "k").expect_err("fails");
    assert!(matches!(err, StateError::Io { .. }));
    assert!(err.to_string().contains("blocker"), "{err}");
    // A file that is not a database.
    let junk = tmp.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 4096]).expect("write");
    let err = StateStore::open_at(&junk, "k").expect_err("fails");
    assert!(err.to_string().contains("junk.db"), "{err}");
}

#[test]
fn natural_order_of_task_ids() {
    let mut ids = vec![
        "T10", "T2", "T1", "1.10", "1.2", "AUTH-3", "T01", "T001", "", "é",
    ];
    ids.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        ids,
        [
            "", "1.2", "1.10", "AUTH-3", "T001", "T01", "T1", "T2", "T10", "é"
        ]
    );
}

#[test]
fn sixteen_threads_claiming_one_task_on_a_fresh_database_yield_one_winner() {
    for db in test_dbs() {
        sixteen_threads_on(Arc::new(db));
    }
}

fn sixteen_threads_on(db: Arc<super::test_db::TestDb>) {
    const N: usize = 16;
    let open_together = Arc::new(Barrier::new(N));
    let claim_together = Arc::new(Barrier::new(N));
    let handles: Vec<_> = (0..N)
        .map(|i| {
            let (db, open_together, claim_together) =
                (db.clone(), open_together.clone(), claim_together.clone());
            std::thread::spawn(move || {
                let owner = format!("session-{i}");
                open_together.wait();
                let store = db.try_open("plan.md");
                claim_together.wait();
                let outcome = store.and_then(|s| s.claim("T1", &owner, &lease()));
                (owner, outcome)
            })
        })
        .collect();
    let results: Vec<(String, ClaimOutcome)> = handles
        .into_iter()
        .map(|h| {
            let (owner, outcome) = h.join().expect("thread");
            (owner, outcome.expect("claim"))
        })
        .collect();

    let winners: Vec<&String> = results
        .iter()
        .filter(|(_, o)| *o == ClaimOutcome::Claimed)
        .map(|(owner, _)| owner)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    let winner = winners[0];
    for (owner, outcome) in &results {
        match outcome {
            ClaimOutcome::Claimed => assert_eq!(owner, winner),
            ClaimOutcome::HeldBy(c) => assert_eq!(&c.owner, winner),
            other => panic!("{owner} got {other:?}"),
        }
    }
    let store = db.open("plan.md");
    let claim = store.claim_of("T1").expect("claim_of").expect("claimed");
    assert_eq!(&claim.owner, winner, "{}", db.name());
}

/// Environment variables that turn [`claim_child_process`] into one claimant of
/// [`sixteen_processes_claiming_one_task_yield_one_winner`].
const CHILD_DIR_ENV: &str = "BATON_TEST_CLAIM_DIR";
const CHILD_OWNER_ENV: &str = "BATON_TEST_CLAIM_OWNER";
const CHILD_URL_ENV: &str = "BATON_TEST_CLAIM_URL";

#[test]
fn sixteen_processes_claiming_one_task_yield_one_winner() {
    sixteen_processes_on(None);
    if let Some(url) = super::test_db::fresh_pg_database() {
        sixteen_processes_on(Some(&url));
    }
}

fn sixteen_processes_on(url: Option<&str>) {
    const N: usize = 16;
    let tmp = tempfile::tempdir().expect("tempdir");
    let exe = std::env::current_exe().expect("test binary");
    let children: Vec<_> = (0..N)
        .map(|i| {
            std::process::Command::new(&exe)
                .args(["--exact", "state::tests::claim_child_process", "--ignored"])
                .args(["--test-threads", "1", "-q"])
                .env(CHILD_DIR_ENV, tmp.path())
                .env(CHILD_OWNER_ENV, format!("proc-{i}"))
                .env(CHILD_URL_ENV, url.unwrap_or(""))
                .env(NOW_ENV, "2026-01-21T09:30:00Z")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn child")
        })
        .collect();
    // Start them all at once, onto a database none of them has created yet.
    std::fs::write(tmp.path().join("go"), "").expect("write go");
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    let outcomes: Vec<String> = (0..N)
        .map(|i| {
            std::fs::read_to_string(tmp.path().join(format!("proc-{i}.out"))).expect("outcome")
        })
        .collect();
    let winners: Vec<usize> = (0..N).filter(|&i| outcomes[i] == "claimed").collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    let expected = format!("held by proc-{} at 2026-01-21T09:30:00Z", winners[0]);
    for (i, o) in outcomes.iter().enumerate() {
        if i != winners[0] {
            assert_eq!(o, &expected);
        }
    }
}

/// One claimant process of the test above; does nothing when run on its own.
#[test]
#[ignore = "run as a child process by sixteen_processes_claiming_one_task_yield_one_winner"]
fn claim_child_process() {
    let (Some(dir), Some(owner)) = (
        std::env::var_os(CHILD_DIR_ENV),
        std::env::var(CHILD_OWNER_ENV).ok(),
    ) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dir.join("go").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let store = match std::env::var(CHILD_URL_ENV).ok().filter(|u| !u.is_empty()) {
        Some(url) => StateStore::open_postgres(&url, "plan.md"),
        None => StateStore::open_at(&dir.join("state.db"), "plan.md"),
    }
    .expect("open");
    let text = match store.claim("T1", &owner, &lease()).expect("claim") {
        ClaimOutcome::Claimed => "claimed".to_owned(),
        ClaimOutcome::HeldBy(c) => format!("held by {} at {}", c.owner, c.claimed_at),
        ClaimOutcome::AlreadyYours(c) => format!("already mine since {}", c.claimed_at),
        ClaimOutcome::TakenOver(c) => format!("taken over from {}", c.owner),
    };
    std::fs::write(dir.join(format!("{owner}.out")), text).expect("write outcome");
}

#[test]
fn two_worktrees_of_a_repository_see_each_others_claims() {
    let (_tmp, main, wt) = crate::repo::tests::repo_with_worktree();
    let in_main = StateStore::open(&main.join("docs/plan.md")).expect("open main");
    let in_wt = StateStore::open(&wt.join("docs/plan.md")).expect("open worktree");
    assert_eq!(in_main.plan_key(), "docs/plan.md");
    assert_eq!(in_main.location(), in_wt.location());
    let Location::File(path) = in_main.location() else {
        panic!("a file store")
    };
    assert!(path.starts_with(std::fs::canonicalize(main.join(".git")).expect("canon")));

    assert_eq!(
        in_main.claim("T1", "alice", &lease()).expect("claim"),
        ClaimOutcome::Claimed
    );
    match in_wt.claim("T1", "bob", &lease()).expect("claim") {
        ClaimOutcome::HeldBy(c) => assert_eq!(c.owner, "alice"),
        other => panic!("expected HeldBy, got {other:?}"),
    }
    assert_eq!(
        in_wt.claim("T2", "bob", &lease()).expect("claim"),
        ClaimOutcome::Claimed
    );
    in_wt
        .record(Some("T2"), "claim", Some("bob"), None)
        .expect("record");

    let owners: Vec<String> = in_main
        .claims()
        .expect("claims")
        .into_iter()
        .map(|c| c.owner)
        .collect();
    assert_eq!(owners, ["alice", "bob"]);
    assert_eq!(in_main.history(10).expect("history").len(), 1);
    assert_eq!(
        in_wt.release("T1").expect("release").map(|c| c.owner),
        Some("alice".into())
    );
    assert_eq!(in_main.claim_of("T1").expect("claim_of"), None);
}

#[test]
fn a_stale_lease_is_taken_over_and_a_live_one_is_not() {
    for db in test_dbs() {
        a_stale_lease_is_taken_over_and_a_live_one_is_not_on(&db.open("plan.md"));
    }
}

fn a_stale_lease_is_taken_over_and_a_live_one_is_not_on(store: &StateStore) {
    let t0 = "2026-01-21T09:00:00Z";
    assert_eq!(
        store
            .claim("T1", "alice", &lease_at(t0, 600))
            .expect("claim"),
        ClaimOutcome::Claimed
    );
    match store
        .claim("T1", "bob", &lease_at("2026-01-21T09:09:59Z", 600))
        .expect("claim")
    {
        ClaimOutcome::HeldBy(c) => {
            assert_eq!(c.owner, "alice");
            assert_eq!(c.expires_at.as_deref(), Some("2026-01-21T09:10:00Z"));
        }
        other => panic!("{other:?}"),
    }
    // At the expiry instant the lease is over.
    match store
        .claim("T1", "bob", &lease_at("2026-01-21T09:10:00Z", 600))
        .expect("claim")
    {
        ClaimOutcome::TakenOver(was) => assert_eq!(was.owner, "alice"),
        other => panic!("{other:?}"),
    }
    let now = store.claim_of("T1").expect("read").expect("claimed");
    assert_eq!(now.owner, "bob");
    assert_eq!(now.expires_at.as_deref(), Some("2026-01-21T09:20:00Z"));
    // Renewing extends only the owner's leases.
    let renewed = store
        .renew("bob", None, &lease_at("2026-01-21T09:15:00Z", 600))
        .expect("renew");
    assert_eq!(renewed.len(), 1);
    assert_eq!(
        renewed[0].expires_at.as_deref(),
        Some("2026-01-21T09:25:00Z")
    );
    assert!(
        store
            .renew("alice", None, &lease())
            .expect("renew")
            .is_empty()
    );
}

#[test]
fn a_check_inside_the_claim_transaction_can_refuse_and_sees_only_other_live_claims() {
    for db in test_dbs() {
        a_check_inside_the_claim_transaction_can_refuse_and_sees_only_other_live_claims_on(
            &db.open("plan.md"),
        );
    }
}

fn a_check_inside_the_claim_transaction_can_refuse_and_sees_only_other_live_claims_on(
    store: &StateStore,
) {
    let t0 = "2026-01-21T09:00:00Z";
    store
        .claim("T1", "alice", &lease_at(t0, 60))
        .expect("claim");
    store
        .claim("T2", "bob", &lease_at(t0, 6000))
        .expect("claim");
    let later = lease_at("2026-01-21T09:05:00Z", 600);
    let seen = store
        .claim_checked("T3", "carol", &later, |others| {
            Err::<(), Vec<String>>(others.iter().map(|c| c.task_id.clone()).collect())
        })
        .expect("claim");
    assert_eq!(seen, Err(vec!["T2".to_string()]), "alice's lease ran out");
    assert_eq!(
        store.claim_of("T3").expect("read"),
        None,
        "a refusal writes nothing"
    );
}

#[test]
fn a_thousand_races_of_sixteen_connections_each_have_exactly_one_winner() {
    for db in test_dbs() {
        // A PostgreSQL round trip costs more than a SQLite lock: fewer rounds there.
        let rounds = if db.name() == "postgres" { 250 } else { 1000 };
        races_on(Arc::new(db), rounds);
    }
}

fn races_on(db: Arc<super::test_db::TestDb>, rounds: usize) {
    const N: usize = 16;
    let go = Arc::new(Barrier::new(N));
    let done = Arc::new(Barrier::new(N));
    let handles: Vec<_> = (0..N)
        .map(|i| {
            let (db, go, done) = (db.clone(), go.clone(), done.clone());
            std::thread::spawn(move || {
                let store = db.open("plan.md");
                let mut wins = Vec::new();
                for round in 0..rounds {
                    go.wait();
                    let task = format!("T{round}");
                    let outcome = store
                        .claim(&task, &format!("s{i}"), &lease())
                        .expect("claim");
                    if outcome == ClaimOutcome::Claimed {
                        wins.push(round);
                    }
                    done.wait();
                }
                wins
            })
        })
        .collect();
    let mut winners = vec![0usize; rounds];
    for h in handles {
        for round in h.join().expect("thread") {
            winners[round] += 1;
        }
    }
    assert!(
        winners.iter().all(|&w| w == 1),
        "{}: {winners:?}",
        db.name()
    );
}
