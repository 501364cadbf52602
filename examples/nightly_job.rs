//! A vendor's nightly FFB job, end to end, as a fagsystem would write it
//! (docs/vendor-guide.md): read the vendor's own SQLite database (its tables `borgere`,
//! `sager`, `vurderinger`, `bevillinger`, its own integer ids and Danish free text), map each
//! case as it stood on a day onto `ffbkit_sdk::domain` with ids derived from the vendor's
//! keys, plan each day's report (only what changed) and queue it in one transaction with
//! the planner's memory (`DurablePlanner`), then send the queue. Safe to re-run, and after
//! downtime it catches up one report per missed day from the vendor's own history.
//!
//! ```sh
//! ffbkit serve --addr 127.0.0.1:8787 --store /tmp/ffb-rx &
//! cargo run -p ffbkit-sdk --features client --example nightly_job -- \
//!     --dir /tmp/ffb-job --gateway http://127.0.0.1:8787/fhir/Bundle --from 2025-05-26 --to 2025-06-20
//! ```
//!
//! `--dir` holds the vendor database (`fagsystem.sqlite`, created with demo rows when it
//! does not exist) and the job's own state (`ffb-outbox.sqlite`: the outbox and the
//! planner's memory). A case planned before is planned from the day after its last one
//! through `--to`; a new case from `--from`. Without `--gateway` the reports are planned and
//! queued but not sent.

use ffbkit_sdk::catalog::codes::*;
use ffbkit_sdk::domain::*;
use ffbkit_sdk::gateway::{DurablePlanner, GatewayClient, GatewayConfig, Planned};
use rusqlite::{params, Connection, OptionalExtension};
use std::error::Error;
use std::path::PathBuf;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// This fagsystem's name, the first part of every id it derives (docs/vendor-guide.md §2).
const SYSTEM: &str = "demo-fagsystem";

/// An FFB resource id derived from a row of the vendor's database: stable across runs.
fn id_of(table: &str, key: i64) -> Id {
    Id::derived(&[SYSTEM, table, &key.to_string()])
}

/// The vendor's own database, with a few rows of one citizen's case (demo data; a real
/// fagsystem has its own). Codes are FFB's (as the vendor's catalog import stores them),
/// scores are funktionsevnescore 0-4 and støttebehov 0-4, text is the case worker's.
mod vendor_db {
    use super::*;

    pub(super) fn create_demo(conn: &Connection) -> Result<()> {
        conn.execute_batch(
            "CREATE TABLE borgere (borger_id INTEGER PRIMARY KEY, cpr TEXT NOT NULL, kommune_sts TEXT NOT NULL, navn TEXT);
             CREATE TABLE sager (sag_id INTEGER PRIMARY KEY, borger_id INTEGER NOT NULL, sagsnummer TEXT NOT NULL,
                                 henvendelse TEXT NOT NULL, sagsoplysning_afsluttet TEXT, note TEXT);
             CREATE TABLE vurderinger (vurdering_id INTEGER PRIMARY KEY, sag_id INTEGER NOT NULL, tema_kode TEXT NOT NULL,
                                       score INTEGER, vurderet TEXT NOT NULL, genvurderet TEXT, ny_score INTEGER,
                                       fejlregistreret TEXT, note TEXT);
             CREATE TABLE bevillinger (bevilling_id INTEGER PRIMARY KEY, sag_id INTEGER NOT NULL, tilbud_kode TEXT NOT NULL,
                                       ydelse_kode TEXT NOT NULL, maalgruppe_kode TEXT, fra TEXT NOT NULL, til TEXT,
                                       stoettebehov INTEGER, opfoelgning TEXT, maaltype_kode TEXT, forventet_score INTEGER,
                                       maal_vurdering_id INTEGER, maal_sekundaer_vurdering_id INTEGER, note TEXT);",
        )?;
        conn.execute("INSERT INTO borgere VALUES (1, '0101504321', '6a3a6c4d-6d8f-4b0c-9b8a-0d3c5a1e2f40', 'Børge Mogensen')", [])?;
        conn.execute(
            "INSERT INTO sager VALUES (10, 1, 'SAG-2025-0117', '2025-05-26', '2025-05-29', 'Henvendelse fra egen læge; ønsker hjælp i hjemmet')",
            [],
        )?;
        let vurdering = "INSERT INTO vurderinger VALUES (?1, 10, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
        let none: Option<&str> = None;
        conn.execute(
            vurdering,
            params![100, FfTema::Hukommelse.code(), None::<i64>, "2025-05-28", none, None::<i64>, none, "Glemmer aftaler"],
        )?;
        conn.execute(vurdering, params![101, AdTema::KoebeInd.code(), 3, "2025-05-28", none, None::<i64>, none, "Kan ikke handle alene"])?;
        conn.execute(
            vurdering,
            params![102, AdTema::LaveMad.code(), 2, "2025-05-28", "2025-06-18", 1, none, "Laver mad med støtte; bedre i juni"],
        )?;
        conn.execute(
            vurdering,
            params![103, AdTema::Spise.code(), 1, "2025-05-28", none, None::<i64>, "2025-06-02", "Registreret på forkert borger"],
        )?;
        conn.execute(
            "INSERT INTO bevillinger VALUES (200, 10, ?1, ?2, ?3, '2025-05-29', NULL, 2, '2025-08-29', ?4, 2, 101, 102, 'Støtte to gange om ugen')",
            params![
                Tilbud::AlmindeligtLaengerevarendeBotilbudTilVoksne.code(),
                Ydelse::StoetteTilDagligeOpgaverIHjemmet.code(),
                Maalgruppe::Angst.code(),
                Maaltype::UdvikleFunktionsevne.code()
            ],
        )?;
        Ok(())
    }

