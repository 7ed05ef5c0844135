//! Numbers as each interface language writes them.

use crate::model::Language;

/// `1 500,5` in French (narrow no-break space, decimal comma), `1,500.5` in English.
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
        if k > 0 && (digits.len() - k).is_multiple_of(3) && digits.len() > 4 - usize::from(lang == Language::En) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(1500.0, Language::En), "1,500");
        assert_eq!(number(1500.0, Language::Fr), "1500");
        assert_eq!(number(12500.5, Language::Fr), "12\u{202f}500,5");
        assert_eq!(number(0.25, Language::En), "0.25");
        assert_eq!(number(-3.0, Language::En), "-3");
        assert_eq!(number(1234567.0, Language::En), "1,234,567");
    }
}
