//! The spec read into what the renderers need: structs, string enums, object unions
//! and event types, each with the name it will have in Rust and TypeScript.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// The type of a field, independent of the language it is rendered in.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    /// A decimal number Stripe sends as a string (`format: decimal`); some objects
    /// send it as a JSON number instead.
    Decimal,
    Integer,
    Number,
    Bool,
    /// Any JSON (a schema that says nothing about its shape).
    Json,
    /// A string enum with a single value, such as `object: "payment_intent"`.
    Literal(String),
    /// A boolean that has one value, such as `deleted: true` on deleted markers.
    BoolLiteral(bool),
    /// A generated struct.
    Struct(String),
    /// A generated string enum.
    Enum(String),
    /// A generated union of objects told apart by `object`.
    Union(String),
    /// An id, or the object when expanded.
    Expandable(Box<Ty>),
    /// A nested list page (`{object: "list", data, has_more, url}`).
    List(Box<Ty>),
    Array(Box<Ty>),
    /// A JSON object used as a map (`metadata`, …).
    Map(Box<Ty>),
}

#[derive(Debug)]
pub struct Field {
    /// The JSON member name.
    pub json_name: String,
    pub ty: Ty,
    /// Present in every response of this API version (the SDK spec's `required`).
    pub required: bool,
    pub nullable: bool,
    pub doc: String,
}

#[derive(Debug)]
pub struct Struct {
    pub name: String,
    /// The spec's schema key (`payment_intent`, `checkout.session`, …).
    pub schema: String,
    /// The `x-resourceId`, for resources.
    pub resource_id: Option<String>,
    pub doc: String,
    pub fields: Vec<Field>,
}

#[derive(Debug)]
pub struct Enum {
    pub name: String,
    /// (variant name, value), in the spec's order.
    pub variants: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct UnionMember {
    pub variant: String,
    pub ty_name: String,
    /// The `object` values this member has (usually one).
    pub objects: Vec<String>,
    pub deleted: bool,
}

#[derive(Debug)]
pub struct Union {
    pub name: String,
    pub doc: String,
    pub members: Vec<UnionMember>,
}

#[derive(Debug)]
pub struct EventType {
    /// `payment_intent.succeeded`.
    pub event_type: String,
    /// `PaymentIntentSucceeded`.
    pub variant: String,
    pub object: Ty,
    pub doc: String,
}

pub struct Model {
    pub api_version: String,
    pub structs: Vec<Struct>,
    pub enums: BTreeMap<String, Enum>,
    pub unions: BTreeMap<String, Union>,
    pub events: Vec<EventType>,
    /// Top-level union schemas (`external_account`, …): (key, name).
    pub union_schemas: Vec<(String, String)>,
    /// Event types the GA spec lists but the SDK spec gives no object for.
    pub untyped_events: Vec<String>,
}

struct Builder<'a> {
    schemas: &'a Map<String, Value>,
    sdk_schemas: &'a Map<String, Value>,
    names: BTreeMap<String, String>,
    enums: BTreeMap<String, Enum>,
    unions: BTreeMap<String, Union>,
    /// Union names by their members' schema keys, so one set of members is one type.
    union_by_members: BTreeMap<Vec<String>, String>,
}

