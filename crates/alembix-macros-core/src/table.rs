//! Assembly of the schema table (and the [`ModelDef`]) from a model that
//! passed the check pass. Nothing here can fail: every rule has been checked,
//! and the key arrives resolved.

use alembix_schema::{
    Check, Column, ForeignKey, Index, Partition, PrimaryKey, Table, UniqueConstraint, naming,
};

use crate::ast::{Container, FieldDef, ModelDef};
use crate::attr::IndexTarget;
use crate::check::Key;

/// The model definition of a checked container.
pub fn model_def(cont: Container<'_>, key: Key) -> ModelDef {
    let table = table(&cont, &key);
    let fields = cont
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| FieldDef {
            ident: f.ident.clone(),
            ty: f.ty.clone(),
            field_type: f.field_type.clone(),
            primary_key: key.fields().contains(&i),
            version: f.attrs.version,
        })
        .collect();
    ModelDef {
        ident: cont.ident.clone(),
        generics: cont.generics.clone(),
        table,
        fields,
        skipped: cont.skipped.iter().map(|i| (*i).clone()).collect(),
        key,
    }
}

fn table(cont: &Container<'_>, key: &Key) -> Table {
    let mut table = Table::new(cont.table.clone());
    table.schema = cont.attrs.schema.clone();
    table.comment = cont.attrs.comment.clone();
    table.renamed_from = cont.attrs.renamed_from.clone();
    table.partition_by = cont.attrs.partition_by.clone();
    table.partitions = cont
        .attrs
        .all_partitions(&cont.table)
        .into_iter()
        .map(|p| Partition::new(p.name, p.bound))
        .collect();
    table.columns = columns(cont, key);
    table.primary_key = key.exists().then(|| PrimaryKey {
        name: naming::primary_key_name(&table.name),
        columns: key
            .fields()
            .iter()
            .map(|i| cont.fields[*i].column.clone())
            .collect(),
    });
    table.uniques = uniques(cont);
    table.indexes = indexes(cont);
    table.foreign_keys = foreign_keys(cont);
    table.checks =
        cont.attrs
            .checks
            .iter()
            .map(|c| Check {
                name: c.name.clone().unwrap_or_else(|| {
                    naming::check_name(&cont.table, &sql_words(&c.expr, "check"))
                }),
                expr: c.expr.clone(),
            })
            .collect();
    table
}

/// One column per mapped field; a single integer key column is
/// auto-increment unless the field says otherwise.
fn columns(cont: &Container<'_>, key: &Key) -> Vec<Column> {
    let single = key.fields().len() == 1;
    cont.fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut column = Column::new(f.column.clone(), f.column_type());
            column.nullable = f.nullable;
            column.default = f.attrs.default.clone();
            column.comment = f.attrs.comment.clone();
            column.renamed_from = f.attrs.renamed_from.clone();
            column.backfill = f.attrs.backfill.clone();
            if f.attrs.version && column.default.is_none() {
                // A new row starts at version 1.
                column.default = Some("1".into());
            }
            let single_int_key = single && key.fields().contains(&i) && column.ty.is_integer();
            column.auto_increment = f.attrs.auto_increment.unwrap_or(single_int_key);
            column
        })
        .collect()
}

/// Single-column uniques of the fields, then the model's.
fn uniques(cont: &Container<'_>) -> Vec<UniqueConstraint> {
    let fields = cont
        .fields
        .iter()
        .filter(|f| f.attrs.unique)
        .map(|f| UniqueConstraint {
            name: naming::unique_name(&cont.table, &[&f.column]),
            columns: vec![f.column.clone()],
        });
    let model = cont.attrs.uniques.iter().map(|u| UniqueConstraint {
        name: u
            .name
            .clone()
            .unwrap_or_else(|| naming::unique_name(&cont.table, &u.columns)),
        columns: u.columns.clone(),
    });
    fields.chain(model).collect()
}

