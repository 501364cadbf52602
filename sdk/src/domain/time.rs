//! Calendar dates and FHIR dateTimes, checked when made.

use std::fmt;

/// A calendar day (FHIR `date`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// A date or dateTime that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid {1}")]
pub struct BadTime(pub String, pub &'static str);

impl Date {
    /// The day `year-month-day`, if it exists.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, BadTime> {
        let d = Date { year, month, day };
        if (1..=9999).contains(&year)
            && crate::dates::days_in_month(year.into(), month.into()).is_some_and(|max| (1..=max).contains(&u32::from(day)))
        {
            Ok(d)
        } else {
            Err(BadTime(format!("{year:04}-{month:02}-{day:02}"), "date"))
        }
    }

    /// Parse `YYYY-MM-DD`.
    ///
    /// ```
    /// use ffbkit_sdk::domain::Date;
    /// assert_eq!(Date::parse("2025-03-03").unwrap().to_string(), "2025-03-03");
    /// assert!(Date::parse("2025-02-30").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Date, BadTime> {
        let bad = || BadTime(s.to_string(), "date");
        if s.len() != 10 || &s[4..5] != "-" || &s[7..8] != "-" {
            return Err(bad());
        }
        let y = s[0..4].parse().map_err(|_| bad())?;
        let m = s[5..7].parse().map_err(|_| bad())?;
        let d = s[8..10].parse().map_err(|_| bad())?;
        Date::new(y, m, d).map_err(|_| bad())
    }

    /// The day after.
    pub fn succ(self) -> Date {
        let last = crate::dates::days_in_month(self.year.into(), self.month.into()).unwrap_or(31);
        if u32::from(self.day) < last {
            return Date { day: self.day + 1, ..self };
        }
        if self.month < 12 {
            Date { month: self.month + 1, day: 1, ..self }
        } else {
            Date { year: self.year + 1, month: 1, day: 1 }
        }
    }

    /// This day plus `n` days.
    pub fn plus_days(self, n: u32) -> Date {
        (0..n).fold(self, |d, _| d.succ())
    }

    /// This day plus `n` months (the day clamped to the month's end).
    pub fn plus_months(self, n: u32) -> Date {
        let total = u32::from(self.month) - 1 + n;
        let year = self.year + (total / 12) as u16;
        let month = (total % 12) as u8 + 1;
        (1..=self.day).rev().find_map(|d| Date::new(year, month, d).ok()).unwrap_or(self)
    }

    /// A dateTime at `hh:mm` on this day in Danish winter time (+01:00).
    pub fn at(self, hour: u8, minute: u8) -> DateTime {
        DateTime(format!("{self}T{:02}:{:02}:00+01:00", hour.min(23), minute.min(59)))
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A FHIR `dateTime` with a time and a time zone, e.g. `2025-03-03T10:00:00+01:00`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(String);

impl DateTime {
    /// Parse a full FHIR dateTime (date, time and zone).
    ///
    /// ```
    /// use ffbkit_sdk::domain::DateTime;
    /// assert!(DateTime::parse("2025-03-03T10:00:00+01:00").is_ok());
    /// assert!(DateTime::parse("2025-03-03T10:00:00").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<DateTime, BadTime> {
        let bad = || BadTime(s.to_string(), "dateTime with time zone");
        let b = s.as_bytes();
        let ok = b.len() >= 20
            && Date::parse(&s[..10]).is_ok()
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && (s.ends_with('Z') || matches!(b[b.len() - 6], b'+' | b'-'));
        if ok {
            Ok(DateTime(s.to_string()))
        } else {
            Err(bad())
        }
    }

    /// The day part.
    pub fn date(&self) -> Date {
        Date::parse(&self.0[..10]).expect("checked when made")
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
