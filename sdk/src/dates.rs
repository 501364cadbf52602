//! The Gregorian calendar, once: how many days a month has, and whether the `YYYY-MM-DD`
//! start of a FHIR date names a real day. Used by the validator (FHIR `date`, `dateTime`,
//! `instant`) and by [`crate::domain::Date`], which refuses a day that does not exist.
//!
//! ```
//! use ffbkit_sdk::dates::{calendar_valid, days_in_month};
//! assert_eq!(days_in_month(2024, 2), Some(29));
//! assert_eq!(days_in_month(2100, 2), Some(28));
//! assert!(calendar_valid("2024-02-29") && !calendar_valid("2023-02-29"));
//! assert!(calendar_valid("2024-02"), "a year-month has no day to check");
//! ```

/// True in a leap year of the Gregorian calendar.
pub fn is_leap_year(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days of `month` (1-12) in `year`; `None` for a month that does not exist.
pub fn days_in_month(year: u32, month: u32) -> Option<u32> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if is_leap_year(year) => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// True when the `YYYY-MM-DD` start of a FHIR date (if it has a day) names a real day. A year
/// or a year-month has no day to check and is true; the shape itself is the pattern's job.
pub fn calendar_valid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return true;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    days_in_month(y, m).is_some_and(|max| (1..=max).contains(&d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_day_of_four_centuries_is_valid_and_the_day_after_the_last_is_not() {
        for y in 1900..2300 {
            for m in 1..=12 {
                let max = days_in_month(y, m).unwrap();
                assert!(calendar_valid(&format!("{y:04}-{m:02}-{max:02}")));
                assert!(!calendar_valid(&format!("{y:04}-{m:02}-{:02}", max + 1)));
                assert!(!calendar_valid(&format!("{y:04}-{m:02}-00")));
            }
        }
        assert_eq!(days_in_month(2000, 2), Some(29));
        assert_eq!(days_in_month(2024, 13), None);
        assert!(!calendar_valid("2024-13-01"));
    }
}
