//! The typed SDK in Python: `ffbkit.sdk`'s domain classes (a citizen's case in VUM terms),
//! the builder (`Case.to_report`) and the daily planner (`Planner`). Each class wraps the
//! SDK's own type and constructor (`ffbkit_sdk::domain`), so Python refuses what Rust
//! refuses, with the same rule id (`ffbkit.DomainError.rule`).
//!
//! Codes are given as the members of `ffbkit.codes` (string enums whose value is the FFB
//! code) or as the code itself. A `Case` keeps the objects added to it, not copies: a plan
//! changed after it was added is reported as it is when the report is built.

use crate::errors;
use ffbkit_sdk::catalog::codes::{
    AdTema, FfTema, Funktionsevneniveau, Maalgruppe, Maaltype, Omgivelse, Opfoelgningsresultat, Stoettebehov, Tilbud, Ydelse,
};
use ffbkit_sdk::domain::{self as d, Date, DateTime, Id};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

/// The SDK's refusal as `ffbkit.DomainError` with its rule id.
fn refused(e: d::DomainError) -> PyErr {
    errors::domain_error(e.rule().as_str(), e.to_string())
}

/// A code of kind `T` from an `ffbkit.codes` member or a code string.
fn code<T>(value: &Bound<'_, PyAny>, kind: &str, from: fn(&str) -> Option<T>) -> PyResult<T> {
    let text: String = value.getattr("value").and_then(|v| v.extract()).or_else(|_| value.extract())?;
    from(&text).ok_or_else(|| errors::domain_error("GW-BINDING", format!("{text:?} is not a code of {kind} (GW-BINDING)")))
}

fn date(text: &str) -> PyResult<Date> {
    Date::parse(text).map_err(|e| refused(e.into()))
}

fn date_time(text: &str) -> PyResult<DateTime> {
    DateTime::parse(text).map_err(|e| refused(e.into()))
}

/// `id` when given (a UUID: your stable id), else a random one.
fn id_or_random(id: Option<&str>) -> PyResult<Id> {
    id.map_or_else(|| Ok(Id::random()), |s| Id::parse(s).map_err(refused))
}

/// A stable id derived from your own names and keys (`Id::derived`): the same parts give
/// the same UUID on every run (PROTO-ID-STABLE).
#[pyfunction]
pub(crate) fn derived_id(parts: Vec<String>) -> String {
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    Id::derived(&parts).as_str().to_string()
}

/// The citizen: CPR number and municipality (KOMBIT STS organisation UUID).
#[pyclass(name = "Citizen", module = "ffbkit.sdk", frozen)]
pub(crate) struct PyCitizen {
    inner: d::Citizen,
}

#[pymethods]
impl PyCitizen {
    #[new]
    #[pyo3(signature = (cpr, municipality, id = None))]
    fn new(cpr: &str, municipality: &str, id: Option<&str>) -> PyResult<Self> {
        let mut inner = d::Citizen::new(d::Cpr::parse(cpr).map_err(refused)?, municipality).map_err(refused)?;
        inner.id = id_or_random(id)?;
        Ok(PyCitizen { inner })
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }

    fn __repr__(&self) -> String {
        format!("Citizen({}, municipality={:?})", self.inner.cpr, self.inner.municipality)
    }
}

/// A theme as assessed (an FFB Condition): `ThemeAssessment.ad`, `.ff` or `.omgivelse`.
#[pyclass(name = "ThemeAssessment", module = "ffbkit.sdk")]
pub(crate) struct PyTheme {
    inner: d::ThemeAssessment,
}

#[pymethods]
impl PyTheme {
    /// An Aktivitet og deltagelse undertema with its funktionsevneniveau, recorded on a day.
    #[staticmethod]
    #[pyo3(signature = (tema, level, recorded, id = None))]
    fn ad(tema: &Bound<'_, PyAny>, level: &Bound<'_, PyAny>, recorded: &str, id: Option<&str>) -> PyResult<Self> {
        let theme =
            d::Theme::ad(code(tema, "AdTema", AdTema::from_code)?, code(level, "Funktionsevneniveau", Funktionsevneniveau::from_code)?)
                .map_err(refused)?;
        Self::made(theme, recorded, id)
    }

