//! Plan a week of daily reports for a changing case: granting, a quiet day, a re-assessed
//! theme, an ended ydelse, a withdrawn registration, a changed grant (new information
//! gathering and care plan), and a follow-up. Each report is validated.
//!
//! Run: `cargo run -p ffbkit-sdk --example plan_week`

use ffbkit_sdk::catalog::codes::*;
use ffbkit_sdk::domain::*;
use ffbkit_sdk::planner::{change_grant, example_case, Planner};
use ffbkit_sdk::validate::Validator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut case = example_case();
    let mut planner = Planner::new();
    let v = Validator::default_validator();
    let monday = Date::parse("2025-03-03")?;
    for n in 0..7 {
        let day = monday.plus_days(n);
        let what = match n {
            0 => "granted",
            1 => "nothing happens",
            2 => {
                case.themes[1].reassess(day, Some(Funktionsevneniveau::ModeratNedsatFunktionsevne));
                "a theme re-assessed"
            }
            3 => {
                case.interventions[0].end = Some(day);
                case.interventions[0].status = PlanStatus::Completed;
                "a ydelse ended"
            }
            4 => {
                case.themes[0].registration = Registration::EnteredInError;
                "a registration withdrawn"
            }
            5 => {
                let old = case.care_plans[0].id.clone();
                let new = change_grant(&mut case, &old, day, |p| p.tilbud = Tilbud::AktivitetsOgSamvaerstilbud).ok_or("no plan")?;
                let plan = case.care_plans.iter().find(|p| p.id == new).ok_or("no plan")?.clone();
                case.interventions.push(Intervention::new(&plan, Ydelse::SocialAktivitet, day, day.at(9, 0))?);
                "the grant changed"
            }
            _ => {
                let plan = case.care_plans.last().ok_or("no plan")?.id.clone();
                case.follow_ups.push(FollowUpResult {
                    id: Id::random(),
                    care_plan: plan,
                    result: Opfoelgningsresultat::TraefAfgoerelseOmFortsaettelseAfIndsats,
                    day,
                    registration: Registration::Current,
                });
                "followed up"
            }
        };
        match planner.plan_day(&case, day) {
            None => println!("{day}  {what:<26} no report"),
            Some(report) => {
                let outcome = v.validate_value(&report);
                let kinds: Vec<String> = report["entry"]
                    .as_array()
                    .ok_or("entries")?
                    .iter()
                    .map(|e| e["resource"]["resourceType"].as_str().unwrap_or("?").to_string())
                    .collect();
                println!(
                    "{day}  {what:<26} report: {} resources, {} errors  [{}]",
                    kinds.len(),
                    outcome.count(ffbkit_sdk::validate::Severity::Error),
                    kinds.join(" ")
                );
                if !outcome.is_valid() {
                    std::process::exit(1);
                }
            }
        }
    }
    Ok(())
}