impl Model {
    pub fn build(spec: &Value, sdk: &Value) -> Result<Model, String> {
        let ga_schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .ok_or("spec3.json has no components.schemas")?;
        let sdk_schemas = sdk
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .ok_or("spec3.beta.sdk.json has no components.schemas")?;
        let schemas = &with_event_objects(spec, ga_schemas, sdk_schemas)?;
        let api_version = spec
            .pointer("/info/version")
            .and_then(Value::as_str)
            .ok_or("spec3.json has no info.version")?
            .to_owned();

        let mut builder = Builder {
            schemas,
            sdk_schemas,
            names: type_names(schemas, sdk_schemas)?,
            enums: BTreeMap::new(),
            unions: BTreeMap::new(),
            union_by_members: BTreeMap::new(),
        };

        // Top-level unions (`external_account`, `payment_source`, …) first, so inline
        // unions of the same members reuse their names.
        let mut union_schemas = Vec::new();
        for (key, schema) in schemas {
            if let Some(members) = schema.get("anyOf").and_then(Value::as_array) {
                let name = builder.names[key].clone();
                union_schemas.push((key.clone(), name.clone()));
                let doc = doc_of(schema);
                builder.union_of(members, &name, Some(name.clone()), doc)?;
            }
        }

        let mut structs = Vec::new();
        for (key, schema) in schemas {
            if schema.get("anyOf").is_some() {
                continue;
            }
            structs.push(builder.struct_of(key, schema)?);
        }

        let (events, untyped_events) = builder.events(spec)?;

        Ok(Model {
            api_version,
            structs,
            enums: builder.enums,
            unions: builder.unions,
            union_schemas,
            events,
            untyped_events,
        })
    }
}

