//! Evaluating policies for one authorization request, as IAM does within one account:
//!
//! 1. A statement applies when its action, resource (and, in a resource policy, its
//!    principal) patterns match and every condition holds.
//! 2. Any applying Deny, in an identity or a resource policy, denies (explicit deny).
//! 3. Otherwise any applying Allow, in either kind of policy, allows: within one account
//!    a resource policy naming the user is enough on its own.
//! 4. Otherwise the request is denied by default (implicit deny).
//!
//! Patterns match whole strings with `*` (any run of characters) and `?` (one
//! character); actions case-insensitively, ARNs and condition values as the operator
//! says. `${aws:username}`, `${*}`, `${?}` and `${$}` expand in resources and condition
//! values of Version 2012-10-17 documents.

use crate::iam::policy::{Condition, Effect, Operator, Patterns, Policy, Principals, SetQualifier, Statement};
use std::collections::BTreeMap;

/// The condition keys of a request and their values; names compare case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context(BTreeMap<String, (String, Vec<String>)>);

impl Context {
    /// Sets `key` to `values` (replacing what it had).
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        self.0.insert(key.to_ascii_lowercase(), (key.to_string(), values));
    }

    /// The values of `key`, None when the request has none.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.0.get(&key.to_ascii_lowercase()).map(|(_, values)| values.as_slice())
    }

    /// Every key as first written, with its values.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.values().map(|(key, values)| (key.as_str(), values.as_slice()))
    }
}

/// Who asks to do what to which resource, in what context.
pub struct Request<'a> {
    /// The action, e.g. `dynamodb:GetItem`.
    pub action: &'a str,
    /// The resource's ARN.
    pub resource: &'a str,
    /// The principal's ARN, e.g. `arn:aws:iam::000000000000:user/alice`.
    pub principal_arn: &'a str,
    /// The principal's name, `${aws:username}`.
    pub username: &'a str,
    /// The account both the principal and the resource belong to.
    pub account: &'a str,
    pub context: &'a Context,
}

/// Where a statement comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The principal's identity policy of this name.
    Identity(String),
    /// The resource policy of the table.
    Resource,
}

/// A statement that applied to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub source: Source,
    /// Its position in its policy's statements, from 0.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// A statement allowed it and none denied it.
    Allowed,
    /// No statement allowed it.
    ImplicitDeny,
    /// A statement denied it.
    ExplicitDeny,
}

/// The decision and every statement that applied, in evaluation order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    pub matched: Vec<Matched>,
}

impl Evaluation {
    /// The statement that decided: the first Deny for an explicit deny, the first Allow
    /// for an allow, none for an implicit deny.
    pub fn deciding(&self) -> Option<&Matched> {
        let effect = match self.decision {
            Decision::Allowed => Effect::Allow,
            Decision::ExplicitDeny => Effect::Deny,
            Decision::ImplicitDeny => return None,
        };
        self.matched.iter().find(|matched| matched.effect == effect)
    }
}

/// Evaluates `policies` (identity policies and the resource policy, if any) for `request`.
pub fn evaluate(policies: &[(&Source, &Policy)], request: &Request) -> Evaluation {
    let mut matched = Vec::new();
    for (source, policy) in policies {
        for (index, statement) in policy.statements.iter().enumerate() {
            if applies(statement, policy.variables, source, request) {
                matched.push(Matched {
                    source: Source::clone(source),
                    index,
                    sid: statement.sid.clone(),
                    effect: statement.effect,
                });
            }
        }
    }
    let decision = match matched.iter().map(|matched| matched.effect).max_by_key(|effect| *effect == Effect::Deny) {
        Some(Effect::Deny) => Decision::ExplicitDeny,
        Some(Effect::Allow) => Decision::Allowed,
        None => Decision::ImplicitDeny,
    };
    Evaluation { decision, matched }
}