/// Single-column indexes of the fields, then the model's.
fn indexes(cont: &Container<'_>) -> Vec<Index> {
    let fields = cont.fields.iter().filter(|f| f.attrs.index).map(|f| Index {
        name: naming::index_name(&cont.table, &[&f.column]),
        columns: vec![f.column.clone()],
        ..Default::default()
    });
    let model = cont.attrs.indexes.iter().map(|ix| {
        let (columns, expr) = match &ix.target {
            IndexTarget::Columns(c) => (c.clone(), None),
            IndexTarget::Expr(e) => (Vec::new(), Some(e.clone())),
        };
        let name = ix.name.clone().unwrap_or_else(|| match &expr {
            Some(e) => naming::index_name(&cont.table, &[sql_words(e, "expr")]),
            None => naming::index_name(&cont.table, &columns),
        });
        Index {
            name,
            columns,
            unique: ix.unique,
            expr,
            predicate: ix.predicate.clone(),
        }
    });
    fields.chain(model).collect()
}

fn foreign_keys(cont: &Container<'_>) -> Vec<ForeignKey> {
    let with_reference = cont
        .fields
        .iter()
        .filter_map(|f| Some((f, f.attrs.references.as_ref()?)));
    with_reference
        .map(|(f, r)| ForeignKey {
            name: naming::foreign_key_name(&cont.table, &[&f.column], &r.table),
            columns: vec![f.column.clone()],
            ref_table: r.table.clone(),
            ref_schema: r.schema.clone(),
            ref_columns: vec![r.column.clone()],
            on_delete: r.on_delete,
            on_update: r.on_update,
        })
        .chain(cont.attrs.foreign_keys.iter().map(|fk| {
            let columns: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
            ForeignKey {
                name: fk.name.clone().unwrap_or_else(|| {
                    naming::foreign_key_name(&cont.table, &columns, &fk.ref_table)
                }),
                columns: fk.columns.clone(),
                ref_table: fk.ref_table.clone(),
                ref_schema: fk.ref_schema.clone(),
                ref_columns: fk.ref_columns.clone(),
                on_delete: fk.on_delete,
                on_update: fk.on_update,
            }
        }))
        .collect()
}

/// The identifiers of an SQL expression joined with `_` (`fallback` when
/// there are none): the name part of an unnamed check or expression index.
fn sql_words(expr: &str, fallback: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "and", "or", "not", "null", "is", "in", "like", "between", "true", "false",
    ];
    let mut words: Vec<String> = Vec::new();
    for w in expr.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        let lower = w.to_ascii_lowercase();
        if w.is_empty()
            || w.starts_with(|c: char| c.is_ascii_digit())
            || KEYWORDS.contains(&lower.as_str())
        {
            continue;
        }
        if !words.contains(&lower) {
            words.push(lower);
        }
    }
    if words.is_empty() {
        fallback.into()
    } else {
        words.join("_")
    }
}

#[cfg(test)]
mod tests {
    use crate::parse_model;

    #[test]
    fn a_model_without_a_key_has_no_primary_key_and_no_default_auto_increment() {
        let model = parse_model(&syn::parse_quote! {
            #[model(table = "readings", no_primary_key)]
            struct Reading { id: i64, sensor: String }
        })
        .unwrap();
        assert!(model.table.primary_key.is_none());
        assert!(!model.has_primary_key());
        assert!(model.table.columns.iter().all(|c| !c.auto_increment));
        assert_eq!(model.auto_increment_field(), None);
    }

    #[test]
    fn an_auto_increment_column_outside_the_key() {
        let model = parse_model(&syn::parse_quote! {
            struct Ticket {
                #[column(primary_key, max_length = 20)]
                code: String,
                #[column(auto_increment, unique)]
                number: i64,
            }
        })
        .unwrap();
        assert_eq!(
            model.table.primary_key.as_ref().unwrap().columns,
            vec!["code"]
        );
        assert_eq!(model.auto_increment_field(), Some(1));
        // With an integer key, which is auto-increment by default, it is a
        // second one: an error, unless the key says otherwise.
        let err = parse_model(&syn::parse_quote! {
            struct Ticket { id: i64, #[column(auto_increment)] number: i64 }
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("at most one auto_increment column")
        );
        let model = parse_model(&syn::parse_quote! {
            struct Ticket {
                #[column(auto_increment = false)]
                id: i64,
                #[column(auto_increment)]
                number: i64,
            }
        })
        .unwrap();
        assert_eq!(model.auto_increment_field(), Some(1));
    }
}