/// The GA schemas, plus the objects of GA event types that only the SDK spec
/// describes (such as `reserve.hold`), with every schema those refer to. Stripe's SDKs
/// type these events; the GA file of this stripe-mock release lacks their objects.
fn with_event_objects(
    spec: &Value,
    ga: &Map<String, Value>,
    sdk: &Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    let listed: BTreeSet<&str> = event_type_list(spec)?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut schemas = ga.clone();
    let mut pending: Vec<String> = Vec::new();
    for schema in sdk.values() {
        let event_type = schema
            .pointer("/x-stripeEvent/type")
            .and_then(Value::as_str);
        if event_type.is_some_and(|t| listed.contains(t)) {
            collect_refs(schema, &mut pending);
        }
    }
    while let Some(key) = pending.pop() {
        if schemas.contains_key(&key) {
            continue;
        }
        let schema = sdk
            .get(&key)
            .ok_or_else(|| format!("the SDK spec refers to a missing schema {key}"))?;
        collect_refs(schema, &mut pending);
        schemas.insert(key, schema.clone());
    }
    Ok(schemas)
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match (key.as_str(), member) {
                    ("$ref", Value::String(reference)) => {
                        if let Some(key) = reference.strip_prefix("#/components/schemas/") {
                            out.push(key.to_owned());
                        }
                    }
                    _ => collect_refs(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

fn event_type_list(spec: &Value) -> Result<&Vec<Value>, String> {
    spec.pointer(
        "/paths/~1v1~1webhook_endpoints/post/requestBody/content/\
         application~1x-www-form-urlencoded/schema/properties/enabled_events/items/enum",
    )
    .and_then(Value::as_array)
    .ok_or_else(|| "spec3.json has no list of event types".to_owned())
}

/// Names every schema: resources as Stripe's SDKs name them, flattened
/// (`checkout.session` is `CheckoutSession`, `item` is `LineItem`); other schemas by
/// their key in CamelCase.
fn type_names(
    schemas: &Map<String, Value>,
    sdk_schemas: &Map<String, Value>,
) -> Result<BTreeMap<String, String>, String> {
    let mut names = BTreeMap::new();
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for (key, schema) in schemas {
        let name = match schema.get("x-resourceId").and_then(Value::as_str) {
            Some(resource_id) => sdk_schemas
                .get(key)
                .and_then(|sdk| sdk.get("x-stripeResource"))
                .and_then(|resource| {
                    let class = resource.get("class_name")?.as_str()?;
                    let package = resource.get("in_package").and_then(Value::as_str);
                    Some(format!("{}{class}", package.unwrap_or("")))
                })
                .unwrap_or_else(|| camel(resource_id)),
            None => camel(key),
        };
        if let Some(other) = owners.insert(name.clone(), key.clone()) {
            return Err(format!(
                "schemas {other} and {key} would both be named {name}"
            ));
        }
        names.insert(key.clone(), name);
    }
    Ok(names)
}

impl Builder<'_> {
    fn struct_of(&mut self, key: &str, schema: &Value) -> Result<Struct, String> {
        let name = self.names[key].clone();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("schema {key} has no properties"))?;
        let required = self.required(key, schema);

        // The SDK spec also types a few fields the GA spec leaves out (legacy ones such
        // as `payment_intent.source`). Those it says every response carries are real,
        // and stripe-node has them, so they are kept; its other extra fields are
        // previews, which the GA types leave out.
        let mut properties = properties.clone();
        if let Some(sdk_properties) = self
            .sdk_schemas
            .get(key)
            .and_then(|sdk| sdk.get("properties"))
            .and_then(Value::as_object)
        {
            for (json_name, property) in sdk_properties {
                let always_sent = required.contains(json_name.as_str());
                if always_sent
                    && !properties.contains_key(json_name)
                    && refs_exist(property, self.schemas)
                {
                    properties.insert(json_name.clone(), property.clone());
                }
            }
        }

        // `id` and `object` first, as Stripe sends them; then the rest by name.
        let mut ordered: Vec<(&String, &Value)> = properties.iter().collect();
        ordered.sort_by_key(|(name, _)| match name.as_str() {
            "id" => 0,
            "object" => 1,
            _ => 2,
        });
        let mut fields = Vec::new();
        for (json_name, property) in ordered {
            let context = format!("{name}{}", camel(json_name));
            let ty = self.ty(property, &context)?;
            fields.push(Field {
                json_name: json_name.clone(),
                ty,
                required: required.contains(json_name.as_str()),
                nullable: property.get("nullable") == Some(&Value::Bool(true)),
                doc: doc_of(property),
            });
        }

        Ok(Struct {
            name,
            schema: key.to_owned(),
            resource_id: schema
                .get("x-resourceId")
                .and_then(Value::as_str)
                .map(str::to_owned),
            doc: doc_of(schema),
            fields,
        })
    }

    /// The fields every response carries. The GA spec lists only a few; its SDK
    /// variant lists what Stripe's SDKs type as always present.
    fn required(&self, key: &str, schema: &Value) -> BTreeSet<String> {
        let source = self.sdk_schemas.get(key).unwrap_or(schema);
        let list = |schema: &Value| -> BTreeSet<String> {
            strings(schema.get("required")).into_iter().collect()
        };
        let mut required = list(source);
        required.extend(list(schema));
        required
    }

    fn ty(&mut self, schema: &Value, context: &str) -> Result<Ty, String> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return self.reference(reference);
        }
        if let Some(members) = schema.get("anyOf").and_then(Value::as_array) {
            return self.any_of(members, context);
        }
        let kind = schema.get("type").and_then(Value::as_str);
        match kind {
            Some("string") => {
                if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                    let values: Vec<String> = values
                        .iter()
                        .map(|v| v.as_str().map(str::to_owned).ok_or("non-string enum value"))
                        .collect::<Result<_, _>>()?;
                    if values.len() == 1 {
                        return Ok(Ty::Literal(values[0].clone()));
                    }
                    return Ok(Ty::Enum(self.string_enum(context, values)?));
                }
                if schema.get("format").and_then(Value::as_str) == Some("decimal") {
                    return Ok(Ty::Decimal);
                }
                Ok(Ty::String)
            }
            Some("integer") => Ok(Ty::Integer),
            Some("number") => Ok(Ty::Number),
            Some("boolean") => {
                let values = schema.get("enum").and_then(Value::as_array);
                match values.map(Vec::as_slice) {
                    Some([Value::Bool(only)]) => Ok(Ty::BoolLiteral(*only)),
                    _ => Ok(Ty::Bool),
                }
            }
            Some("array") => {
                let items = schema.get("items").ok_or("array without items")?;
                Ok(Ty::Array(Box::new(self.ty(items, context)?)))
            }
            Some("object") => {
                if let Some(values) = schema.get("additionalProperties") {
                    if schema.get("properties").is_some() {
                        return Err(format!("{context}: map with properties"));
                    }
                    let value_ty = match values {
                        Value::Bool(_) => Ty::Json,
                        values => self.ty(values, context)?,
                    };
                    return Ok(Ty::Map(Box::new(value_ty)));
                }
                match schema.get("properties").and_then(Value::as_object) {
                    Some(properties) if is_list(properties) => {
                        let items = properties["data"]
                            .get("items")
                            .ok_or("list without items")?;
                        Ok(Ty::List(Box::new(self.ty(items, context)?)))
                    }
                    Some(_) => Err(format!("{context}: inline object that is not a list")),
                    None => Ok(Ty::Json),
                }
            }
            None => Ok(Ty::Json),
            Some(other) => Err(format!("{context}: unknown type {other}")),
        }
    }

    fn reference(&mut self, reference: &str) -> Result<Ty, String> {
        let key = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| format!("unexpected $ref {reference}"))?;
        let schema = self
            .schemas
            .get(key)
            .ok_or_else(|| format!("$ref to missing schema {key}"))?;
        let name = self.names[key].clone();
        if schema.get("anyOf").is_some() {
            Ok(Ty::Union(name))
        } else {
            Ok(Ty::Struct(name))
        }
    }

    /// `anyOf` in Stripe's spec is one of: an id or the object (expandable), a single
    /// `$ref` (how the spec makes a reference nullable), or several objects.
    fn any_of(&mut self, members: &[Value], context: &str) -> Result<Ty, String> {
        let has_id = members
            .iter()
            .any(|m| m.get("type").and_then(Value::as_str) == Some("string"));
        let objects: Vec<Value> = members
            .iter()
            .filter(|m| m.get("$ref").is_some())
            .cloned()
            .collect();
        if objects.len() + usize::from(has_id) != members.len() {
            return Err(format!("{context}: anyOf of an unexpected shape"));
        }
        let object = match objects.len() {
            0 => return Err(format!("{context}: anyOf without objects")),
            1 => self.ty(&objects[0], context)?,
            _ => self.union_of(&objects, context, None, String::new())?,
        };
        Ok(if has_id {
            Ty::Expandable(Box::new(object))
        } else {
            object
        })
    }

    /// A union of several objects. When every member has an `object` member the union
    /// is told apart by it; otherwise (the `*_client` variants of payment method
    /// options, which only publishable keys see) the first member stands for all.
    fn union_of(
        &mut self,
        members: &[Value],
        context: &str,
        fixed_name: Option<String>,
        doc: String,
    ) -> Result<Ty, String> {
        let keys: Vec<String> = members
            .iter()
            .map(|m| {
                m.get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{context}: union member without $ref"))
            })
            .collect::<Result<_, _>>()?;

        let mut union_members = Vec::new();
        for key in &keys {
            let schema = &self.schemas[key];
            let objects: Vec<String> = schema
                .pointer("/properties/object/enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            if objects.is_empty() {
                if fixed_name.is_some() {
                    return Err(format!("{context}: union whose members have no `object`"));
                }
                return self.reference(&format!("#/components/schemas/{}", keys[0]));
            }
            let deleted = schema.pointer("/properties/deleted").is_some();
            let ty_name = self.names[key].clone();
            union_members.push(UnionMember {
                variant: ty_name.clone(),
                ty_name,
                objects,
                deleted,
            });
        }

        let is_top_level = fixed_name.is_some();
        if !is_top_level {
            if let Some(name) = self.union_by_members.get(&keys) {
                return Ok(Ty::Union(name.clone()));
            }
        }
        let name = fixed_name.unwrap_or_else(|| {
            if union_members.len() <= 3 {
                union_members
                    .iter()
                    .map(|m| m.ty_name.as_str())
                    .collect::<Vec<_>>()
                    .join("Or")
            } else {
                context.to_owned()
            }
        });
        let clashes = self.unions.contains_key(&name)
            || (!is_top_level && self.names.values().any(|n| *n == name));
        if clashes {
            return Err(format!("union name {name} is taken"));
        }
        self.union_by_members
            .entry(keys)
            .or_insert_with(|| name.clone());
        self.unions.insert(
            name.clone(),
            Union {
                name: name.clone(),
                doc,
                members: union_members,
            },
        );
        Ok(Ty::Union(name))
    }

    fn string_enum(&mut self, context: &str, values: Vec<String>) -> Result<String, String> {
        if let Some(existing) = self.enums.get(context) {
            if existing.variants.iter().map(|(_, v)| v).eq(values.iter()) {
                return Ok(context.to_owned());
            }
            return Err(format!(
                "enum {context} defined twice with different values"
            ));
        }
        if self.names.values().any(|n| n == context) {
            return Err(format!("enum name {context} clashes with a struct"));
        }
        let mut used = BTreeSet::new();
        let variants = values
            .into_iter()
            .map(|value| {
                let mut variant = variant_name(&value);
                while !used.insert(variant.clone()) {
                    variant.push('_');
                }
                (variant, value)
            })
            .collect();
        self.enums.insert(
            context.to_owned(),
            Enum {
                name: context.to_owned(),
                variants,
            },
        );
        Ok(context.to_owned())
    }

    /// Every event type the GA spec lets an endpoint subscribe to, with the object
    /// the SDK spec says it carries.
    fn events(&mut self, spec: &Value) -> Result<(Vec<EventType>, Vec<String>), String> {
        let listed = event_type_list(spec)?;
        let mut by_type = BTreeMap::new();
        for schema in self.sdk_schemas.values() {
            if let Some(event_type) = schema
                .pointer("/x-stripeEvent/type")
                .and_then(Value::as_str)
            {
                by_type.insert(event_type.to_owned(), schema.clone());
            }
        }

        let mut events = Vec::new();
        let mut untyped = Vec::new();
        let mut variants = BTreeSet::new();
        for event_type in listed.iter().filter_map(Value::as_str) {
            if event_type == "*" {
                continue;
            }
            let Some(schema) = by_type.get(event_type) else {
                untyped.push(event_type.to_owned());
                continue;
            };
            let Some(object) = schema.pointer("/properties/object") else {
                untyped.push(event_type.to_owned());
                continue;
            };
            if !refs_exist(object, self.schemas) {
                untyped.push(event_type.to_owned());
                continue;
            }
            let variant = camel(event_type);
            if !variants.insert(variant.clone()) {
                return Err(format!("two event types are named {variant}"));
            }
            let ty = self.ty(object, &format!("{variant}EventObject"))?;
            events.push(EventType {
                event_type: event_type.to_owned(),
                variant,
                object: ty,
                doc: doc_of(schema),
            });
        }
        Ok((events, untyped))
    }
}

