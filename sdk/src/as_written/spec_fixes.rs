//! Where octofhir-fhirpath 0.4.57 departs from FHIRPath N1 (hl7.org/fhirpath/N1) in a way
//! the IG's invariants or MedCom's TestScripts meet, the engine's own function or operator is
//! replaced through the hooks the crate offers (its function and operator registries); the
//! FHIRPath engine itself stays the crate's.
//!
//! - `where(criteria)`: N1 "Singleton Evaluation of Collections" (section 4.5): a criterion
//!   that yields one item that is not a Boolean counts as `true`. The crate counts it `false`,
//!   so `Bundle.entry.where(resource.ofType(ServiceRequest))` found nothing.
//! - `<`, `<=`, `>`, `>=` of a date and a dateTime (or of two values one of which stops at
//!   the date): N1 section 6.2 "Comparison" compares precision by precision from the year; a
//!   difference at a precision both values have decides the result, and only values equal at
//!   every common precision give empty. The crate gives empty for every such pair (a `Date`
//!   against a `DateTime`, or a date-only dateTime against one with a timezone).

use async_trait::async_trait;
use octofhir_fhirpath::core::temporal::{PrecisionDate, TemporalPrecision};
use octofhir_fhirpath::evaluator::function_registry::LazyFunctionEvaluator;
use octofhir_fhirpath::evaluator::functions::WhereFunctionEvaluator;
use octofhir_fhirpath::evaluator::lambda_hoisting::hoist_into;
use octofhir_fhirpath::evaluator::operator_registry::{OperationEvaluator, OperatorMetadata, OperatorRegistry};
use octofhir_fhirpath::evaluator::{AsyncNodeEvaluator, EvaluationContext, EvaluationResult};
use octofhir_fhirpath::{BinaryOperator, Collection, ExpressionNode, FhirPathValue};
use std::cmp::Ordering;
use std::sync::Arc;

/// `where(criteria)` with FHIRPath's singleton evaluation of the criterion: one `true`, or
/// one item of another type, keeps the item; `false`, empty, or several items do not (the
/// crate's reading of several items is kept: all `true` keeps, otherwise not).
pub(super) struct SingletonWhere {
    inner: Arc<dyn LazyFunctionEvaluator>,
}

impl SingletonWhere {
    pub(super) fn new() -> SingletonWhere {
        SingletonWhere { inner: WhereFunctionEvaluator::create() }
    }
}

/// Whether a `where` criterion's result keeps the item (N1 section 4.5 for one item).
fn keeps(result: &Collection) -> bool {
    let mut items = result.iter();
    match (items.next(), items.next()) {
        (None, _) => false,
        (Some(FhirPathValue::Boolean(b, _, _)), None) => *b,
        (Some(_), None) => true,
        (Some(_), Some(_)) => result.iter().all(|v| matches!(v, FhirPathValue::Boolean(true, _, _))),
    }
}

#[async_trait]
impl LazyFunctionEvaluator for SingletonWhere {
    async fn evaluate(
        &self,
        input: Collection,
        context: &EvaluationContext,
        args: Vec<ExpressionNode>,
        evaluator: AsyncNodeEvaluator<'_>,
    ) -> octofhir_fhirpath::Result<EvaluationResult> {
        self.evaluate_borrowed(input, context, &args, evaluator).await
    }

    async fn evaluate_borrowed(
        &self,
        input: Collection,
        context: &EvaluationContext,
        args: &[ExpressionNode],
        evaluator: AsyncNodeEvaluator<'_>,
    ) -> octofhir_fhirpath::Result<EvaluationResult> {
        let Some(criterion) = args.first() else {
            // The crate's own error for a missing criterion.
            return self.inner.evaluate_borrowed(input, context, args, evaluator).await;
        };
        let context = hoist_into(context, std::slice::from_ref(criterion), input.len(), &evaluator).await?;
        let mut kept = Vec::new();
        for (index, item) in input.iter().enumerate() {
            let child = context.create_child_context(Collection::single(item.clone()));
            child.set_this(item.clone());
            child.set_index(index);
            if keeps(&evaluator.evaluate(criterion, &child).await?.value) {
                kept.push(item.clone());
            }
        }
        Ok(EvaluationResult { value: Collection::from(kept) })
    }

    fn metadata(&self) -> &octofhir_fhirpath::evaluator::function_registry::FunctionMetadata {
        self.inner.metadata()
    }
}

