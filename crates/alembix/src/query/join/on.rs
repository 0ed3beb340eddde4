//! The `ON` condition of a join along a declared foreign key.

use alembix_schema::ForeignKey;
use sea_query::{ExprTrait, IntoIden};

use crate::model::ModelMeta;

/// A foreign key between a model of the query and the joined one.
struct Link {
    fk: &'static ForeignKey,
    child: &'static ModelMeta,
    parent: &'static ModelMeta,
}

impl Link {
    fn describe(&self) -> String {
        format!(
            "{}.{} -> {}.{}",
            self.child.table.name,
            self.fk.columns.join(", "),
            self.parent.table.name,
            self.fk.ref_columns.join(", ")
        )
    }

    fn condition(&self) -> Option<sea_query::Expr> {
        let (child, parent) = (
            self.child.table.name.as_str(),
            self.parent.table.name.as_str(),
        );
        self.fk
            .columns
            .iter()
            .zip(&self.fk.ref_columns)
            .map(|(c, r)| {
                sea_query::Expr::col((child.into_iden(), c.as_str().into_iden()))
                    .equals((parent.into_iden(), r.as_str().into_iden()))
            })
            .reduce(|a, b| a.and(b))
    }
}

fn links(child: &'static ModelMeta, parent: &'static ModelMeta) -> impl Iterator<Item = Link> {
    child
        .table
        .foreign_keys
        .iter()
        .filter(move |fk| fk.ref_table == parent.table.name)
        .map(move |fk| Link { fk, child, parent })
}

fn names(models: &[&'static ModelMeta]) -> String {
    let names: Vec<&str> = models.iter().map(|m| m.rust_name).collect();
    names.join(", ")
}

/// Refuses a model whose table the query already reads: the same table
/// twice needs table aliases, which joins do not have.
pub(super) fn check_new(
    models: &[&'static ModelMeta],
    new: &'static ModelMeta,
) -> Result<(), String> {
    match models.iter().find(|m| m.table.name == new.table.name) {
        None => Ok(()),
        Some(m) => Err(format!(
            "cannot join {} into a query that already reads its table `{}` (through {}): \
             a join reads each table once, and table aliases are not supported",
            new.rust_name, new.table.name, m.rust_name
        )),
    }
}

/// The condition joining `new` to the one model of `models` it has a
/// foreign key with (either way); an error naming the choices when there
/// are none or several.
pub(super) fn along_foreign_key(
    models: &[&'static ModelMeta],
    new: &'static ModelMeta,
) -> Result<sea_query::Expr, String> {
    let found: Vec<Link> = models
        .iter()
        .flat_map(|&m| links(new, m).chain(links(m, new)))
        .collect();
    let link = match found.as_slice() {
        [one] => one,
        [] => {
            return Err(format!(
                "no foreign key links {} with {}: declare one with \
                 #[column(references = \"table.column\")], or give the condition with \
                 join_on::<{}, _>(..) / left_join_on::<{}, _>(..)",
                new.rust_name,
                names(models),
                new.rust_name,
                new.rust_name
            ));
        }
        several => {
            let list: Vec<String> = several.iter().map(Link::describe).collect();
            return Err(format!(
                "{} can be joined along several foreign keys ({}): give the condition with \
                 join_on::<{}, _>(..) / left_join_on::<{}, _>(..)",
                new.rust_name,
                list.join("; "),
                new.rust_name,
                new.rust_name
            ));
        }
    };
    link.condition()
        .ok_or_else(|| format!("foreign key `{}` has no columns", link.fk.name))
}
