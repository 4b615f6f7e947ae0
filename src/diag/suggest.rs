//! "Did you mean" suggestions: the one place that picks a close name.

/// The candidate closest to `name`, if any is close enough to be a likely typo.
///
/// A case-insensitive match wins; otherwise the smallest edit distance, allowed
/// to grow with the length of the name (one edit per three characters).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        if candidate.to_lowercase() == lower {
            return Some(candidate);
        }
        let distance = edit_distance(&lower, &candidate.to_lowercase());
        let allowed = (name.chars().count().max(candidate.chars().count()) / 3).max(1);
        if distance <= allowed && best.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// A help line for an unknown name, or None when nothing is close.
pub fn help_for<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["patient-api", "booking-api", "web"];
        assert_eq!(did_you_mean("patinet-api", names), Some("patient-api"));
        assert_eq!(did_you_mean("Web", names), Some("web"));
        assert_eq!(did_you_mean("billing", names), None);
        assert_eq!(
            did_you_mean("replcas", ["replicas", "memory"]),
            Some("replicas")
        );
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