    /// A Funktioner og forhold undertema (no score), recorded on a day.
    #[staticmethod]
    #[pyo3(signature = (tema, recorded, id = None))]
    fn ff(tema: &Bound<'_, PyAny>, recorded: &str, id: Option<&str>) -> PyResult<Self> {
        Self::made(d::Theme::ff(code(tema, "FfTema", FfTema::from_code)?).map_err(refused)?, recorded, id)
    }

    /// An omgivelser undertema (no score), recorded on a day.
    #[staticmethod]
    #[pyo3(signature = (tema, recorded, id = None))]
    fn omgivelse(tema: &Bound<'_, PyAny>, recorded: &str, id: Option<&str>) -> PyResult<Self> {
        Self::made(d::Theme::omgivelse(code(tema, "Omgivelse", Omgivelse::from_code)?).map_err(refused)?, recorded, id)
    }

    /// Re-assess on a day (same id, PROTO-COND-UPDATE), with a new level for an A&D theme.
    #[pyo3(signature = (day, level = None))]
    fn reassess(&mut self, day: &str, level: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let level = level.map(|l| code(l, "Funktionsevneniveau", Funktionsevneniveau::from_code)).transpose()?;
        self.inner.reassess(date(day)?, level);
        Ok(())
    }

    /// Withdraw it as entered in error (PROTO-ERROR).
    fn withdraw(&mut self) {
        self.inner.registration = d::Registration::EnteredInError;
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }

    /// The FFB code of the theme.
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.theme.code()
    }

    fn __repr__(&self) -> String {
        format!("ThemeAssessment({:?}, recorded={})", self.inner.theme.term(), self.inner.recorded)
    }
}

impl PyTheme {
    fn made(theme: d::Theme, recorded: &str, id: Option<&str>) -> PyResult<Self> {
        let mut inner = d::ThemeAssessment::new(theme, date(recorded)?);
        inner.id = id_or_random(id)?;
        Ok(PyTheme { inner })
    }
}

/// A målgruppe of the citizen (a leaf of the catalog).
#[pyclass(name = "TargetGroup", module = "ffbkit.sdk", frozen)]
pub(crate) struct PyTargetGroup {
    inner: d::TargetGroup,
}

#[pymethods]
impl PyTargetGroup {
    #[new]
    #[pyo3(signature = (maalgruppe, recorded, id = None))]
    fn new(maalgruppe: &Bound<'_, PyAny>, recorded: &str, id: Option<&str>) -> PyResult<Self> {
        let mut inner = d::TargetGroup::new(code(maalgruppe, "Maalgruppe", Maalgruppe::from_code)?, date(recorded)?).map_err(refused)?;
        inner.id = id_or_random(id)?;
        Ok(PyTargetGroup { inner })
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
}

/// An indsatsmål: måltype and expected funktionsevneniveau for a primary and any secondary
/// A&D themes.
#[pyclass(name = "Goal", module = "ffbkit.sdk", frozen)]
pub(crate) struct PyGoal {
    inner: d::Goal,
}

#[pymethods]
impl PyGoal {
    #[new]
    #[pyo3(signature = (maaltype, expected, primary, secondary = Vec::new(), id = None))]
    fn new(
        maaltype: &Bound<'_, PyAny>,
        expected: &Bound<'_, PyAny>,
        primary: PyRef<'_, PyTheme>,
        secondary: Vec<PyRef<'_, PyTheme>>,
        id: Option<&str>,
    ) -> PyResult<Self> {
        let secondary: Vec<&d::ThemeAssessment> = secondary.iter().map(|t| &t.inner).collect();
        let mut inner = d::Goal::new(
            code(maaltype, "Maaltype", Maaltype::from_code)?,
            code(expected, "Funktionsevneniveau", Funktionsevneniveau::from_code)?,
            &primary.inner,
            &secondary,
        )
        .map_err(refused)?;
        inner.id = id_or_random(id)?;
        Ok(PyGoal { inner })
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
}

/// A støttebehov evaluation at a time.
#[pyclass(name = "SupportEvaluation", module = "ffbkit.sdk")]
pub(crate) struct PySupport {
    inner: d::SupportEvaluation,
}

#[pymethods]
impl PySupport {
    #[new]
    #[pyo3(signature = (level, at, id = None))]
    fn new(level: &Bound<'_, PyAny>, at: &str, id: Option<&str>) -> PyResult<Self> {
        let mut inner = d::SupportEvaluation::new(code(level, "Stoettebehov", Stoettebehov::from_code)?, date_time(at)?);
        inner.id = id_or_random(id)?;
        Ok(PySupport { inner })
    }

