//! Parsing of a `#[derive(Model)]` struct into a [`ModelDef`].
//!
//! This is the one function that both the derive macro and autogen's source
//! scanner call, so what the compiler sees and what autogen sees agree. It
//! runs in passes, as serde_derive does: the attributes are parsed into
//! typed values ([`crate::attr`]), the container model is built from them
//! (here), the cross-field rules are checked ([`crate::check`]), and the
//! table is assembled from the checked model ([`crate::table`]).

use alembix_schema::{ColumnType, EnumType, Table};
use heck::ToSnakeCase;

use crate::attr;
use crate::check::{self, Key};
use crate::ctxt::{Ctxt, FieldStep, Place};
use crate::types::{FieldType, map_type, unwrap_option};

/// A parsed model: its table and how each field maps to a column.
#[derive(Debug, Clone)]
pub struct ModelDef {
    /// The struct's name.
    pub ident: syn::Ident,
    /// The struct's generics (the derive rejects any).
    pub generics: syn::Generics,
    /// The table; enum columns hold a placeholder type until resolved (see
    /// [`ModelDef::resolve_table`]).
    pub table: Table,
    /// Mapped fields in declaration order; `fields[i]` is `table.columns[i]`.
    pub fields: Vec<FieldDef>,
    /// Fields with `#[column(skip)]`, filled with `Default::default()`.
    pub skipped: Vec<syn::Ident>,
    /// The primary key as the check pass resolved it.
    pub(crate) key: Key,
}

/// One mapped field.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// The field's name.
    pub ident: syn::Ident,
    /// The full field type (with `Option`).
    pub ty: syn::Type,
    /// What the type maps to.
    pub field_type: FieldType,
    /// Whether the field is (part of) the primary key.
    pub primary_key: bool,
    /// Whether the field is the `version` column.
    pub version: bool,
}

impl ModelDef {
    /// Index of the auto-increment column (the key's, or one outside the
    /// key), if the model has one.
    pub fn auto_increment_field(&self) -> Option<usize> {
        self.table.columns.iter().position(|c| c.auto_increment)
    }

    /// Index of the `version` column, if any.
    pub fn version_field(&self) -> Option<usize> {
        self.fields.iter().position(|f| f.version)
    }

    /// Indices of the primary-key columns, in key order; empty for a model
    /// declared `#[model(no_primary_key)]`.
    pub fn primary_key_fields(&self) -> Vec<usize> {
        self.key.fields().to_vec()
    }

    /// Whether the model has a primary key (every model but one declared
    /// `#[model(no_primary_key)]`).
    pub fn has_primary_key(&self) -> bool {
        self.key.exists()
    }

    /// The table with every enum column's type resolved by `resolve`
    /// (enum type path -> enum type). `Err` names the enum that is unknown.
    pub fn resolve_table(
        &self,
        mut resolve: impl FnMut(&syn::Path) -> Option<EnumType>,
    ) -> Result<Table, syn::Error> {
        let mut table = self.table.clone();
        for (field, column) in self.fields.iter().zip(table.columns.iter_mut()) {
            if let FieldType::Enum(path) = &field.field_type {
                let Some(e) = resolve(path) else {
                    return Err(syn::Error::new_spanned(
                        &field.ty,
                        format!(
                            "field `{}`: no `#[derive(DbEnum)]` type `{}` was found; derive DbEnum for it or add #[column(sql_type = \"...\")]",
                            field.ident,
                            quote::ToTokens::to_token_stream(path)
                        ),
                    ));
                };
                column.ty = ColumnType::Enum {
                    name: e.name,
                    values: e.values,
                };
            }
        }
        Ok(table)
    }
}

/// Parses a derive input into a model definition, reporting every error.
///
/// ```
/// let input: syn::DeriveInput = syn::parse_quote! {
///     #[model(table = "users")]
///     struct User { id: i64, #[column(max_length = 255, unique)] email: String, age: Option<i32> }
/// };
/// let model = alembix_macros_core::parse_model(&input).unwrap();
/// assert_eq!(model.table.name, "users");
/// assert!(model.table.columns[0].auto_increment);
/// assert_eq!(model.table.uniques[0].name, "uq_users_email");
/// assert!(model.table.columns[2].nullable);
/// ```
pub fn parse_model(input: &syn::DeriveInput) -> Result<ModelDef, syn::Error> {
    let named = named_fields(input)?;
    let cx = Ctxt::new();
    let cont = Container::from_ast(&cx, input, named);
    let key = check::check(&cx, &cont);
    cx.finish(key.map(|key| crate::table::model_def(cont, key)))
}