/// Whether every schema `value` refers to is in the GA spec.
fn refs_exist(value: &Value, schemas: &Map<String, Value>) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .all(|(key, member)| match (key.as_str(), member) {
                ("$ref", Value::String(reference)) => reference
                    .strip_prefix("#/components/schemas/")
                    .is_some_and(|key| schemas.contains_key(key)),
                _ => refs_exist(member, schemas),
            }),
        Value::Array(items) => items.iter().all(|item| refs_exist(item, schemas)),
        _ => true,
    }
}

fn is_list(properties: &Map<String, Value>) -> bool {
    properties
        .get("object")
        .and_then(|o| o.get("enum"))
        .and_then(Value::as_array)
        .is_some_and(|values| values.len() == 1 && values[0] == "list")
        && properties.contains_key("data")
}

/// The strings of a JSON array, such as a schema's `required`.
pub fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn doc_of(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// `checkout.session` → `CheckoutSession`, `payment_intent` → `PaymentIntent`.
pub fn camel(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// An enum value as a Rust variant name: `requires_action` → `RequiresAction`,
/// `3ds` → `V3ds`, `` → `Empty`.
fn variant_name(value: &str) -> String {
    let mut name = camel(value);
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Unrecognized" || name == "Self" {
        name.push_str("Value");
    }
    name
}
