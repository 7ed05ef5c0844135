//! The build date: `--today`, else `SOURCE_DATE_EPOCH`, else today in the playbook's time zone.

use jiff::civil::Date;
use jiff::tz::TimeZone;

pub fn build_date(cli: Option<&str>, timezone: &str) -> Result<Date, String> {
    if let Some(t) = cli {
        return crate::load::fields::parse_date(t).map_err(|why| format!("--today `{t}`: {why}"));
    }
    let tz = TimeZone::get(timezone).unwrap_or(TimeZone::UTC);
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH `{epoch}` is not a number of seconds"))?;
        let ts = jiff::Timestamp::from_second(secs).map_err(|e| format!("SOURCE_DATE_EPOCH `{epoch}`: {e}"))?;
        return Ok(ts.to_zoned_datetime(tz).date());
    }
    Ok(jiff::Timestamp::now().to_zoned_datetime(tz).date())
}