/// Whether an ordering makes a comparison true.
type Holds = fn(Ordering) -> bool;

/// The crate's standard operators, with [`DateAgainstDateTime`] in front of the four
/// ordering comparisons.
pub(super) fn operator_registry() -> OperatorRegistry {
    let mut registry = octofhir_fhirpath::evaluator::create_standard_operator_registry();
    let orderings: [(BinaryOperator, Holds); 4] = [
        (BinaryOperator::LessThan, |o| o == Ordering::Less),
        (BinaryOperator::LessThanOrEqual, |o| o != Ordering::Greater),
        (BinaryOperator::GreaterThan, |o| o == Ordering::Greater),
        (BinaryOperator::GreaterThanOrEqual, |o| o != Ordering::Less),
    ];
    for (operator, holds) in orderings {
        if let Some(inner) = registry.get_binary_operator(&operator).cloned() {
            registry.register_binary_operator(operator, Arc::new(DateAgainstDateTime { inner, holds }));
        }
    }
    registry
}

/// An ordering comparison that answers a date against a dateTime itself (N1 section 6.2)
/// and leaves every other pair to the crate's operator.
struct DateAgainstDateTime {
    inner: Arc<dyn OperationEvaluator>,
    holds: Holds,
}

/// A temporal value's date (year, month, day as far as given) and whether it has a time.
fn date_part(value: &FhirPathValue) -> Option<(PrecisionDate, bool)> {
    match value {
        FhirPathValue::Date(d, _, _) => Some((d.clone(), false)),
        FhirPathValue::DateTime(dt, _, _) => Some((dt.date(), dt.precision > TemporalPrecision::Day)),
        _ => None,
    }
}

/// Year, month, day of a date, as far as its precision goes.
fn components(date: &PrecisionDate) -> Vec<u32> {
    date.to_string().split('-').filter_map(|c| c.parse().ok()).collect()
}

/// N1 section 6.2 for a pair of which at least one value stops at the date and which the
/// crate does not compare (not two `Date`s): `Some(ordering)` when decided, `Some(None)`
/// when equal at every common precision but of different precisions (empty), `None` when
/// the pair is the crate's to answer.
fn compare_dates(left: &FhirPathValue, right: &FhirPathValue) -> Option<Option<Ordering>> {
    if matches!((left, right), (FhirPathValue::Date(..), FhirPathValue::Date(..))) {
        return None;
    }
    let (l, l_time) = date_part(left)?;
    let (r, r_time) = date_part(right)?;
    if l_time && r_time {
        return None;
    }
    let (lc, rc) = (components(&l), components(&r));
    for (a, b) in lc.iter().zip(&rc) {
        if a != b {
            return Some(Some(a.cmp(b)));
        }
    }
    if lc.len() == rc.len() && !l_time && !r_time {
        Some(Some(Ordering::Equal))
    } else {
        Some(None)
    }
}

impl DateAgainstDateTime {
    /// The result when this operator answers the pair itself.
    fn decide(&self, left: &Collection, right: &Collection) -> Option<Collection> {
        if left.len() != 1 || right.len() != 1 {
            return None;
        }
        let decided = compare_dates(left.first()?, right.first()?)?;
        Some(match decided {
            Some(ordering) => Collection::single(FhirPathValue::boolean((self.holds)(ordering))),
            None => Collection::empty(),
        })
    }
}

#[async_trait]
impl OperationEvaluator for DateAgainstDateTime {
    fn supports_sync(&self) -> bool {
        self.inner.supports_sync()
    }

    fn evaluate_sync(
        &self,
        input: Collection,
        context: &EvaluationContext,
        left: Collection,
        right: Collection,
    ) -> octofhir_fhirpath::Result<EvaluationResult> {
        match self.decide(&left, &right) {
            Some(value) => Ok(EvaluationResult { value }),
            None => self.inner.evaluate_sync(input, context, left, right),
        }
    }

    async fn evaluate(
        &self,
        input: Collection,
        context: &EvaluationContext,
        left: Collection,
        right: Collection,
    ) -> octofhir_fhirpath::Result<EvaluationResult> {
        match self.decide(&left, &right) {
            Some(value) => Ok(EvaluationResult { value }),
            None => self.inner.evaluate(input, context, left, right).await,
        }
    }

    fn metadata(&self) -> &OperatorMetadata {
        self.inner.metadata()
    }
}