    /// Withdraw it as entered in error (PROTO-ERROR).
    fn withdraw(&mut self) {
        self.inner.registration = d::Registration::EnteredInError;
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
}

/// A henvendelse with the municipality's case number.
#[pyclass(name = "ServiceRequest", module = "ffbkit.sdk", frozen)]
pub(crate) struct PyRequest {
    inner: d::ServiceRequest,
}

#[pymethods]
impl PyRequest {
    #[new]
    #[pyo3(signature = (case_number, id = None))]
    fn new(case_number: &str, id: Option<&str>) -> PyResult<Self> {
        let mut inner = d::ServiceRequest::new(case_number);
        inner.id = id_or_random(id)?;
        Ok(PyRequest { inner })
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
}

/// A sagsoplysning: the themes found and, once made, the støttebehov evaluation.
#[pyclass(name = "InformationGathering", module = "ffbkit.sdk")]
pub(crate) struct PyGathering {
    inner: d::InformationGathering,
}

#[pymethods]
impl PyGathering {
    #[new]
    #[pyo3(signature = (request, at, themes, completed = false, evaluation = None, id = None))]
    fn new(
        request: PyRef<'_, PyRequest>,
        at: &str,
        themes: Vec<PyRef<'_, PyTheme>>,
        completed: bool,
        evaluation: Option<PyRef<'_, PySupport>>,
        id: Option<&str>,
    ) -> PyResult<Self> {
        Ok(PyGathering {
            inner: d::InformationGathering {
                id: id_or_random(id)?,
                service_request: request.inner.id.clone(),
                at: date_time(at)?,
                completed,
                themes: themes.iter().map(|t| t.inner.id.clone()).collect(),
                evaluation: evaluation.map(|e| e.inner.id.clone()),
            },
        })
    }

    /// Finish it with the støttebehov evaluation.
    fn complete(&mut self, evaluation: PyRef<'_, PySupport>) {
        self.inner.completed = true;
        self.inner.evaluation = Some(evaluation.inner.id.clone());
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
}

/// An indsats (care plan): tilbud, målgrupper, goals, støttebehov, follow-up date.
#[pyclass(name = "CarePlan", module = "ffbkit.sdk")]
pub(crate) struct PyCarePlan {
    inner: d::CarePlan,
}

#[pymethods]
impl PyCarePlan {
    #[new]
    #[pyo3(signature = (case_number, start, tilbud, id = None))]
    fn new(case_number: &str, start: &str, tilbud: &Bound<'_, PyAny>, id: Option<&str>) -> PyResult<Self> {
        let mut inner = d::CarePlan::new(case_number, date(start)?, code(tilbud, "Tilbud", Tilbud::from_code)?).map_err(refused)?;
        inner.id = id_or_random(id)?;
        Ok(PyCarePlan { inner })
    }

    /// Name the primary (rank 1) and any secondary (rank 2) target groups.
    #[pyo3(signature = (primary, secondary = Vec::new()))]
    fn target_groups(&mut self, primary: PyRef<'_, PyTargetGroup>, secondary: Vec<PyRef<'_, PyTargetGroup>>) {
        self.inner.primary_target_group = Some(primary.inner.id.clone());
        self.inner.secondary_target_groups = secondary.iter().map(|t| t.inner.id.clone()).collect();
    }

    /// The tilbud delivering it (the SDK's check: one of KLServiceCodesFFB).
    #[getter]
    fn tilbud(&self) -> &'static str {
        self.inner.tilbud.code()
    }

