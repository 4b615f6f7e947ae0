//! Validators for the string-shaped types: names, hosts, image references,
//! versions, variable names, durations and URLs. Each returns the help line
//! to show when the text is wrong.

use std::sync::LazyLock;

use regex::Regex;

/// Longest Helm release name (Helm's own limit, leaving room for suffixes).
pub const MAX_RELEASE_NAME: usize = 53;
/// Longest DNS-1123 label, and so namespace.
pub const MAX_LABEL: usize = 63;

/// A DNS-1123 label: lowercase letters, digits and `-`, starting and ending
/// with a letter or digit, at most `max` characters.
pub fn dns_label(text: &str, max: usize) -> Result<(), String> {
    if text.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if text.len() > max {
        return Err(format!(
            "it is {} characters long; the limit is {max}",
            text.len()
        ));
    }
    if text.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "names are lowercase: `{}`",
            text.to_ascii_lowercase()
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        let fixed: String = text
            .chars()
            .map(|c| if c == '_' || c == '.' { '-' } else { c })
            .collect();
        return Err(if c == '_' || c == '.' {
            format!("`{c}` is not allowed in a Kubernetes name; did you mean `{fixed}`?")
        } else {
            format!("`{c}` is not allowed; use lowercase letters, digits and `-`")
        });
    }
    if text.starts_with('-') || text.ends_with('-') {
        return Err("a name starts and ends with a letter or digit".into());
    }
    Ok(())
}

/// An RFC 1123 host name, optionally with a leading `*.` wildcard.
pub fn host_name(text: &str) -> Result<(), String> {
    let name = text.strip_prefix("*.").unwrap_or(text);
    if text.contains("://") {
        return Err("a host is a name, not a URL: drop the scheme and any path".into());
    }
    if name.is_empty() {
        return Err("a host name cannot be empty".into());
    }
    if name.len() > 253 {
        return Err(format!(
            "it is {} characters long; the limit is 253",
            name.len()
        ));
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "host names are lowercase: `{}`",
            text.to_ascii_lowercase()
        ));
    }
    for label in name.split('.') {
        if let Err(help) = dns_label(label, MAX_LABEL) {
            return Err(format!("label `{label}`: {help}"));
        }
    }
    Ok(())
}

static DOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$")
        .expect("valid regex")
});
static PATH_COMPONENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$").expect("valid regex"));
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$").expect("valid regex"));

/// A registry host, `host[:port]`.
pub fn registry(text: &str) -> Result<(), String> {
    if text.contains("://") {
        return Err(
            "a registry is a host name such as `registry.example.com`, without a scheme".into(),
        );
    }
    if DOMAIN.is_match(text) {
        Ok(())
    } else {
        Err(
            "a registry is a host name with an optional port, such as `registry.example.com:5000`"
                .into(),
        )
    }
}

/// Whether the first component of an image reference names a registry host.
pub fn has_registry(repository: &str) -> bool {
    match repository.split_once('/') {
        Some((first, _)) => first.contains(['.', ':']) || first == "localhost",
        None => false,
    }
}

/// A Docker image repository (`[registry/]path`, no tag).
pub fn image_repository(text: &str) -> Result<(), String> {
    if text.contains('@') {
        return Err(
            "give the repository alone; the release (`deploy app @ \"TAG\"`) sets the tag".into(),
        );
    }
    let (host, path) = if has_registry(text) {
        text.split_once('/').expect("has_registry saw a slash")
    } else {
        ("", text)
    };
    if !host.is_empty() && !DOMAIN.is_match(host) {
        return Err(format!("`{host}` is not a valid registry host"));
    }
    if path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains(':'))
    {
        return Err(
            "give the repository without `:TAG`; the release (`deploy app @ \"TAG\"`) sets the tag"
                .into(),
        );
    }
    for component in path.split('/') {
        if !PATH_COMPONENT.is_match(component) {
            return Err(if component.chars().any(|c| c.is_ascii_uppercase()) {
                format!(
                    "repository names are lowercase: `{}`",
                    text.to_ascii_lowercase()
                )
            } else {
                format!(
                    "`{component}` is not a valid path component: lowercase letters and digits, separated by `.`, `_`, `__` or `-`"
                )
            });
        }
    }
    if text.len() > 255 {
        return Err("an image name is at most 255 characters".into());
    }
    Ok(())
}

/// A Docker image tag: up to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`.
pub fn image_tag(text: &str) -> Result<(), String> {
    if TAG.is_match(text) {
        Ok(())
    } else if text.is_empty() {
        Err("a tag cannot be empty".into())
    } else if text.len() > 128 {
        Err("a tag is at most 128 characters".into())
    } else {
        Err("a tag is letters, digits, `_`, `.` and `-`, not starting with `.` or `-`".into())
    }
}