fn applies(statement: &Statement, variables: bool, source: &Source, request: &Request) -> bool {
    let vars = Variables { enabled: variables, username: request.username };
    let principal_matches = match (&statement.principal, source) {
        (Some(principals), Source::Resource) => principal_matches(principals, statement.effect, request),
        _ => true,
    };
    let action_matches = patterns_match(&statement.actions, |pattern| {
        matches(&pattern.to_ascii_lowercase(), &request.action.to_ascii_lowercase(), true, &Variables::NONE)
    });
    let resource_matches = match &statement.resources {
        Some(resources) => patterns_match(resources, |pattern| matches(pattern, request.resource, true, &vars)),
        None => true,
    };
    principal_matches
        && action_matches
        && resource_matches
        && statement.conditions.iter().all(|condition| holds(condition, request.context, &vars))
}

/// Whether any pattern matches (none, for a `Not...` element).
fn patterns_match(patterns: &Patterns, matches: impl Fn(&str) -> bool) -> bool {
    patterns.values.iter().any(|pattern| matches(pattern)) != patterns.negated
}

/// Whether a resource policy statement names the requester. Naming the account (its id
/// or root ARN) delegates to the account's identity policies, so it grants nothing by
/// itself, while a Deny naming the account applies to everyone in it.
fn principal_matches(principals: &Principals, effect: Effect, request: &Request) -> bool {
    let Principals::Aws(names) = principals else { return true };
    let account_root = format!("arn:aws:iam::{}:root", request.account);
    names.iter().any(|name| {
        name == request.principal_arn || (effect == Effect::Deny && (name == request.account || *name == account_root))
    })
}

/// The values `${...}` policy variables expand to.
struct Variables<'a> {
    /// False for documents without Version 2012-10-17, which take `${` literally.
    enabled: bool,
    username: &'a str,
}

impl Variables<'_> {
    const NONE: Variables<'static> = Variables { enabled: false, username: "" };

    fn resolve(&self, name: &str) -> Option<String> {
        match name.to_ascii_lowercase().as_str() {
            "aws:username" => Some(self.username.to_string()),
            "*" | "?" | "$" => Some(name.to_string()),
            _ => None,
        }
    }
}

/// One piece of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Literal(char),
    /// `*`: any run of characters.
    Any,
    /// `?`: exactly one character.
    One,
}

/// A pattern as pieces, with policy variables expanded; None when it names a variable
/// that has no value (such a pattern matches nothing).
fn compile(pattern: &str, wildcards: bool, vars: &Variables) -> Option<Vec<Piece>> {
    let mut pieces = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if vars.enabled && rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                pieces.extend(vars.resolve(&rest[2..end])?.chars().map(Piece::Literal));
                rest = &rest[end + 1..];
                continue;
            }
        }
        pieces.push(match c {
            '*' if wildcards => Piece::Any,
            '?' if wildcards => Piece::One,
            c => Piece::Literal(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    Some(pieces)
}

/// Whether `text` matches `pattern` as a whole.
fn matches(pattern: &str, text: &str, wildcards: bool, vars: &Variables) -> bool {
    let Some(pieces) = compile(pattern, wildcards, vars) else { return false };
    let text: Vec<char> = text.chars().collect();
    // Iterative matching with one backtrack point: the latest `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pieces.get(p) {
            Some(Piece::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Piece::One) => (p, t) = (p + 1, t + 1),
            Some(Piece::Literal(c)) if *c == text[t] => (p, t) = (p + 1, t + 1),
            _ => match star {
                Some((star_p, star_t)) => {
                    star = Some((star_p, star_t + 1));
                    (p, t) = (star_p + 1, star_t + 1);
                }
                None => return false,
            },
        }
    }
    pieces[p..].iter().all(|piece| *piece == Piece::Any)
}

/// Whether one condition holds for the request's context.
fn holds(condition: &Condition, context: &Context, vars: &Variables) -> bool {
    let Some(values) = context.get(&condition.key) else {
        return match condition.qualifier {
            _ if condition.if_exists => true,
            SetQualifier::ForAllValues => true,
            SetQualifier::ForAnyValue => false,
            SetQualifier::Single => condition.operator.is_negated(),
        };
    };
    let satisfies = |value: &String| satisfies(condition, value, vars);
    match condition.qualifier {
        SetQualifier::ForAllValues => values.iter().all(satisfies),
        SetQualifier::ForAnyValue => values.iter().any(satisfies),
        SetQualifier::Single if condition.operator.is_negated() => values.iter().all(satisfies),
        SetQualifier::Single => values.iter().any(satisfies),
    }
}