    /// Set the tilbud; refused as `CarePlan(...)` refuses it.
    #[setter]
    fn set_tilbud(&mut self, tilbud: &Bound<'_, PyAny>) -> PyResult<()> {
        let tilbud = code(tilbud, "Tilbud", Tilbud::from_code)?;
        d::CarePlan::new(&self.inner.case_number, self.inner.start, tilbud).map_err(refused)?;
        self.inner.tilbud = tilbud;
        Ok(())
    }

    /// Add a goal.
    fn add_goal(&mut self, goal: PyRef<'_, PyGoal>) {
        self.inner.goals.push(goal.inner.id.clone());
    }

    /// The støttebehov evaluation of the plan.
    fn evaluated(&mut self, evaluation: PyRef<'_, PySupport>) {
        self.inner.evaluation = Some(evaluation.inner.id.clone());
    }

    /// The next follow-up (opfølgningsdato), or None.
    #[getter]
    fn follow_up(&self) -> Option<String> {
        self.inner.follow_up.map(|d| d.to_string())
    }

    /// Set the next follow-up (opfølgningsdato), or None.
    #[setter]
    fn set_follow_up(&mut self, day: Option<&str>) -> PyResult<()> {
        self.inner.follow_up = day.map(date).transpose()?;
        Ok(())
    }

    /// End it on a day (PROTO-ENDED): completed, no further follow-up.
    fn end(&mut self, day: &str) -> PyResult<()> {
        self.inner.end = Some(date(day)?);
        self.inner.status = d::PlanStatus::Completed;
        self.inner.follow_up = None;
        Ok(())
    }

    /// Withdraw it as entered in error (PROTO-ERROR).
    fn withdraw(&mut self) {
        self.inner.status = d::PlanStatus::EnteredInError;
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
}

/// A ydelse granted under a care plan.
#[pyclass(name = "Intervention", module = "ffbkit.sdk")]
pub(crate) struct PyIntervention {
    inner: d::Intervention,
}

#[pymethods]
impl PyIntervention {
    #[new]
    #[pyo3(signature = (care_plan, ydelse, start, created, id = None))]
    fn new(care_plan: PyRef<'_, PyCarePlan>, ydelse: &Bound<'_, PyAny>, start: &str, created: &str, id: Option<&str>) -> PyResult<Self> {
        let mut inner =
            d::Intervention::new(&care_plan.inner, code(ydelse, "Ydelse", Ydelse::from_code)?, date(start)?, date_time(created)?)
                .map_err(refused)?;
        inner.id = id_or_random(id)?;
        Ok(PyIntervention { inner })
    }

    /// End it on a day (PROTO-ENDED).
    fn end(&mut self, day: &str) -> PyResult<()> {
        self.inner.end = Some(date(day)?);
        self.inner.status = d::PlanStatus::Completed;
        Ok(())
    }

    /// Withdraw it as entered in error (PROTO-ERROR).
    fn withdraw(&mut self) {
        self.inner.status = d::PlanStatus::EnteredInError;
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
}

/// The result of a follow-up on a care plan.
#[pyclass(name = "FollowUp", module = "ffbkit.sdk")]
pub(crate) struct PyFollowUp {
    inner: d::FollowUpResult,
}

#[pymethods]
impl PyFollowUp {
    #[new]
    #[pyo3(signature = (care_plan, result, day, id = None))]
    fn new(care_plan: PyRef<'_, PyCarePlan>, result: &Bound<'_, PyAny>, day: &str, id: Option<&str>) -> PyResult<Self> {
        Ok(PyFollowUp {
            inner: d::FollowUpResult {
                id: id_or_random(id)?,
                care_plan: care_plan.inner.id.clone(),
                result: code(result, "Opfoelgningsresultat", Opfoelgningsresultat::from_code)?,
                day: date(day)?,
                registration: d::Registration::Current,
            },
        })
    }

    /// Withdraw it as entered in error (PROTO-ERROR).
    fn withdraw(&mut self) {
        self.inner.registration = d::Registration::EnteredInError;
    }

