//! Numbers as each interface language writes them.

use crate::model::Language;

/// `1 500,5` in French (narrow no-break space, decimal comma), `1,500.5` in English.
/// Numbers of four digits or more are grouped in both languages.
pub fn number(x: f64, lang: Language) -> String {
    let (group, decimal) = match lang {
        Language::Fr => ('\u{202f}', ','),
        Language::En => (',', '.'),
    };
    let rounded = (x * 100.0).round() / 100.0;
    let neg = rounded < 0.0;
    let abs = rounded.abs();
    let int = abs.trunc() as u64;
    let frac = ((abs - abs.trunc()) * 100.0).round() as u64;
    let digits = int.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    if frac > 0 {
        out.push(decimal);
        let f = format!("{frac:02}");
        out.push_str(f.trim_end_matches('0'));
    }
    if neg { format!("-{out}") } else { out }
}

/// An amount with its currency: `2 400 €` in French, `€2,400` in English; unknown
/// currencies are written after the number as given (`2 400 CHF`).
pub fn money(x: f64, currency: Option<&str>, lang: Language) -> String {
    let n = number(x, lang);
    let symbol = match currency.map(str::trim) {
        Some(c) if c.eq_ignore_ascii_case("eur") || c == "€" => Some("€"),
        Some(c) if c.eq_ignore_ascii_case("usd") || c == "$" => Some("$"),
        Some(c) if c.eq_ignore_ascii_case("gbp") || c == "£" => Some("£"),
        _ => None,
    };
    match (symbol, currency, lang) {
        (Some(s), _, Language::Fr) => format!("{n}\u{a0}{s}"),
        (Some(s), _, Language::En) => format!("{s}{n}"),
        (None, Some(c), _) => format!("{n}\u{a0}{}", c.trim()),
        (None, None, _) => n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(1500.0, Language::En), "1,500");
        assert_eq!(number(1500.0, Language::Fr), "1\u{202f}500");
        assert_eq!(number(150.0, Language::Fr), "150");
        assert_eq!(number(12500.5, Language::Fr), "12\u{202f}500,5");
        assert_eq!(number(0.25, Language::En), "0.25");
        assert_eq!(number(-3.0, Language::En), "-3");
        assert_eq!(number(1234567.0, Language::En), "1,234,567");
        assert_eq!(money(2400.0, Some("EUR"), Language::Fr), "2\u{202f}400\u{a0}€");
        assert_eq!(money(2400.0, Some("EUR"), Language::En), "€2,400");
        assert_eq!(money(90.0, Some("CHF"), Language::En), "90\u{a0}CHF");
        assert_eq!(money(90.0, None, Language::En), "90");
    }
}
