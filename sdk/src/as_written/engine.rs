//! The FHIRPath engine behind the as-written mode: `octofhir-fhirpath` (README,
//! "Dependencies", says why this one), with the catalog as its terminology for `memberOf`.
//! The engine is async; a report's invariants are evaluated under a small blocking executor
//! ([`block_on`]), so no runtime is needed, and it is safe to call from inside one.

use super::model::ReportModel;
use super::spec_fixes::{self, SingletonWhere};
use super::terminology::LocalTerminology;
use crate::catalog::Catalog;
use async_trait::async_trait;
use octofhir_fhirpath::evaluator::function_registry::{FunctionMetadata, LazyFunctionEvaluator, NullPropagationStrategy};
use octofhir_fhirpath::evaluator::functions::AllFunctionEvaluator;
use octofhir_fhirpath::evaluator::{AsyncNodeEvaluator, EvaluationContext, EvaluationResult};
use octofhir_fhirpath::{Collection, ExpressionNode, FhirPathEngine, FhirPathValue};
use serde_json::Value;
use std::sync::Arc;

/// Run one of the engine's futures to completion on this thread. The engine waits on tokio
/// channels (its VM's `oneshot`), which count against tokio's cooperative budget whenever a
/// tokio runtime is current: called from a runtime's task (`certify`, `serve`), a budget
/// spent there made every poll answer "not ready" and `futures::executor::block_on` spun
/// for ever. `tokio::task::unconstrained` takes the evaluation out of that budget.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    futures::executor::block_on(tokio::task::unconstrained(future))
}

/// What the engine says of one invariant on one node, read as FHIR reads an invariant:
/// it holds when the expression evaluates to `true`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "verdict", content = "reason")]
pub enum Verdict {
    /// The expression gave `true`.
    Pass,
    /// The expression gave `false`, or nothing (an empty result is not `true`).
    Fail,
    /// The engine could not evaluate the expression (the reason); counted as a failure,
    /// as a validator reports an invariant it cannot evaluate.
    Error(String),
}

impl Verdict {
    /// True for [`Verdict::Pass`].
    pub fn passes(&self) -> bool {
        matches!(self, Verdict::Pass)
    }

    /// `pass`, `fail` or `error`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Error(_) => "error",
        }
    }
}

/// The engine could not be set up.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the FHIRPath engine could not be set up: {0}")]
pub struct EngineError(pub String);

/// A FHIRPath engine with the catalog's value sets for `memberOf`.
pub struct Engine {
    engine: FhirPathEngine,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Engine(octofhir-fhirpath)")
    }
}

impl Engine {
    /// An engine answering `memberOf` from `catalog`.
    pub fn new(catalog: Arc<Catalog>) -> Result<Engine, EngineError> {
        let mut registry = octofhir_fhirpath::create_function_registry();
        registry.register_lazy_function(Arc::new(AllOfEmptyIsTrue::new()));
        registry.register_lazy_function(Arc::new(SingletonWhere::new()));
        let engine = block_on(FhirPathEngine::new_with_registries(
            Arc::new(spec_fixes::operator_registry()),
            Arc::new(registry),
            Arc::new(ReportModel::default()),
        ))
        .map_err(|e| EngineError(e.to_string()))?
        .with_terminology_provider(Arc::new(LocalTerminology::new(catalog)));
        Ok(Engine { engine })
    }

    /// Evaluate each `(pointer, expression)` on the node at the JSON Pointer (`""`: the
    /// report itself) of `report`, with the report as the root (`resolve()` finds the
    /// report's entries). One verdict per pair, in order.
    pub fn evaluate(&self, report: Arc<Value>, checks: &[(&str, &str)]) -> Vec<Verdict> {
        block_on(async {
            let session = match self.engine.validation_session(report).await {
                Ok(s) => s,
                Err(e) => return checks.iter().map(|_| Verdict::Error(e.to_string())).collect(),
            };
            let mut out = Vec::with_capacity(checks.len());
            for (pointer, expression) in checks {
                let verdict = match session.context_at(pointer, None).await {
                    Err(e) => Verdict::Error(e.to_string()),
                    Ok(cx) => match self.engine.evaluate(expression, &cx.nest()).await {
                        Err(e) => Verdict::Error(e.to_string()),
                        Ok(r) => read(&r.value),
                    },
                };
                out.push(verdict);
            }
            out
        })
    }
}

impl Engine {
    /// Evaluate each expression on `resource` (the root, also `%resource`) and give its
    /// result collection as JSON (strings, numbers, booleans; elements as objects), or the
    /// engine's error. One answer per expression, in order, from one session on `resource`.
    /// For callers that need the values, not a verdict (`ffbkit testscript run`).
    pub fn collect(&self, resource: Arc<Value>, expressions: &[&str]) -> Vec<Result<Vec<Value>, String>> {
        block_on(async {
            let session = match self.engine.validation_session(resource).await {
                Ok(s) => s,
                Err(e) => return expressions.iter().map(|_| Err(e.to_string())).collect(),
            };
            let mut out = Vec::with_capacity(expressions.len());
            for expression in expressions {
                let answer = match session.context_at("", None).await {
                    Err(e) => Err(e.to_string()),
                    Ok(cx) => match self.engine.evaluate(expression, &cx.nest()).await {
                        Err(e) => Err(e.to_string()),
                        Ok(r) => Ok(r.value.iter().map(FhirPathValue::to_json_value).collect()),
                    },
                };
                out.push(answer);
            }
            out
        })
    }
}