    /// The resource id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
}

/// A citizen's FFB case: the objects added to it (kept, not copied), built into delivery
/// reports by `to_report` and planned day by day by `Planner`.
#[pyclass(name = "Case", module = "ffbkit.sdk")]
pub(crate) struct PyCase {
    citizen: d::Citizen,
    parts: Vec<PyObject>,
}

#[pymethods]
impl PyCase {
    #[new]
    fn new(citizen: PyRef<'_, PyCitizen>) -> Self {
        PyCase { citizen: citizen.inner.clone(), parts: Vec::new() }
    }

    /// Add one or more parts (ServiceRequest, InformationGathering, ThemeAssessment,
    /// TargetGroup, Goal, SupportEvaluation, CarePlan, Intervention, FollowUp).
    #[pyo3(signature = (*parts))]
    fn add(&mut self, parts: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
        for p in parts.iter() {
            let known = p.is_instance_of::<PyRequest>()
                || p.is_instance_of::<PyGathering>()
                || p.is_instance_of::<PyTheme>()
                || p.is_instance_of::<PyTargetGroup>()
                || p.is_instance_of::<PyGoal>()
                || p.is_instance_of::<PySupport>()
                || p.is_instance_of::<PyCarePlan>()
                || p.is_instance_of::<PyIntervention>()
                || p.is_instance_of::<PyFollowUp>();
            if !known {
                let name = p.get_type().name()?;
                return Err(pyo3::exceptions::PyTypeError::new_err(format!("a Case holds ffbkit.sdk parts, not {name}")));
            }
            self.parts.push(p.unbind());
        }
        Ok(())
    }

    /// The whole case as one delivery report (a dict) stamped `timestamp` (RFC 3339).
    fn to_report<'py>(&self, py: Python<'py>, timestamp: &str) -> PyResult<Bound<'py, PyAny>> {
        let report = ffbkit_sdk::builder::ReportBuilder::new(&self.case(py)?, date_time(timestamp)?).all().build();
        json(py, &ffbkit_sdk::builder::to_value(&report))
    }

    /// Change what is granted under `old_plan` on `day` as VUM and the IG want it
    /// (PROTO-NEW-GATHERING), by the SDK's `planner::change_grant_with_ids`: the old plan
    /// and its ydelser end that day, a new care plan (a copy of the old one) and a new
    /// information gathering (the latest one's themes and evaluation) are added to the case
    /// and returned as `(plan, gathering)`; change the new plan (tilbud, target groups,
    /// goals) and add its ydelser. Give the new ids from your own keys to keep them stable.
    #[pyo3(signature = (old_plan, day, new_plan_id = None, new_gathering_id = None))]
    fn change_grant(
        &mut self,
        py: Python<'_>,
        old_plan: &Bound<'_, PyCarePlan>,
        day: &str,
        new_plan_id: Option<&str>,
        new_gathering_id: Option<&str>,
    ) -> PyResult<(Py<PyCarePlan>, Py<PyGathering>)> {
        let old = old_plan.borrow().inner.id.clone();
        if !self.parts.iter().any(|p| p.bind(py).is(old_plan)) {
            return Err(pyo3::exceptions::PyValueError::new_err("the care plan is not part of this case (Case.add it first)"));
        }
        let (plan_id, gathering_id) = (id_or_random(new_plan_id)?, id_or_random(new_gathering_id)?);
        let mut case = self.case(py)?;
        let made = ffbkit_sdk::planner::change_grant_with_ids(&mut case, &old, date(day)?, plan_id, gathering_id.clone(), |_| {})
            .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("the care plan is not part of this case"))?;
        self.write_back(py, &case)?;
        let missing = || errors::FfbkitError::new_err("change_grant made no new plan or gathering");
        let plan = Py::new(py, PyCarePlan { inner: case.care_plans.iter().find(|p| p.id == made).cloned().ok_or_else(missing)? })?;
        let gathering =
            Py::new(py, PyGathering { inner: case.gatherings.iter().find(|g| g.id == gathering_id).cloned().ok_or_else(missing)? })?;
        self.parts.push(plan.clone_ref(py).into_any());
        self.parts.push(gathering.clone_ref(py).into_any());
        Ok((plan, gathering))
    }