    /// The cases (sag ids) the job looks at.
    pub(super) fn cases(conn: &Connection) -> Result<Vec<i64>> {
        let mut st = conn.prepare("SELECT sag_id FROM sager ORDER BY sag_id")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

/// Whether the vendor's date text (YYYY-MM-DD) is on or before `day`.
fn by(text: &Option<String>, day: Date) -> Result<bool> {
    Ok(match text {
        Some(t) => Date::parse(t)? <= day,
        None => false,
    })
}

/// A funktionsevnescore 0-4 as FFB's funktionsevneniveau.
fn level(score: i64) -> Result<Funktionsevneniveau> {
    u8::try_from(score).ok().and_then(Funktionsevneniveau::from_score).ok_or_else(|| format!("score {score} is not 0-4").into())
}

/// A theme code of any kind (A&D with its score, F&F, omgivelse).
fn theme(code: &str, score: Option<i64>) -> Result<Theme> {
    if let Some(t) = AdTema::from_code(code) {
        return Ok(Theme::ad(t, level(score.ok_or("an A&D theme needs a score")?)?)?);
    }
    if let Some(t) = FfTema::from_code(code) {
        return Ok(Theme::ff(t)?);
    }
    if let Some(t) = Omgivelse::from_code(code) {
        return Ok(Theme::omgivelse(t)?);
    }
    Err(format!("{code} is not an FFB theme").into())
}

/// A typed catalog code from the vendor's column, or an error naming the column.
fn code<T>(value: &str, column: &str, from: fn(&str) -> Option<T>) -> Result<T> {
    from(value).ok_or_else(|| format!("{column}: {value} is not a code of this kind").into())
}

/// The case `sag_id` as it stood at the end of `day`, in FFB terms (docs/vendor-guide.md §1).
fn case_as_of(conn: &Connection, sag_id: i64, day: Date) -> Result<Option<Case>> {
    let Some((borger_id, cpr, kommune, sagsnummer, henvendelse, afsluttet)) = conn
        .query_row(
            "SELECT b.borger_id, b.cpr, b.kommune_sts, s.sagsnummer, s.henvendelse, s.sagsoplysning_afsluttet
             FROM sager s JOIN borgere b USING (borger_id) WHERE s.sag_id = ?1",
            [sag_id],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?
    else {
        return Ok(None);
    };
    if !by(&Some(henvendelse), day)? {
        return Ok(None); // not yet a case on that day
    }
    let mut citizen = Citizen::new(Cpr::parse(&cpr)?, &kommune)?;
    citizen.id = id_of("borger", borger_id);
    let mut case = Case::new(citizen);
    let mut request = ServiceRequest::new(&sagsnummer);
    request.id = id_of("sag", sag_id);

    // Vurderinger: one Condition each, re-assessed in place, withdrawn when fejlregistreret.
    let mut st = conn.prepare(
        "SELECT vurdering_id, tema_kode, score, vurderet, genvurderet, ny_score, fejlregistreret FROM vurderinger WHERE sag_id = ?1 ORDER BY vurdering_id",
    )?;
    type Row = (i64, String, Option<i64>, String, Option<String>, Option<i64>, Option<String>);
    let rows: Vec<Row> = st
        .query_map([sag_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
        .collect::<std::result::Result<_, _>>()?;
    for (id, tema, score, vurderet, genvurderet, ny_score, fejl) in rows {
        if !by(&Some(vurderet.clone()), day)? {
            continue;
        }
        let mut t = ThemeAssessment::new(theme(&tema, score)?, Date::parse(&vurderet)?);
        t.id = id_of("vurdering", id);
        if by(&genvurderet, day)? {
            t.reassess(Date::parse(genvurderet.as_deref().unwrap_or_default())?, ny_score.map(level).transpose()?);
        }
        if by(&fejl, day)? {
            t.registration = Registration::EnteredInError;
        }
        case.themes.push(t);
    }
    let completed = by(&afsluttet, day)?;
    let gathering_day = match (&afsluttet, completed) {
        (Some(d), true) => Date::parse(d)?,
        _ => case.themes.iter().map(|t| t.recorded).min().unwrap_or(day),
    };

    // Bevillinger: a care plan with its ydelse, målgruppe, goal and støttebehov.
    let mut st = conn.prepare(
        "SELECT bevilling_id, tilbud_kode, ydelse_kode, maalgruppe_kode, fra, til, stoettebehov, opfoelgning, maaltype_kode, forventet_score,
                maal_vurdering_id, maal_sekundaer_vurdering_id
         FROM bevillinger WHERE sag_id = ?1 ORDER BY bevilling_id",
    )?;
    let mut rows = st.query([sag_id])?;
    let mut evaluation = None;
    while let Some(r) = rows.next()? {
        let (bevilling_id, fra): (i64, String) = (r.get(0)?, r.get(4)?);
        if !by(&Some(fra.clone()), day)? {
            continue;
        }
        let start = Date::parse(&fra)?;
        let mut plan = CarePlan::new(&sagsnummer, start, code(&r.get::<_, String>(1)?, "tilbud_kode", Tilbud::from_code)?)?;
        plan.id = id_of("bevilling", bevilling_id);
        let mut ydelse =
            Intervention::new(&plan, code(&r.get::<_, String>(2)?, "ydelse_kode", Ydelse::from_code)?, start, start.at(12, 0))?;
        ydelse.id = id_of("bevilling-ydelse", bevilling_id);
        if let Some(m) = r.get::<_, Option<String>>(3)? {
            let mut group = TargetGroup::new(code(&m, "maalgruppe_kode", Maalgruppe::from_code)?, start)?;
            group.id = id_of("bevilling-maalgruppe", bevilling_id);
            plan.primary_target_group = Some(group.id.clone());
            case.target_groups.push(group);
        }
        if let Some(s) = r.get::<_, Option<i64>>(6)? {
            let level = u8::try_from(s).ok().and_then(Stoettebehov::from_level).ok_or("stoettebehov is not 0-4")?;
            let mut e = SupportEvaluation::new(level, start.at(11, 0));
            e.id = id_of("bevilling-stoettebehov", bevilling_id);
            plan.evaluation = Some(e.id.clone());
            evaluation = Some(e.id.clone());
            case.evaluations.push(e);
        }
        if let (Some(maaltype), Some(forventet), Some(tema)) =
            (r.get::<_, Option<String>>(8)?, r.get::<_, Option<i64>>(9)?, r.get::<_, Option<i64>>(10)?)
        {
            let assessed = |key: i64| case.themes.iter().find(|t| t.id == id_of("vurdering", key));
            let primary = assessed(tema).ok_or("the goal's theme is not assessed")?;
            let secondary: Vec<&ThemeAssessment> = r.get::<_, Option<i64>>(11)?.and_then(assessed).into_iter().collect();
            let mut goal = Goal::new(code(&maaltype, "maaltype_kode", Maaltype::from_code)?, level(forventet)?, primary, &secondary)?;
            goal.id = id_of("bevilling-maal", bevilling_id);
            plan.goals.push(goal.id.clone());
            case.goals.push(goal);
        }
        plan.follow_up = r.get::<_, Option<String>>(7)?.map(|d| Date::parse(&d)).transpose()?;
        if by(&r.get(5)?, day)? {
            let end = Date::parse(&r.get::<_, String>(5)?)?;
            for (status, end_day) in [(&mut plan.status, &mut plan.end), (&mut ydelse.status, &mut ydelse.end)] {
                *status = PlanStatus::Completed;
                *end_day = Some(end);
            }
            plan.follow_up = None;
        }
        case.care_plans.push(plan);
        case.interventions.push(ydelse);
    }
    if !case.themes.is_empty() {
        case.gatherings.push(InformationGathering {
            id: id_of("sagsoplysning", sag_id),
            service_request: request.id.clone(),
            at: gathering_day.at(10, 0),
            completed,
            themes: case.themes.iter().map(|t| t.id.clone()).collect(),
            evaluation,
        });
    }
    case.service_requests.push(request);
    Ok(Some(case))
}

struct Args {
    dir: PathBuf,
    gateway: Option<String>,
    from: Date,
    to: Date,
}

fn args() -> Result<Args> {
    let mut a = Args {
        dir: std::env::temp_dir().join("ffbkit-nightly-job"),
        gateway: None,
        from: Date::parse("2025-05-26")?,
        to: Date::parse("2025-06-20")?,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--dir" => a.dir = value.into(),
            "--gateway" => a.gateway = Some(value),
            "--from" => a.from = Date::parse(&value)?,
            "--to" => a.to = Date::parse(&value)?,
            other => return Err(format!("unknown option {other} (--dir, --gateway, --from, --to)").into()),
        }
    }
    Ok(a)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let a = args()?;
    std::fs::create_dir_all(&a.dir)?;
    let db_path = a.dir.join("fagsystem.sqlite");
    let fresh = !db_path.exists();
    let db = Connection::open(&db_path)?;
    if fresh {
        vendor_db::create_demo(&db)?;
    }
    let store = DurablePlanner::open(a.dir.join("ffb-outbox.sqlite"))?;
    let mut queued = 0;
    for sag in vendor_db::cases(&db)? {
        let Some(today) = case_as_of(&db, sag, a.to)? else { continue };
        // The planner's memory is kept per citizen (the Patient id, derived from our key).
        let key = today.citizen.id.as_str().to_string();
        let days = match store.last_day(&key)? {
            None => std::iter::successors(Some(a.from), |d| Some(d.succ())).take_while(|d| *d <= a.to).collect(),
            Some(_) => store.missed_days(&key, a.to)?,
        };
        for day in days {
            let Some(case) = case_as_of(&db, sag, day)? else { continue };
            // Planned, queued and remembered in one transaction.
            if let Planned::Queued { report_id, .. } = store.plan_and_enqueue(&case, day)? {
                println!("{day}  sag {sag}: report {report_id} queued");
                queued += 1;
            }
        }
    }
    println!("{queued} new report(s) queued");
    if let Some(url) = &a.gateway {
        let summary = store.outbox().flush(&GatewayClient::new(GatewayConfig::new(url))?).await?;
        println!("sent {}, rejected {}, still queued {}", summary.sent, summary.rejected, summary.still_queued);
        if let Some(stop) = &summary.stopped {
            // Not a verdict on a report (a wrong or expired token, a wrong URL): the queue is kept.
            eprintln!(
                "flush stopped: HTTP {} at report {}: {}; fix the configuration and run again",
                stop.status, stop.report_id, stop.message
            );
            std::process::exit(2);
        }
        if summary.rejected > 0 {
            std::process::exit(1);
        }
    }
    Ok(())
}
