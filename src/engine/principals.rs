//! The simulated IAM users of the account: each with a name, an optional access key id
//! (which the SDK handler maps credentials by) and inline identity policies. Requests
//! run as one of them when the caller names it (docs/access-control.md); without one
//! they run as the account root, which may do everything.

use crate::engine::{Change, Engine, ACCOUNT_ID};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

/// One simulated IAM user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Principal {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// Inline identity policies, in the order given.
    pub policies: Vec<InlinePolicy>,
}

/// A named identity policy document, kept as the JSON text it was given as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    pub policy_document: String,
}

impl Principal {
    /// The user's ARN, as AccessDeniedException messages name it.
    pub fn arn(&self) -> String {
        user_arn(&self.name)
    }
}

/// The ARN of the IAM user `name` in the local account.
pub fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:user/{name}")
}

/// The principals, by name.
#[derive(Debug, Clone, Default)]
pub struct Principals(BTreeMap<String, Rc<Principal>>);

impl Engine {
    /// The principal named `name`.
    pub fn principal(&self, name: &str) -> Option<&Principal> {
        self.principals.0.get(name).map(Rc::as_ref)
    }

    /// The principal whose access key id is `key`.
    pub fn principal_by_access_key(&self, key: &str) -> Option<&Principal> {
        self.principals.0.values().map(Rc::as_ref).find(|principal| principal.access_key_id.as_deref() == Some(key))
    }

    /// Every principal, by name.
    pub fn principals(&self) -> impl Iterator<Item = &Principal> {
        self.principals.0.values().map(Rc::as_ref)
    }

    /// Creates or replaces a principal.
    pub fn put_principal(&mut self, principal: Principal) {
        let new = Rc::new(principal);
        let old = self.principals.0.insert(new.name.clone(), new.clone());
        self.changes.push(Change::Principal { old, new: Some(new) });
    }

    /// Deletes the principal `name`; false when there is none.
    pub fn delete_principal(&mut self, name: &str) -> bool {
        let Some(old) = self.principals.0.remove(name) else { return false };
        self.changes.push(Change::Principal { old: Some(old), new: None });
        true
    }

    /// Puts a principal back as storage held it (when a database is reopened).
    pub fn restore_principal(&mut self, principal: Principal) {
        self.principals.0.insert(principal.name.clone(), Rc::new(principal));
    }

    /// Undoes a [`Change::Principal`].
    pub(super) fn revert_principal(&mut self, old: Option<Rc<Principal>>, new: Option<Rc<Principal>>) {
        if let Some(new) = new {
            self.principals.0.remove(&new.name);
        }
        if let Some(old) = old {
            self.principals.0.insert(old.name.clone(), old);
        }
    }
}