    /// `to_report` as the JSON bytes to send.
    fn to_report_bytes<'py>(&self, py: Python<'py>, timestamp: &str) -> PyResult<Bound<'py, PyBytes>> {
        let report = ffbkit_sdk::builder::ReportBuilder::new(&self.case(py)?, date_time(timestamp)?).all().build();
        let bytes = serde_json::to_vec(&report).map_err(|e| errors::FfbkitError::new_err(e.to_string()))?;
        Ok(PyBytes::new(py, &bytes))
    }
}

impl PyCase {
    /// The SDK's case from the parts as they are now.
    fn case(&self, py: Python<'_>) -> PyResult<d::Case> {
        let mut case = d::Case::new(self.citizen.clone());
        for p in &self.parts {
            let p = p.bind(py);
            if let Ok(x) = p.downcast::<PyRequest>() {
                case.service_requests.push(x.get().inner.clone());
            } else if let Ok(x) = p.downcast::<PyGathering>() {
                case.gatherings.push(x.borrow().inner.clone());
            } else if let Ok(x) = p.downcast::<PyTheme>() {
                case.themes.push(x.borrow().inner.clone());
            } else if let Ok(x) = p.downcast::<PyTargetGroup>() {
                case.target_groups.push(x.get().inner.clone());
            } else if let Ok(x) = p.downcast::<PyGoal>() {
                case.goals.push(x.get().inner.clone());
            } else if let Ok(x) = p.downcast::<PySupport>() {
                case.evaluations.push(x.borrow().inner.clone());
            } else if let Ok(x) = p.downcast::<PyCarePlan>() {
                case.care_plans.push(x.borrow().inner.clone());
            } else if let Ok(x) = p.downcast::<PyIntervention>() {
                case.interventions.push(x.borrow().inner.clone());
            } else if let Ok(x) = p.downcast::<PyFollowUp>() {
                case.follow_ups.push(x.borrow().inner.clone());
            }
        }
        Ok(case)
    }
}

impl PyCase {
    /// After an SDK operation on [`PyCase::case`]'s copy: every part takes the state of the
    /// entity with its id in `case` (the operation's logic stays in the SDK).
    fn write_back(&self, py: Python<'_>, case: &d::Case) -> PyResult<()> {
        fn find<'a, T>(all: &'a [T], id: &Id, id_of: fn(&T) -> &Id) -> Option<&'a T> {
            all.iter().find(|x| id_of(x) == id)
        }
        for p in &self.parts {
            let p = p.bind(py);
            if let Ok(x) = p.downcast::<PyCarePlan>() {
                let mut x = x.borrow_mut();
                if let Some(v) = find(&case.care_plans, &x.inner.id, |v| &v.id) {
                    x.inner = v.clone();
                }
            } else if let Ok(x) = p.downcast::<PyIntervention>() {
                let mut x = x.borrow_mut();
                if let Some(v) = find(&case.interventions, &x.inner.id, |v| &v.id) {
                    x.inner = v.clone();
                }
            } else if let Ok(x) = p.downcast::<PyGathering>() {
                let mut x = x.borrow_mut();
                if let Some(v) = find(&case.gatherings, &x.inner.id, |v| &v.id) {
                    x.inner = v.clone();
                }
            }
        }
        Ok(())
    }
}

/// A JSON value as Python objects (`json.loads` of its text).
fn json<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (value.to_string(),))
}

/// The daily planner (in memory): the day's report holds only what changed since the last
/// one, plus what it references (PROTO-DAILY, PROTO-SNAPSHOT); call `plan_day` once a day,
/// in day order.
#[pyclass(name = "Planner", module = "ffbkit.sdk")]
pub(crate) struct PyPlanner {
    inner: ffbkit_sdk::planner::Planner,
}

#[pymethods]
impl PyPlanner {
    #[new]
    fn new() -> Self {
        PyPlanner { inner: ffbkit_sdk::planner::Planner::new() }
    }

