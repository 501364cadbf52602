//! Plain Danish for an operator at the vendor's user interface (the manual driver).

use super::model::*;

fn list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} og {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

fn ydelser(ys: &[YdelseSpec]) -> String {
    list(
        &ys.iter()
            .map(|y| match y.start {
                Some(s) => format!("«{}» [{}] fra {s}", y.ydelse, y.alias),
                None => format!("«{}» [{}]", y.ydelse, y.alias),
            })
            .collect::<Vec<_>>(),
    )
}

fn maalgrupper(ms: &[MaalgruppeSpec]) -> String {
    list(
        &ms.iter()
            .map(|m| if m.primary { format!("«{}» (primær)", m.maalgruppe) } else { format!("«{}»", m.maalgruppe) })
            .collect::<Vec<_>>(),
    )
}

fn goals(gs: &[GoalSpec]) -> String {
    list(
        &gs.iter()
            .map(|g| {
                let themes = match g.themes.as_slice() {
                    [one] => format!("temaet [{one}]"),
                    _ => {
                        format!("temaerne {} (det første er primært)", list(&g.themes.iter().map(|t| format!("[{t}]")).collect::<Vec<_>>()))
                    }
                };
                format!("«{}» med forventet funktionsevnescore {} for {themes}", g.maaltype, g.expected_score)
            })
            .collect::<Vec<_>>(),
    )
}

/// What to do, in plain Danish, for one action.
///
/// ```
/// use ffbkit_conformance::journey::{describe, Action, Reassess};
/// let a = Action::Reassess(Reassess { theme: "spise".into(), score: Some(2) });
/// assert!(describe(&a).contains("funktionsevnescore 2"));
/// ```
pub fn describe(action: &Action) -> String {
    match action {
        Action::CreateCase(a) => {
            let who = a.cpr.as_deref().map(|c| format!(" (CPR {})", ffbkit_sdk::cpr::mask(c))).unwrap_or_default();
            format!("Opret borgeren «{}»{who} og en ny sag med sagsnummer {} (henvendelse).", a.citizen, a.case_number)
        }
        Action::RecordGathering(a) => {
            let themes = list(
                &a.themes
                    .iter()
                    .map(|t| match t.score {
                        Some(s) => format!("«{}» [{}] med funktionsevnescore {s}", t.theme, t.alias),
                        None => format!("«{}» [{}]", t.theme, t.alias),
                    })
                    .collect::<Vec<_>>(),
            );
            let noun = if a.themes.len() == 1 { "temaet" } else { "temaerne" };
            let mut s = format!("Registrér i sagsoplysningen «{}» for «{}» {noun} {themes}.", a.gathering, a.citizen);
            if let Some(b) = &a.stoettebehov {
                s.push_str(&format!(" Vurdér støttebehovet som «{b}»."));
            }
            if a.completed {
                s.push_str(" Afslut sagsoplysningen.");
            }
            s
        }
        Action::Grant(a) => {
            let mut s = format!(
                "Bevilg indsatsen «{}» for «{}» i tilbuddet «{}»{} med ydelserne {}, målgrupperne {}",
                a.plan,
                a.citizen,
                a.tilbud,
                a.start.map(|d| format!(" fra {d}")).unwrap_or_default(),
                ydelser(&a.ydelser),
                maalgrupper(&a.maalgrupper)
            );
            if !a.goals.is_empty() {
                s.push_str(&format!(" og indsatsmålene {}", goals(&a.goals)));
            }
            s.push_str(&format!(". Støttebehov: «{}». Opfølgningsdato: {}.", a.stoettebehov, a.follow_up));
            s
        }
        Action::FollowUp(a) => {
            let mut s = format!(
                "Følg op på indsatsen «{}»: resultat «{}», støttebehov «{}» (registreres også når det er uændret).",
                a.plan, a.result, a.stoettebehov
            );
            if let Some(d) = a.next_follow_up {
                s.push_str(&format!(" Ny opfølgningsdato: {d}."));
            }
            s
        }
        Action::Reassess(a) => match a.score {
            Some(sc) => format!("Revurdér temaet [{}]: ny funktionsevnescore {sc}.", a.theme),
            None => format!("Revurdér temaet [{}] (uændret, men vurderet igen i dag).", a.theme),
        },
        Action::ChangeGrant(a) => {
            let mut s = format!(
                "Ændr bevillingen: indsatsen «{}» afsluttes, og ny sagsoplysning «{}» fører til den nye indsats «{}»",
                a.plan, a.gathering, a.new_plan
            );
            if let Some(t) = &a.tilbud {
                s.push_str(&format!(" i tilbuddet «{t}»"));
            }
            s.push_str(&format!(" med ydelserne {}", ydelser(&a.ydelser)));
            if let Some(m) = &a.maalgrupper {
                s.push_str(&format!(", målgrupperne {}", maalgrupper(m)));
            }
            if let Some(g) = &a.goals {
                s.push_str(&format!(", indsatsmålene {}", goals(g)));
            }
            if let Some(b) = &a.stoettebehov {
                s.push_str(&format!(", støttebehov «{b}»"));
            }
            s.push_str(&format!(". Opfølgningsdato: {}.", a.follow_up));
            s
        }
        Action::EndYdelse(a) => {
            format!("Afslut ydelsen [{}]{}.", a.ydelse, a.end.map(|d| format!(" med slutdato {d}")).unwrap_or_else(|| " i dag".into()))
        }
        Action::EndPlan(a) => format!(
            "Afslut indsatsen «{}» og dens ydelser{}.",
            a.plan,
            a.end.map(|d| format!(" med slutdato {d}")).unwrap_or_else(|| " i dag".into())
        ),
        Action::Withdraw(a) => {
            format!("Registreringen [{}] var en fejl: tilbagekald den (markér som fejlregistreret, slet den ikke).", a.target)
        }
        Action::GrantNonFfb(a) => {
            format!("Bevilg «{}» for «{}» efter {} (ikke FFB: må ikke indberettes).", a.description, a.citizen, a.paragraph)
        }
    }
}
