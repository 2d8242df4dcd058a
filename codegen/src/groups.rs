//! Resource groups: the Cargo features that compile part of the models, so that a
//! Worker which handles payments does not carry the parsers of every Stripe object.
//!
//! A group compiles its root resources and every type they embed. Expandable fields
//! are not followed: an expandable field whose object is in no enabled group parses
//! as the id or the raw JSON object, and an event whose object is not compiled parses
//! as `StripeEvent::Unknown`. The `models` feature compiles everything.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Model, Ty};

/// The feature that compiles every type.
pub const ALL: &str = "models";

/// (feature, root resources by schema key).
pub const GROUPS: &[(&str, &[&str])] = &[
    (
        "models-payments",
        &[
            "balance_transaction",
            "charge",
            "checkout.session",
            "customer",
            "dispute",
            "mandate",
            "payment_intent",
            "payment_method",
            "radar.early_fraud_warning",
            "refund",
            "review",
            "setup_attempt",
            "setup_intent",
        ],
    ),
    (
        "models-billing",
        &[
            "billing_portal.session",
            "coupon",
            "credit_note",
            "discount",
            "invoice",
            "invoiceitem",
            "line_item",
            "plan",
            "price",
            "product",
            "promotion_code",
            "quote",
            "subscription",
            "subscription_item",
            "subscription_schedule",
            "tax_rate",
        ],
    ),
];

/// Which groups compile each type, by type name. A type in no group is compiled only
/// by [`ALL`].
pub struct Membership {
    groups_of: BTreeMap<String, BTreeSet<&'static str>>,
}

impl Membership {
    pub fn of(model: &Model) -> Result<Membership, String> {
        let mut edges: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for item in &model.structs {
            let mut out = Vec::new();
            for field in &item.fields {
                embedded(&field.ty, &mut out);
            }
            edges.insert(&item.name, out);
        }
        for item in model.unions.values() {
            let members = item.members.iter().map(|m| m.ty_name.clone()).collect();
            edges.insert(&item.name, members);
        }

        let mut groups_of: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
        for (feature, roots) in GROUPS {
            let mut pending: Vec<String> = Vec::new();
            for root in *roots {
                let item = model
                    .structs
                    .iter()
                    .find(|item| item.schema == *root)
                    .ok_or_else(|| format!("group {feature}: no schema {root}"))?;
                pending.push(item.name.clone());
            }
            while let Some(name) = pending.pop() {
                let groups = groups_of.entry(name.clone()).or_default();
                if !groups.insert(feature) {
                    continue;
                }
                if let Some(next) = edges.get(name.as_str()) {
                    pending.extend(next.iter().cloned());
                }
            }
        }
        // A union behind an expandable field is reached by no embedded edge; it is
        // compiled wherever all its live members are, with its deleted markers (which
        // embed nothing).
        for item in model.unions.values() {
            let mut common: Option<BTreeSet<&'static str>> = None;
            for member in item.members.iter().filter(|member| !member.deleted) {
                let groups = groups_of.get(&member.ty_name).cloned().unwrap_or_default();
                common = Some(match common {
                    None => groups,
                    Some(common) => common.intersection(&groups).copied().collect(),
                });
            }
            let common = common.unwrap_or_default();
            for member in item.members.iter().filter(|member| member.deleted) {
                let groups = groups_of.entry(member.ty_name.clone()).or_default();
                groups.extend(common.iter().copied());
            }
            groups_of
                .entry(item.name.clone())
                .or_default()
                .extend(common);
        }
        Ok(Membership { groups_of })
    }

    /// The features any of which compiles `name`, [`ALL`] first.
    pub fn features(&self, name: &str) -> Vec<&'static str> {
        let mut features = vec![ALL];
        if let Some(groups) = self.groups_of.get(name) {
            features.extend(groups.iter().copied());
        }
        features
    }

    /// The `cfg` predicate under which `name` is compiled.
    pub fn predicate(&self, name: &str) -> String {
        any(&self.features(name))
    }

    /// Whether every build that compiles `owner` also compiles `name`.
    pub fn always_with(&self, owner: &str, name: &str) -> bool {
        let available: BTreeSet<&str> = self.features(name).into_iter().collect();
        self.features(owner)
            .iter()
            .all(|feature| available.contains(feature))
    }

    /// How many types each group compiles, for the generator's summary.
    pub fn sizes(&self) -> Vec<(&'static str, usize)> {
        GROUPS
            .iter()
            .map(|(feature, _)| {
                let count = self
                    .groups_of
                    .values()
                    .filter(|groups| groups.contains(feature))
                    .count();
                (*feature, count)
            })
            .collect()
    }
}

/// `feature = "a"`, or `any(feature = "a", feature = "b")`.
pub fn any(features: &[&str]) -> String {
    let list: Vec<String> = features
        .iter()
        .map(|feature| format!("feature = {feature:?}"))
        .collect();
    match list.as_slice() {
        [only] => only.clone(),
        _ => format!("any({})", list.join(", ")),
    }
}

/// The named types a type holds directly, except behind `Expandable`.
pub fn embedded_names(ty: &Ty, out: &mut Vec<String>) {
    embedded(ty, out);
}

/// The types a field embeds: every named type it holds, except behind `Expandable`.
fn embedded(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Struct(name) | Ty::Enum(name) | Ty::Union(name) => out.push(name.clone()),
        Ty::List(inner) | Ty::Array(inner) | Ty::Map(inner) => embedded(inner, out),
        Ty::Expandable(_) => {}
        Ty::String
        | Ty::Decimal
        | Ty::Integer
        | Ty::Number
        | Ty::Bool
        | Ty::Json
        | Ty::Literal(_)
        | Ty::BoolLiteral(_) => {}
    }
}

/// The named types behind the `Expandable`s of a field.
pub fn expandable_targets(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Expandable(inner) => {
            let mut names = Vec::new();
            embedded(inner, &mut names);
            out.extend(names);
        }
        Ty::List(inner) | Ty::Array(inner) | Ty::Map(inner) => expandable_targets(inner, out),
        _ => {}
    }
}