    /// The report for `day` (a dict, stamped 23:59 that day), or None when nothing changed.
    fn plan_day<'py>(&mut self, py: Python<'py>, case: PyRef<'_, PyCase>, day: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let case = case.case(py)?;
        self.inner.plan_day(&case, date(day)?).map(|r| json(py, &r)).transpose()
    }

    /// The last day a report was planned for, or None.
    #[getter]
    fn last_day(&self) -> Option<String> {
        self.inner.last_day().map(|d| d.to_string())
    }
}

/// The planner's memory and the outbox in one SQLite file (the SDK's
/// `gateway::DurablePlanner`): a nightly job that is stopped or killed and started again
/// sends each change exactly once. `plan_and_enqueue` plans the day, queues the report and
/// records what was reported in one transaction; `flush` sends the queue.
#[pyclass(name = "DurablePlanner", module = "ffbkit.sdk")]
pub(crate) struct PyDurablePlanner {
    inner: ffbkit_sdk::gateway::DurablePlanner,
}

fn store_error(e: impl std::fmt::Display) -> PyErr {
    errors::FfbkitError::new_err(e.to_string())
}

#[pymethods]
impl PyDurablePlanner {
    #[new]
    fn new(path: std::path::PathBuf) -> PyResult<Self> {
        Ok(PyDurablePlanner { inner: ffbkit_sdk::gateway::DurablePlanner::open(&path).map_err(store_error)? })
    }

    /// Plan `day` for the case, queue its report and remember it, in one transaction.
    /// Returns `{"status": "queued", "day", "report_id"}`, `{"status": "unchanged", "day"}`
    /// or `{"status": "already-planned", "day", "last_day"}`.
    fn plan_and_enqueue<'py>(&self, py: Python<'py>, case: PyRef<'_, PyCase>, day: &str) -> PyResult<Bound<'py, PyDict>> {
        use ffbkit_sdk::gateway::Planned;
        let case = case.case(py)?;
        let out = PyDict::new(py);
        match self.inner.plan_and_enqueue(&case, date(day)?).map_err(store_error)? {
            Planned::Queued { day, report_id } => {
                out.set_item("status", "queued")?;
                out.set_item("day", day.to_string())?;
                out.set_item("report_id", report_id)?;
            }
            Planned::Unchanged { day } => {
                out.set_item("status", "unchanged")?;
                out.set_item("day", day.to_string())?;
            }
            Planned::AlreadyPlanned { day, last_day } => {
                out.set_item("status", "already-planned")?;
                out.set_item("day", day.to_string())?;
                out.set_item("last_day", last_day.to_string())?;
            }
        }
        Ok(out)
    }

    /// The last day planned for the case, or None.
    fn last_day(&self, py: Python<'_>, case: PyRef<'_, PyCase>) -> PyResult<Option<String>> {
        let case = case.case(py)?;
        Ok(self.inner.last_day(case.citizen.id.as_str()).map_err(store_error)?.map(|d| d.to_string()))
    }

    /// The days to plan for the case through `today`: each day after the last one planned
    /// (only `today` for a case never planned). Plan each from that day's state.
    fn missed_days(&self, py: Python<'_>, case: PyRef<'_, PyCase>, today: &str) -> PyResult<Vec<String>> {
        let case = case.case(py)?;
        let days = self.inner.missed_days(case.citizen.id.as_str(), date(today)?).map_err(store_error)?;
        Ok(days.into_iter().map(|d| d.to_string()).collect())
    }

