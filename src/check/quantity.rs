//! Kubernetes quantities (`512Mi`, `250m`, `0.5`, `1e3`), as memory and CPU take them.

use std::cmp::Ordering;

/// A parsed quantity: the text as written and its value in base units.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub text: String,
    /// Value in base units (bytes or cores), exact enough to compare.
    pub value: f64,
}

impl Quantity {
    pub fn compare(&self, other: &Quantity) -> Ordering {
        self.value
            .partial_cmp(&other.value)
            .unwrap_or(Ordering::Equal)
    }
}

/// What a quantity measures; decides which suffixes make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Memory,
    Cpu,
}

const BINARY: &[(&str, f64)] = &[
    ("Ki", 1024.0),
    ("Mi", 1048576.0),
    ("Gi", 1073741824.0),
    ("Ti", 1099511627776.0),
    ("Pi", 1125899906842624.0),
    ("Ei", 1152921504606846976.0),
];
const DECIMAL: &[(&str, f64)] = &[
    ("n", 1e-9),
    ("u", 1e-6),
    ("m", 1e-3),
    ("", 1.0),
    ("k", 1e3),
    ("M", 1e6),
    ("G", 1e9),
    ("T", 1e12),
    ("P", 1e15),
    ("E", 1e18),
];

/// Parses `text` as a quantity of `dimension`; the error is a help line.
pub fn parse(text: &str, dimension: Dimension) -> Result<Quantity, String> {
    let digits_end = text
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '+' || *c == '-'))))
        .map_or(text.len(), |(i, _)| i);
    let (number, suffix) = text.split_at(digits_end);
    let Ok(mantissa) = number.parse::<f64>() else {
        return Err(format!(
            "a {} quantity is a number with an optional suffix, such as {}",
            dimension.word(),
            dimension.example()
        ));
    };
    if number.starts_with('-') {
        return Err(format!(
            "a {} quantity cannot be negative",
            dimension.word()
        ));
    }
    let multiplier =
        if let Some(exponent) = suffix.strip_prefix(['e', 'E']).filter(|e| !e.is_empty()) {
            exponent
                .parse::<i32>()
                .ok()
                .map(|e| 10f64.powi(e))
                .ok_or_else(|| suffix_help(number, suffix, dimension))?
        } else if let Some((_, m)) = BINARY.iter().chain(DECIMAL).find(|(s, _)| *s == suffix) {
            *m
        } else {
            return Err(suffix_help(number, suffix, dimension));
        };
    let value = mantissa * multiplier;
    match dimension {
        Dimension::Memory if value > 0.0 && value < 1.0 => Err(format!(
            "`{text}` is less than one byte; `m` means milli, not mega: did you mean `{number}Mi` or `{number}M`?"
        )),
        Dimension::Cpu if BINARY.iter().any(|(s, _)| *s == suffix) => Err(format!(
            "CPU is counted in cores (`0.5`, `2`) or millicores (`500m`), not `{suffix}`"
        )),
        _ => Ok(Quantity {
            text: text.to_string(),
            value,
        }),
    }
}

fn suffix_help(number: &str, suffix: &str, dimension: Dimension) -> String {
    let upper = suffix.to_ascii_uppercase();
    let close: Vec<String> = match upper.as_str() {
        "B" => {
            return format!(
                "a quantity has no `B` suffix: write bytes as a plain number, `{number}`"
            );
        }
        "KB" | "KIB" | "K" => vec![format!("{number}k"), format!("{number}Ki")],
        "MB" | "MIB" => vec![format!("{number}M"), format!("{number}Mi")],
        "GB" | "GIB" => vec![format!("{number}G"), format!("{number}Gi")],
        "TB" | "TIB" => vec![format!("{number}T"), format!("{number}Ti")],
        "MI" => vec![format!("{number}Mi")],
        "GI" => vec![format!("{number}Gi")],
        "CORES" | "CORE" | "CPU" | "CPUS" if dimension == Dimension::Cpu => {
            vec![number.to_string()]
        }
        _ => Vec::new(),
    };
    match close.as_slice() {
        [] => format!(
            "`{suffix}` is not a quantity suffix; use one of Ki Mi Gi Ti Pi Ei (powers of 1024), k M G T P E (powers of 1000) or m (milli), as in {}",
            dimension.example()
        ),
        [one] => format!("did you mean `{one}`?"),
        [a, b] => format!("did you mean `{a}` or `{b}`?"),
        _ => unreachable!("at most two suggestions"),
    }
}

impl Dimension {
    fn word(self) -> &'static str {
        match self {
            Dimension::Memory => "memory",
            Dimension::Cpu => "CPU",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Dimension::Memory => "`512Mi` or `1Gi`",
            Dimension::Cpu => "`250m` or `0.5`",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_memory_and_cpu() {
        assert_eq!(
            parse("512Mi", Dimension::Memory).unwrap().value,
            536870912.0
        );
        assert_eq!(parse("1G", Dimension::Memory).unwrap().value, 1e9);
        assert_eq!(parse("1e3", Dimension::Memory).unwrap().value, 1000.0);
        assert_eq!(parse("250m", Dimension::Cpu).unwrap().value, 0.25);
        assert_eq!(parse("0.5", Dimension::Cpu).unwrap().value, 0.5);
        assert_eq!(parse("2", Dimension::Cpu).unwrap().value, 2.0);
    }

    #[test]
    fn explains_common_mistakes() {
        assert_eq!(
            parse("512MB", Dimension::Memory).unwrap_err(),
            "did you mean `512M` or `512Mi`?"
        );
        assert_eq!(
            parse("1gi", Dimension::Memory).unwrap_err(),
            "did you mean `1Gi`?"
        );
        assert!(
            parse("250m", Dimension::Memory)
                .unwrap_err()
                .contains("`m` means milli")
        );
        assert!(parse("1Gi", Dimension::Cpu).unwrap_err().contains("cores"));
        assert!(
            parse("12parsecs", Dimension::Memory)
                .unwrap_err()
                .contains("not a quantity suffix")
        );
    }

    #[test]
    fn compares_across_suffixes() {
        let a = parse("1Gi", Dimension::Memory).unwrap();
        let b = parse("1000Mi", Dimension::Memory).unwrap();
        assert_eq!(a.compare(&b), Ordering::Greater);
    }
}
