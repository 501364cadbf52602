//! Build one delivery report from a case and validate it, as a vendor would.
//!
//! Run: `cargo run -p ffbkit-sdk --example build_report`

use ffbkit_sdk::builder::ReportBuilder;
use ffbkit_sdk::catalog::codes::*;
use ffbkit_sdk::domain::*;
use ffbkit_sdk::validate::{render, Validator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let day = Date::parse("2025-03-03")?;
    // The citizen and the municipality (KOMBIT STS organisation UUID).
    let citizen = Citizen::new(Cpr::parse("0101504321")?, "6a3a6c4d-6d8f-4b0c-9b8a-0d3c5a1e2f40")?;
    let mut case = Case::new(citizen);

    // Henvendelse and sagsoplysning: themes, A&D with a funktionsevneniveau.
    let request = ServiceRequest::new("SAG-2025-0042");
    let hukommelse = ThemeAssessment::new(Theme::ff(FfTema::Hukommelse)?, day);
    let koebe_ind = ThemeAssessment::new(Theme::ad(AdTema::KoebeInd, Funktionsevneniveau::SvaertNedsatFunktionsevne)?, day);
    let stoette = SupportEvaluation::new(Stoettebehov::ModeratStoettebehov, day.at(11, 0));

    // Vurdering og bestilling: målgruppe, indsatsmål, indsats with tilbud and ydelse.
    let goal = Goal::new(Maaltype::UdvikleFunktionsevne, Funktionsevneniveau::LetNedsatFunktionsevne, &koebe_ind, &[])?;
    let angst = TargetGroup::new(Maalgruppe::Angst, day)?;
    let mut plan = CarePlan::new("SAG-2025-0042", day, Tilbud::MobiltTilbud)?;
    plan.primary_target_group = Some(angst.id.clone());
    plan.goals.push(goal.id.clone());
    plan.evaluation = Some(stoette.id.clone());
    plan.follow_up = Some(day.plus_months(3));
    let ydelse = Intervention::new(&plan, Ydelse::StoetteTilDagligeOpgaverIHjemmet, day, day.at(12, 0))?;

    case.gatherings.push(InformationGathering {
        id: Id::random(),
        service_request: request.id.clone(),
        at: day.at(10, 0),
        completed: true,
        themes: vec![hukommelse.id.clone(), koebe_ind.id.clone()],
        evaluation: Some(stoette.id.clone()),
    });
    case.service_requests.push(request);
    case.themes.extend([hukommelse, koebe_ind]);
    case.evaluations.push(stoette);
    case.goals.push(goal);
    case.target_groups.push(angst);
    case.care_plans.push(plan);
    case.interventions.push(ydelse);

    let report = ReportBuilder::new(&case, day.at(16, 0)).all().build();
    let text = serde_json::to_vec_pretty(&report)?;
    let outcome = Validator::default_validator().validate_bytes(&text);
    print!("{}", render::human("report.json", Some(&text), &outcome, false, false));
    println!(
        "citizen {} ({}): {} resources, {}",
        case.citizen.cpr,
        outcome.municipality.as_deref().unwrap_or("?"),
        outcome.resources,
        if outcome.is_valid() { "valid" } else { "INVALID" }
    );
    if !outcome.is_valid() {
        std::process::exit(1);
    }
    Ok(())
}