/// The engine's own `all(criteria)`, called also on an empty collection. octofhir-fhirpath
/// 0.4.57 declares `all` with null propagation on its focus, so `{}.all(…)` gives `{}`
/// before the function runs, where FHIRPath says `true` ("If the input collection is empty
/// ({}), the result is true"); the function itself answers `true`. The IG's
/// delivery-report-1..3 are `entry.ofType(X).all(…)`, whose focus is always empty.
struct AllOfEmptyIsTrue {
    inner: Arc<dyn LazyFunctionEvaluator>,
    metadata: FunctionMetadata,
}

impl AllOfEmptyIsTrue {
    fn new() -> AllOfEmptyIsTrue {
        let inner = AllFunctionEvaluator::create();
        let mut metadata = inner.metadata().clone();
        metadata.null_propagation = NullPropagationStrategy::None;
        AllOfEmptyIsTrue { inner, metadata }
    }
}

#[async_trait]
impl LazyFunctionEvaluator for AllOfEmptyIsTrue {
    async fn evaluate_borrowed(
        &self,
        input: Collection,
        context: &EvaluationContext,
        args: &[ExpressionNode],
        evaluator: AsyncNodeEvaluator<'_>,
    ) -> octofhir_fhirpath::Result<EvaluationResult> {
        self.inner.evaluate_borrowed(input, context, args, evaluator).await
    }

    async fn evaluate(
        &self,
        input: Collection,
        context: &EvaluationContext,
        args: Vec<ExpressionNode>,
        evaluator: AsyncNodeEvaluator<'_>,
    ) -> octofhir_fhirpath::Result<EvaluationResult> {
        self.inner.evaluate(input, context, args, evaluator).await
    }

    fn metadata(&self) -> &FunctionMetadata {
        &self.metadata
    }
}

/// An invariant's result: one `true` passes, one `false` or nothing fails, anything else
/// is an error.
fn read(result: &Collection) -> Verdict {
    let mut items = result.iter();
    match (items.next(), items.next()) {
        (None, _) => Verdict::Fail,
        (Some(FhirPathValue::Boolean(b, _, _)), None) => {
            if *b {
                Verdict::Pass
            } else {
                Verdict::Fail
            }
        }
        (Some(v), None) => Verdict::Error(format!("the expression gave {v:?}, not a boolean")),
        (Some(_), Some(_)) => Verdict::Error(format!("the expression gave {} values, not one boolean", result.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inside a tokio runtime's task the engine's channels draw on the task's cooperative
    /// budget; once it was spent every later evaluation spun for ever (`certify
    /// --testscript` and `--as-written` hung). Thousands of evaluations in one task must end.
    #[test]
    fn evaluations_inside_a_tokio_task_do_not_spin_on_its_spent_budget() {
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
            let answers = runtime.block_on(async {
                let engine = Engine::new(Arc::new(Catalog::embedded().clone())).expect("an engine");
                let report = Arc::new(serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": [
                    {"resource": {"resourceType": "Condition", "id": "c"}}, {"resource": {"resourceType": "Goal", "id": "g"}}]}));
                (0..300)
                    .map(|_| engine.collect(report.clone(), &["Bundle.entry.where(resource.ofType(Goal)).resource.id"]))
                    .filter(|a| a == &vec![Ok(vec![Value::from("g")])])
                    .count()
            });
            let _ = done.send(answers);
        });
        let answers = finished.recv_timeout(std::time::Duration::from_secs(120)).expect("300 evaluations end within 120 s");
        assert_eq!(answers, 300);
    }

    fn verdicts(report: serde_json::Value, checks: &[(&str, &str)]) -> Vec<Verdict> {
        Engine::new(Arc::new(Catalog::embedded().clone())).expect("an engine").evaluate(Arc::new(report), checks)
    }

    #[test]
    fn all_of_an_empty_collection_is_true_and_report_types_are_known() {
        let report = serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": [
            {"resource": {"resourceType": "Condition", "id": "c", "code": {"coding": [{"code": "x"}]}}},
            {"resource": {"resourceType": "Goal", "id": "g", "addresses": [{"reference": "Condition/c"}]}}]});
        let got = verdicts(
            report,
            &[
                ("", "{}.all(false)"),
                ("", "entry.ofType(Condition).all(false)"),
                ("", "entry.resource.ofType(Condition).all(id = 'c')"),
                ("", "entry.resource.ofType(CarePlan).exists()"),
                ("/entry/1/resource", "addresses.reference.resolve().id = 'c'"),
                ("/entry/0/resource", "code.memberOf('http://example.org/no-such-value-set')"),
            ],
        );
        assert_eq!(got[..5], [Verdict::Pass, Verdict::Pass, Verdict::Pass, Verdict::Fail, Verdict::Pass]);
        assert!(matches!(got[5], Verdict::Error(_)), "{:?}", got[5]);
    }

    #[test]
    fn collect_gives_each_expressions_result_collection_or_its_error() {
        let report = serde_json::json!({"resourceType": "Bundle", "type": "collection", "timestamp": "2021-05-28T17:13:41Z", "entry": [
            {"fullUrl": "Patient/p", "resource": {"resourceType": "Patient", "id": "p"}},
            {"fullUrl": "Condition/c", "resource": {"resourceType": "Condition", "id": "c"}}]});
        let engine = Engine::new(Arc::new(Catalog::embedded().clone())).expect("an engine");
        let got = engine.collect(Arc::new(report), &["Bundle.entry.fullUrl", "%resource.entry.count()", "Bundle.nothing", "Bundle.(("]);
        assert_eq!(got[0], Ok(vec![serde_json::json!("Patient/p"), serde_json::json!("Condition/c")]));
        assert_eq!(got[1], Ok(vec![serde_json::json!(2)]));
        assert_eq!(got[2], Ok(vec![]));
        assert!(got[3].is_err(), "{:?}", got[3]);
    }
}