/// The struct's named fields; anything else is not a model.
fn named_fields(input: &syn::DeriveInput) -> Result<&syn::FieldsNamed, syn::Error> {
    let syn::Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Model)] works on structs only",
        ));
    };
    match &data.fields {
        syn::Fields::Named(named) => Ok(named),
        _ => Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Model)] needs a struct with named fields",
        )),
    }
}

/// A model struct with its attributes parsed and its field types mapped:
/// what the check pass and the table assembly read.
pub struct Container<'a> {
    /// The struct's name.
    pub ident: &'a syn::Ident,
    /// The struct's generics.
    pub generics: &'a syn::Generics,
    /// `#[model(...)]`.
    pub attrs: attr::Container,
    /// The table name: `table = "..."`, else the snake-cased struct name.
    pub table: String,
    /// The mapped fields, in declaration order.
    pub fields: Vec<Field<'a>>,
    /// The `#[column(skip)]` fields.
    pub skipped: Vec<&'a syn::Ident>,
}

/// A mapped field.
pub struct Field<'a> {
    /// Position among all the struct's fields, skipped ones included: where
    /// its errors go in the report.
    pub index: usize,
    /// The field's name.
    pub ident: &'a syn::Ident,
    /// The full field type (with `Option`).
    pub ty: &'a syn::Type,
    /// `#[column(...)]`.
    pub attrs: attr::Field,
    /// The column name: `name = "..."`, else the field name.
    pub column: String,
    /// What the type (or `sql_type`) maps to.
    pub field_type: FieldType,
    /// Whether the type is `Option<...>`.
    pub nullable: bool,
}

impl<'a> Container<'a> {
    /// Parses the attributes and maps the field types, recording errors.
    fn from_ast(cx: &Ctxt, input: &'a syn::DeriveInput, named: &'a syn::FieldsNamed) -> Self {
        let attrs = attr::Container::from_ast(cx, &input.attrs);
        let mut fields = Vec::new();
        let mut skipped = Vec::new();
        // syn gives every field of a named struct an ident.
        let named = named.named.iter().enumerate();
        for (index, field, ident) in named.filter_map(|(i, f)| Some((i, f, f.ident.as_ref()?))) {
            let field_attrs = attr::Field::from_ast(cx, index, ident, &field.attrs);
            if field_attrs.skip {
                skipped.push(ident);
            } else {
                fields.push(Field::from_ast(cx, index, ident, &field.ty, field_attrs));
            }
        }
        let table = match &attrs.table {
            Some(name) => name.clone(),
            None => input.ident.to_string().to_snake_case(),
        };
        Container {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            table,
            fields,
            skipped,
        }
    }
}

impl<'a> Field<'a> {
    fn from_ast(
        cx: &Ctxt,
        index: usize,
        ident: &'a syn::Ident,
        ty: &'a syn::Type,
        attrs: attr::Field,
    ) -> Self {
        let unwrapped = unwrap_option(ty);
        let field_type = match &attrs.sql_type {
            Some(sql) => FieldType::Known(ColumnType::from_sql(sql)),
            None => map_type(
                unwrapped.inner,
                attrs.max_length,
                attrs.precision,
                attrs.scale,
            )
            .unwrap_or_else(|why| {
                cx.error_spanned_by(
                    Place::Field(index, FieldStep::Type),
                    ty,
                    format!("field `{ident}`: {why}; add #[column(sql_type = \"...\")] to choose the column type"),
                );
                // A stand-in, so the other rules still run on this field.
                FieldType::Known(ColumnType::Text)
            }),
        };
        Field {
            index,
            ident,
            ty,
            // A raw field (`r#type`) is column `type`.
            column: attrs
                .name
                .clone()
                .unwrap_or_else(|| syn::ext::IdentExt::unraw(ident).to_string()),
            attrs,
            field_type,
            nullable: unwrapped.nullable,
        }
    }

    /// The column type; enum columns get a placeholder until resolved.
    pub fn column_type(&self) -> ColumnType {
        match &self.field_type {
            FieldType::Known(t) => t.clone(),
            FieldType::Enum(_) => ColumnType::Custom { sql: "enum".into() },
        }
    }
}