/// A SemVer 2 version, as Helm chart versions are.
pub fn chart_version(text: &str) -> Result<semver::Version, String> {
    semver::Version::parse(text).map_err(|_| {
        if let Some(rest) = text.strip_prefix(['v', 'V']).filter(|r| semver::Version::parse(r).is_ok()) {
            format!("chart versions are SemVer without a `v`: `{rest}`")
        } else if text.split('.').count() < 3 && text.split('.').all(|p| p.parse::<u64>().is_ok()) {
            let mut parts: Vec<&str> = text.split('.').collect();
            parts.resize(3, "0");
            format!("SemVer has three parts: `{}`", parts.join("."))
        } else {
            "a chart version is SemVer 2: MAJOR.MINOR.PATCH with optional -PRERELEASE and +BUILD, such as `2.4.1`".into()
        }
    })
}

/// An environment variable name as Kubernetes accepts it, in the portable C form.
pub fn env_var_name(text: &str) -> Result<(), String> {
    let mut chars = text.chars();
    let valid_start = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if valid_start && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        let fixed: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        Err(format!(
            "variable names are letters, digits and `_`, not starting with a digit; did you mean `{fixed}`?"
        ))
    }
}

/// A duration such as `90s`, `5m` or `1h30m`, in whole seconds.
pub fn duration_seconds(text: &str) -> Result<u64, String> {
    static PART: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)").expect("valid regex"));
    let help = || {
        "a duration is a number with a unit: `90s`, `5m`, `1h30m` (units ms, s, m, h)".to_string()
    };
    let mut consumed = 0;
    let mut millis = 0f64;
    for captures in PART.captures_iter(text) {
        let whole = captures.get(0).expect("group 0");
        if whole.start() != consumed {
            return Err(help());
        }
        consumed = whole.end();
        let amount: f64 = captures[1].parse().map_err(|_| help())?;
        let unit = match &captures[2] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            _ => 3_600_000.0,
        };
        millis += amount * unit;
    }
    if consumed != text.len() || text.is_empty() {
        return Err(help());
    }
    if millis % 1000.0 != 0.0 {
        return Err("Helmsman counts timeouts in whole seconds".into());
    }
    Ok((millis / 1000.0) as u64)
}

/// A chart repository URL: `https://`, `http://`, `s3://` or `gs://` with a host.
pub fn repo_url(text: &str) -> Result<(), String> {
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(
            "a chart repository is a URL such as `https://charts.example.com/stable`".into(),
        );
    };
    if !["https", "http", "s3", "gs"].contains(&scheme) {
        return Err(if scheme == "oci" {
            "OCI registries are not chart repositories for Helmsman's helmRepos; use an https repository".into()
        } else {
            format!("`{scheme}` is not a chart repository scheme; use https (or http, s3, gs)")
        });
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    if host.is_empty() || !DOMAIN.is_match(host) || text.chars().any(char::is_whitespace) {
        return Err("the URL needs a valid host after the scheme".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(dns_label("patient-api", MAX_RELEASE_NAME).is_ok());
        assert!(dns_label("Patient", 63).unwrap_err().contains("`patient`"));
        assert!(
            dns_label("patient_api", 63)
                .unwrap_err()
                .contains("`patient-api`")
        );
        assert!(dns_label("-x", 63).is_err());
        assert!(
            dns_label(&"a".repeat(54), MAX_RELEASE_NAME)
                .unwrap_err()
                .contains("54")
        );
    }

    #[test]
    fn hosts() {
        assert!(host_name("patient.inttest.ehealth.example").is_ok());
        assert!(host_name("*.ehealth.example").is_ok());
        assert!(host_name("https://x.example").is_err());
        assert!(host_name("bad_host.example").is_err());
        assert!(host_name("a..b").is_err());
    }

    #[test]
    fn images() {
        assert!(image_repository("ehealth/patient-api").is_ok());
        assert!(image_repository("registry.example:5000/ehealth/patient-api").is_ok());
        assert!(image_repository("ehealth/Patient").is_err());
        assert!(
            image_repository("ehealth/patient:1.0")
                .unwrap_err()
                .contains("without `:TAG`")
        );
        assert!(image_tag("1.4.2").is_ok());
        assert!(image_tag("-x").is_err());
        assert!(has_registry("localhost/x") && !has_registry("ehealth/x"));
    }

    #[test]
    fn versions_durations_urls() {
        assert!(chart_version("2.4.1").is_ok());
        assert!(chart_version("v2.4.1").unwrap_err().contains("`2.4.1`"));
        assert!(chart_version("2.4").unwrap_err().contains("`2.4.0`"));
        assert_eq!(duration_seconds("1h30m").unwrap(), 5400);
        assert_eq!(duration_seconds("90s").unwrap(), 90);
        assert!(duration_seconds("90").is_err());
        assert!(duration_seconds("1500ms").is_err());
        assert!(repo_url("https://charts.example/stable").is_ok());
        assert!(repo_url("charts.example").is_err());
        assert!(repo_url("ftp://charts.example").is_err());
        assert!(env_var_name("LOG_LEVEL").is_ok());
        assert!(env_var_name("log-level").unwrap_err().contains("LOG_LEVEL"));
    }
}
