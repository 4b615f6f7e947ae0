//! The registry of diagnostic codes: each code once, with its title and its
//! long explanation (`explain/<CODE>.md`, printed by `envspec explain`).
//!
//! Ranges: E01 syntax, E02 names, E03 types and values, E04 promotion, E05 user rules,
//! E06 files and the command line (no source span: exit 2), W01 warnings.
//! A code is never reused for another meaning.

macro_rules! codes {
    ($($code:ident, $severity:ident, $title:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// A few words naming the fault.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$code => $title,)*
                }
            }

            pub fn severity(self) -> super::Severity {
                match self {
                    $(Code::$code => super::Severity::$severity,)*
                }
            }

            /// The long explanation, with a failing and a fixed example.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!("explain/", stringify!($code), ".md")),)*
                }
            }
        }
    };
}

codes! {
    E0101, Error, "syntax error";
    E0102, Error, "source file is not valid UTF-8";
    E0103, Error, "field given twice in one block";
    E0104, Error, "invalid string escape";
    E0105, Error, "formatting would change the file's meaning";
    E0106, Error, "nesting too deep";
    E0107, Error, "source file too large";
    E0201, Error, "duplicate declaration";
    E0202, Error, "unknown app";
    E0203, Error, "unknown template";
    E0204, Error, "unknown helm repository";
    E0205, Error, "unknown environment";
    E0206, Error, "unknown field";
    E0207, Error, "cycle in template inheritance";
    E0208, Error, "cycle in `after` dependencies";
    E0209, Error, "unknown secret or secret key";
    E0210, Error, "unknown interpolation variable";
    E0211, Error, "dependency not deployed in the environment";
    E0212, Error, "missing or duplicate platform declaration";
    E0213, Error, "app deployed twice in one environment";
    E0214, Error, "unknown function";
    E0301, Error, "missing required field";
    E0302, Error, "value of the wrong type";
    E0303, Error, "invalid quantity";
    E0304, Error, "port out of range";
    E0305, Error, "invalid name";
    E0306, Error, "invalid host name";
    E0307, Error, "invalid image reference";
    E0308, Error, "invalid chart version";
    E0309, Error, "invalid environment variable name";
    E0310, Error, "invalid duration";
    E0311, Error, "invalid URL";
    E0312, Error, "request exceeds limit";
    E0313, Error, "duplicate port name";
    E0314, Error, "host bound by two apps in one environment";
    E0315, Error, "invalid number";
    E0316, Error, "extra value collides with a typed field";
    E0317, Error, "value not allowed here";
    E0318, Error, "chart schema not found";
    E0319, Error, "invalid chart schema";
    E0320, Error, "value rejected by the chart's schema";
    E0321, Error, "value required by the chart's schema not set";
    E0401, Error, "cycle in the promotion chain";
    E0402, Error, "environment promoted into from two upstreams";
    E0403, Error, "unknown or misconfigured promotion step";
    E0404, Error, "app not run by the upstream environment";
    E0405, Error, "release newer than the upstream's";
    E0406, Error, "protected environment outside the promotion chain";
    E0407, Error, "misplaced or empty hotfix marker";
    E0501, Error, "rule violated";
    E0502, Error, "ill-typed rule";
    E0503, Error, "invalid regular expression";
    E0601, Error, "input cannot be read";
    E0602, Error, "output cannot be read or written";
    E0603, Error, "output holds files envspec did not write";
    E0604, Error, "output in use by another run";
    E0605, Error, "unknown name on the command line";
    E0606, Error, "base of the comparison does not compile";
    E0607, Error, "command line not understood";
    W0101, Warning, "credential-like value written as plain text";
    W0102, Warning, "app is deployed nowhere";
    W0103, Warning, "template is never used";
    W0104, Warning, "hotfix in effect";
    W0105, Warning, "setting not imported";
    W0106, Warning, "imported value kept as literal text";
}

impl Code {
    /// Parses `E0101` (any case); None for an unknown code.
    pub fn parse(text: &str) -> Option<Code> {
        let upper = text.trim().to_ascii_uppercase();
        Code::ALL.iter().copied().find(|c| c.as_str() == upper)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