    /// Rebuild the memory from reports already sent (files, directories, NDJSON): for a job
    /// adopting ffbkit mid-stream. Returns the counts (cases, reports, skipped, resources_skipped).
    fn rebuild_from_paths<'py>(&self, py: Python<'py>, paths: Vec<std::path::PathBuf>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.rebuild_from_paths(&paths).map_err(store_error)?;
        let out = PyDict::new(py);
        out.set_item("cases", s.cases)?;
        out.set_item("reports", s.reports)?;
        out.set_item("skipped", s.skipped)?;
        out.set_item("resources_skipped", s.resources_skipped)?;
        Ok(out)
    }

    /// Send the queued reports to `url` (the SDK's client: retries with backoff on
    /// 429/5xx/timeouts, the Bundle id as Idempotency-Key), with a bearer `token` if given.
    /// Returns the counts (sent, rejected, still_queued) and `stopped`: None, or
    /// (status, report_id, message) when a 4xx that is no verdict on a report (a wrong or
    /// expired token, a wrong URL) stopped the flush with the queue kept.
    #[pyo3(signature = (url, token = None))]
    fn flush<'py>(&self, py: Python<'py>, url: &str, token: Option<String>) -> PyResult<Bound<'py, PyDict>> {
        let mut config = ffbkit_sdk::gateway::GatewayConfig::new(url);
        if let Some(t) = token {
            config.auth = ffbkit_sdk::gateway::Auth::Bearer(t);
        }
        let client = ffbkit_sdk::gateway::GatewayClient::new(config).map_err(store_error)?;
        let outbox = self.inner.outbox();
        let summary = py.allow_threads(|| {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(store_error)?;
            runtime.block_on(outbox.flush(&client)).map_err(store_error)
        })?;
        let out = PyDict::new(py);
        out.set_item("sent", summary.sent)?;
        out.set_item("rejected", summary.rejected)?;
        out.set_item("still_queued", summary.still_queued)?;
        out.set_item("stopped", summary.stopped.map(|s| (s.status, s.report_id, s.message)))?;
        Ok(out)
    }
}

/// `ffbkit.sdk`'s classes and functions, registered on the extension module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCitizen>()?;
    m.add_class::<PyTheme>()?;
    m.add_class::<PyTargetGroup>()?;
    m.add_class::<PyGoal>()?;
    m.add_class::<PySupport>()?;
    m.add_class::<PyRequest>()?;
    m.add_class::<PyGathering>()?;
    m.add_class::<PyCarePlan>()?;
    m.add_class::<PyIntervention>()?;
    m.add_class::<PyFollowUp>()?;
    m.add_class::<PyCase>()?;
    m.add_class::<PyPlanner>()?;
    m.add_class::<PyDurablePlanner>()?;
    m.add_function(wrap_pyfunction!(derived_id, m)?)?;
    m.add_function(wrap_pyfunction!(code_kinds, m)?)?;
    Ok(())
}

/// The typed catalog codes, for `ffbkit.codes`: per kind (the SDK's enum name), its members
/// as (Python name, code, term), in the catalog's order.
#[pyfunction]
pub(crate) fn code_kinds<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
    fn members<T: Copy + std::fmt::Debug>(
        all: &[T],
        code: fn(T) -> &'static str,
        term: fn(T) -> &'static str,
    ) -> Vec<(String, &'static str, &'static str)> {
        all.iter().map(|v| (format!("{v:?}"), code(*v), term(*v))).collect()
    }
    let out = PyDict::new(py);
    out.set_item("Ydelse", members(Ydelse::ALL, Ydelse::code, Ydelse::term))?;
    out.set_item("Tilbud", members(Tilbud::ALL, Tilbud::code, Tilbud::term))?;
    out.set_item("Maalgruppe", members(Maalgruppe::ALL, Maalgruppe::code, Maalgruppe::term))?;
    out.set_item("Maaltype", members(Maaltype::ALL, Maaltype::code, Maaltype::term))?;
    out.set_item("AdTema", members(AdTema::ALL, AdTema::code, AdTema::term))?;
    out.set_item("FfTema", members(FfTema::ALL, FfTema::code, FfTema::term))?;
    out.set_item("Omgivelse", members(Omgivelse::ALL, Omgivelse::code, Omgivelse::term))?;
    out.set_item("Funktionsevneniveau", members(Funktionsevneniveau::ALL, Funktionsevneniveau::code, Funktionsevneniveau::term))?;
    out.set_item("Stoettebehov", members(Stoettebehov::ALL, Stoettebehov::code, Stoettebehov::term))?;
    out.set_item("Opfoelgningsresultat", members(Opfoelgningsresultat::ALL, Opfoelgningsresultat::code, Opfoelgningsresultat::term))?;
    Ok(out)
}