#[cfg(test)]
mod tests {
    use crate::as_written::Engine;
    use crate::catalog::Catalog;
    use serde_json::{json, Value};
    use std::sync::Arc;

    fn values(resource: Value, expressions: &[&str]) -> Vec<Vec<Value>> {
        let engine = Engine::new(Arc::new(Catalog::embedded().clone())).expect("an engine");
        engine.collect(Arc::new(resource), expressions).into_iter().map(|r| r.expect("evaluates")).collect()
    }

    /// N1 section 4.5 "Singleton Evaluation of Collections": a one-item non-Boolean
    /// criterion is `true`; an empty one or `false` drops the item.
    #[test]
    fn where_applies_singleton_evaluation_to_its_criterion() {
        let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": "urn:uuid:sr", "resource": {"resourceType": "ServiceRequest", "status": "active"}},
            {"fullUrl": "urn:uuid:p", "resource": {"resourceType": "Patient"}}
        ]});
        let got = values(
            bundle,
            &[
                "Bundle.entry.where(resource.ofType(ServiceRequest)).fullUrl",
                "Bundle.entry.where(resource.ofType(Goal)).fullUrl",
                "Bundle.entry.where(resource.ofType(ServiceRequest).exists()).fullUrl",
                "Bundle.entry.where(false).fullUrl",
                "Bundle.entry.where(resource.status).fullUrl",
            ],
        );
        assert_eq!(got[0], vec![json!("urn:uuid:sr")]);
        assert!(got[1].is_empty());
        assert_eq!(got[2], vec![json!("urn:uuid:sr")]);
        assert!(got[3].is_empty());
        assert_eq!(got[4], vec![json!("urn:uuid:sr")]);
    }

    /// N1 section 6.2 "Comparison" (date/time precision): values are compared precision by
    /// precision from the year; a difference at a common precision decides, equality at every
    /// common precision with different precisions is empty. And Bundle.timestamp is an
    /// instant (FHIR R4), so it compares as a dateTime, not as a string.
    #[test]
    fn a_date_compares_with_a_date_time_at_their_common_precision() {
        let bundle = json!({"resourceType": "Bundle", "type": "collection", "timestamp": "2021-06-10T10:00:00+02:00", "entry": [
            {"resource": {"resourceType": "Condition", "recordedDate": "2021-05-29"}},
            {"resource": {"resourceType": "Condition", "recordedDate": "2021-06-10"}},
            {"resource": {"resourceType": "ClinicalImpression", "effectiveDateTime": "2021-06-01T09:00:00+02:00"}}
        ]});
        let got = values(
            bundle,
            &[
                "Bundle.entry.resource.ofType(Condition).first().recordedDate <= %resource.timestamp",
                "Bundle.entry.resource.ofType(Condition).first().recordedDate > %resource.timestamp",
                "Bundle.entry.resource.ofType(Condition).last().recordedDate <= %resource.timestamp",
                "Bundle.entry.resource.ofType(Condition).all(recordedDate < @2021-06-11T)",
                "@2021-05-29 < @2021-06-10T10:00:00+02:00",
                "@2021-06-10 >= @2021-06-10T10:00:00+02:00",
                "Bundle.entry.resource.ofType(ClinicalImpression).effective <= Bundle.timestamp",
                "@2021-05 < @2021-05-29",
                "@2021-05-29 = @2021-05-29",
                "@2021-05-29 <= @2021-06-10T10:00:00+02:00",
                "Bundle.entry.resource.ofType(Condition).first().recordedDate < %resource.timestamp",
                "Bundle.entry.resource.ofType(Condition).first().recordedDate <= Bundle.timestamp",
                "%resource.timestamp >= Bundle.entry.resource.ofType(Condition).first().recordedDate",
            ],
        );
        assert_eq!(got[0], vec![json!(true)]);
        assert_eq!(got[1], vec![json!(false)]);
        assert!(got[2].is_empty(), "same day, the date has no time: unknown");
        assert_eq!(got[3], vec![json!(true)]);
        assert_eq!(got[4], vec![json!(true)]);
        assert!(got[5].is_empty());
        assert_eq!(got[6], vec![json!(true)]);
        assert!(got[7].is_empty(), "the crate's own Date/Date rule stays");
        assert_eq!(got[8], vec![json!(true)]);
        for (i, answer) in got.iter().enumerate().skip(9) {
            assert_eq!(answer, &vec![json!(true)], "expression {i}");
        }
    }
}