/// Whether one request value satisfies the condition's operator and values.
fn satisfies(condition: &Condition, value: &str, vars: &Variables) -> bool {
    let equals = |policy: &String| matches(policy, value, false, vars);
    let equals_ignoring_case = |policy: &String| {
        compile(policy, false, vars).is_some_and(|pieces| {
            // Without wildcards every piece is a literal.
            let policy: String =
                pieces.iter().filter_map(|piece| if let Piece::Literal(c) = piece { Some(*c) } else { None }).collect();
            policy.to_lowercase() == value.to_lowercase()
        })
    };
    let like = |policy: &String| matches(policy, value, true, vars);
    let values = &condition.values;
    match condition.operator {
        Operator::StringEquals => values.iter().any(equals),
        Operator::StringNotEquals => !values.iter().any(equals),
        Operator::StringEqualsIgnoreCase => values.iter().any(equals_ignoring_case),
        Operator::StringNotEqualsIgnoreCase => !values.iter().any(equals_ignoring_case),
        Operator::StringLike => values.iter().any(like),
        Operator::StringNotLike => !values.iter().any(like),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::{parse, PolicyKind};

    const TABLE: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/Music";
    const INDEX: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/Music/index/ByYear";
    const ALICE: &str = "arn:aws:iam::000000000000:user/alice";

    /// One row: an identity policy's statements, a resource policy's (or none), the
    /// request, and the decision expected.
    struct Row {
        what: &'static str,
        identity: &'static str,
        resource: Option<&'static str>,
        action: &'static str,
        arn: &'static str,
        context: &'static [(&'static str, &'static [&'static str])],
        expected: Decision,
    }

    const ALLOW_GET: &str = r#"{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}"#;

    fn decide(row: &Row) -> Decision {
        let wrap = |statements: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        let identity = parse(&wrap(row.identity), PolicyKind::Identity).expect(row.what);
        let resource = row.resource.map(|text| parse(&wrap(text), PolicyKind::Resource).expect(row.what));
        let identity_source = Source::Identity("p".into());
        let mut policies = vec![(&identity_source, &identity)];
        policies.extend(resource.as_ref().map(|policy| (&Source::Resource, policy)));
        let mut context = Context::default();
        for (key, values) in row.context {
            context.set(key, values.iter().map(|value| value.to_string()).collect());
        }
        let request = Request {
            action: row.action,
            resource: row.arn,
            principal_arn: ALICE,
            username: "alice",
            account: "000000000000",
            context: &context,
        };
        evaluate(&policies, &request).decision
    }

    #[test]
    fn policy_evaluation_table() {
        use Decision::{Allowed, ExplicitDeny, ImplicitDeny};
        let leading = r#"{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:username}"]}}}"#;
        let any_secret = r#"{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"},{"Effect":"Deny","Action":"dynamodb:*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"dynamodb:Attributes":"Secret*"}}}"#;
        let select = r#"{"Effect":"Allow","Action":"dynamodb:Query","Resource":"*","Condition":{"StringEquals":{"dynamodb:Select":"SPECIFIC_ATTRIBUTES"}}}"#;
        let returns = r#"{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"StringEqualsIfExists":{"dynamodb:ReturnValues":"NONE"},"StringNotEquals":{"dynamodb:ReturnConsumedCapacity":"INDEXES"}}}"#;
        let partition_ignoring_case = r#"{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"dynamodb:LeadingKeys":"Müller"}}}"#;
        let rows = [
            Row {
                what: "an allow allows",
                identity: ALLOW_GET,
                resource: None,
                action: "dynamodb:GetItem",
                arn: TABLE,
                context: &[],
                expected: Allowed,
            },
            Row {
                what: "nothing allows: default deny",
                identity: ALLOW_GET,
                resource: None,
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[],
                expected: ImplicitDeny,
            },
            Row {
                what: "a deny alone denies",
                identity: r#"{"Effect":"Deny","Action":"dynamodb:*","Resource":"*"}"#,
                resource: None,
                action: "dynamodb:GetItem",
                arn: TABLE,
                context: &[],
                expected: ExplicitDeny,
            },
            Row {
                what: "explicit deny wins over allow",
                identity: r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"dynamodb:Get*","Resource":"arn:aws:dynamodb:*:*:table/Music"}"#,
                resource: None,
                action: "dynamodb:GetItem",
                arn: TABLE,
                context: &[],
                expected: ExplicitDeny,
            },
            Row {
                what: "actions match case-insensitively",
                identity: r#"{"Effect":"Allow","Action":"DynamoDB:getitem","Resource":"*"}"#,
                resource: None,
                action: "dynamodb:GetItem",
                arn: TABLE,
                context: &[],
                expected: Allowed,
            },
            Row {
                what: "? matches one character",
                identity: r#"{"Effect":"Allow","Action":"dynamodb:?etItem","Resource":"*"}"#,
                resource: None,
                action: "dynamodb:GetItem",
                arn: TABLE,
                context: &[],
                expected: Allowed,
            },
            Row {
                what: "a table ARN does not cover its index",
                identity: r#"{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:000000000000:table/Music"}"#,
                resource: None,
                action: "dynamodb:Query",
                arn: INDEX,
                context: &[],
                expected: ImplicitDeny,
            },
            Row {
                what: "index/* covers the index",
                identity: r#"{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:000000000000:table/Music/index/*"}"#,
                resource: None,
                action: "dynamodb:Query",
                arn: INDEX,
                context: &[],
                expected: Allowed,
            },
            Row {
                what: "NotResource excludes",
                identity: r#"{"Effect":"Allow","Action":"dynamodb:*","NotResource":"arn:aws:dynamodb:*:*:table/Music*"}"#,
                resource: None,
                action: "dynamodb:Query",
                arn: INDEX,
                context: &[],
                expected: ImplicitDeny,
            },
            Row {
                what: "NotAction allows the others",
                identity: r#"{"Effect":"Allow","NotAction":"dynamodb:Delete*","Resource":"*"}"#,
                resource: None,
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[],
                expected: Allowed,
            },
            Row {
                what: "LeadingKeys all the user's",
                identity: leading,
                resource: None,
                action: "dynamodb:BatchGetItem",
                arn: TABLE,
                context: &[("dynamodb:LeadingKeys", &["alice", "alice"])],
                expected: Allowed,
            },
            Row {
                what: "LeadingKeys one not the user's",
                identity: leading,
                resource: None,
                action: "dynamodb:BatchGetItem",
                arn: TABLE,
                context: &[("dynamodb:LeadingKeys", &["alice", "bob"])],
                expected: ImplicitDeny,
            },
            Row {
                what: "ForAllValues holds for no key (Scan)",
                identity: leading,
                resource: None,
                action: "dynamodb:Scan",
                arn: TABLE,
                context: &[],
                expected: Allowed,
            },
            Row {
                what: "ForAnyValue: one attribute matches",
                identity: any_secret,
                resource: None,
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[("dynamodb:Attributes", &["id", "SecretNote"])],
                expected: ExplicitDeny,
            },
            Row {
                what: "ForAnyValue: none matches",
                identity: any_secret,
                resource: None,
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[("dynamodb:Attributes", &["id", "Note"])],
                expected: Allowed,
            },
            Row {
                what: "ForAnyValue fails for no key",
                identity: any_secret,
                resource: None,
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[],
                expected: Allowed,
            },
            Row {
                what: "Select matches",
                identity: select,
                resource: None,
                action: "dynamodb:Query",
                arn: TABLE,
                context: &[("dynamodb:Select", &["SPECIFIC_ATTRIBUTES"])],
                expected: Allowed,
            },
            Row {
                what: "Select differs",
                identity: select,
                resource: None,
                action: "dynamodb:Query",
                arn: TABLE,
                context: &[("dynamodb:Select", &["ALL_ATTRIBUTES"])],
                expected: ImplicitDeny,
            },
            Row {
                what: "StringEqualsIgnoreCase ignores case",
                identity: partition_ignoring_case,
                resource: None,
                action: "dynamodb:GetItem",
                arn: TABLE,
                context: &[("dynamodb:LeadingKeys", &["MÜLLER"])],
                expected: Allowed,
            },
            Row {
                what: "StringEqualsIgnoreCase still compares the letters",
                identity: partition_ignoring_case,
                resource: None,
                action: "dynamodb:GetItem",
                arn: TABLE,
                context: &[("dynamodb:LeadingKeys", &["mueller"])],
                expected: ImplicitDeny,
            },
            Row {
                what: "StringEquals fails for no key",
                identity: select,
                resource: None,
                action: "dynamodb:Query",
                arn: TABLE,
                context: &[],
                expected: ImplicitDeny,
            },
            Row {
                what: "IfExists holds for no key, StringNotEquals too",
                identity: returns,
                resource: None,
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[],
                expected: Allowed,
            },
            Row {
                what: "ReturnValues other than NONE",
                identity: returns,
                resource: None,
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[("dynamodb:ReturnValues", &["ALL_OLD"])],
                expected: ImplicitDeny,
            },
            Row {
                what: "ReturnConsumedCapacity INDEXES",
                identity: returns,
                resource: None,
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[("dynamodb:ReturnConsumedCapacity", &["INDEXES"])],
                expected: ImplicitDeny,
            },
            Row {
                what: "ReturnConsumedCapacity TOTAL",
                identity: returns,
                resource: None,
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[("dynamodb:ReturnConsumedCapacity", &["TOTAL"])],
                expected: Allowed,
            },
            Row {
                what: "a resource policy naming the user allows",
                identity: ALLOW_GET,
                resource: Some(
                    r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"dynamodb:PutItem","Resource":"arn:aws:dynamodb:us-east-1:000000000000:table/Music"}"#,
                ),
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[],
                expected: Allowed,
            },
            Row {
                what: "a resource policy naming someone else does not",
                identity: ALLOW_GET,
                resource: Some(
                    r#"{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::000000000000:user/bob"]},"Action":"dynamodb:PutItem"}"#,
                ),
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[],
                expected: ImplicitDeny,
            },
            Row {
                what: "a resource policy naming the account delegates",
                identity: ALLOW_GET,
                resource: Some(r#"{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"dynamodb:PutItem"}"#),
                action: "dynamodb:PutItem",
                arn: TABLE,
                context: &[],
                expected: ImplicitDeny,
            },
            Row {
                what: "a resource policy's deny wins over an identity allow",
                identity: ALLOW_GET,
                resource: Some(r#"{"Effect":"Deny","Principal":"*","Action":"dynamodb:GetItem"}"#),
                action: "dynamodb:GetItem",
                arn: TABLE,
                context: &[],
                expected: ExplicitDeny,
            },
            Row {
                what: "a resource policy's deny of the account",
                identity: ALLOW_GET,
                resource: Some(
                    r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"dynamodb:*"}"#,
                ),
                action: "dynamodb:GetItem",
                arn: TABLE,
                context: &[],
                expected: ExplicitDeny,
            },
        ];
        for row in &rows {
            assert_eq!(decide(row), row.expected, "{}", row.what);
        }
    }

    #[test]
    fn wildcards_match_whole_strings() {
        let none = Variables::NONE;
        assert!(matches("dynamodb:get*", "dynamodb:getitem", true, &none));
        assert!(matches(
            "arn:aws:dynamodb:*:*:table/T/index/*",
            "arn:aws:dynamodb:us-east-1:0:table/T/index/I",
            true,
            &none
        ));
        assert!(!matches("arn:aws:dynamodb:*:*:table/T", "arn:aws:dynamodb:us-east-1:0:table/T/index/I", true, &none));
        assert!(matches("a?c*", "abc", true, &none));
        assert!(!matches("a?c", "ac", true, &none));
        assert!(matches("*a*b", "xxaxxab", true, &none));
        assert!(matches("a*", "a*", false, &none));
        assert!(!matches("a*", "ab", false, &none));
    }

    #[test]
    fn variables_expand_only_in_current_documents() {
        let vars = Variables { enabled: true, username: "alice" };
        assert!(matches("user-${aws:username}", "user-alice", false, &vars));
        assert!(matches("${*}x", "*x", true, &vars));
        assert!(!matches("${*}x", "ax", true, &vars));
        assert!(!matches("${aws:unknown}", "", true, &vars));
        let legacy = Variables { enabled: false, username: "alice" };
        assert!(matches("${aws:username}", "${aws:username}", false, &legacy));
    }
}
