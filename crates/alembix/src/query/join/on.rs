//! The `ON` condition of a join along a declared foreign key.

use alembix_schema::ForeignKey;
use alembix_schema::dialect::{Piece, prequoted, qualified};

use crate::model::ModelMeta;

/// A foreign key between a model of the query and the joined one.
struct Link {
    fk: &'static ForeignKey,
    /// The position of `fk` among the child's foreign keys.
    index: usize,
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

    /// `child.fk = parent.key` for each column pair, joined by `AND`;
    /// `None` for a foreign key without columns.
    fn condition(&self) -> Option<sea_query::Expr> {
        (!self.fk.columns.is_empty()).then(|| foreign_key_on(self.child, self.index))
    }
}

/// The condition joining `child` with the table its `index`-th foreign key
/// references, as one pre-quoted expression. The texts of all the child's
/// foreign keys are made the first time one is needed, and kept in its
/// metadata.
fn foreign_key_on(child: &'static ModelMeta, index: usize) -> sea_query::Expr {
    let all = child.foreign_key_on.get_or_init(|| {
        let table = child.table.name.as_str();
        let text = |fk: &ForeignKey| {
            let mut pieces = Vec::new();
            for (i, (c, r)) in fk.columns.iter().zip(&fk.ref_columns).enumerate() {
                if i > 0 {
                    pieces.push(Piece::Sql(" AND "));
                }
                pieces.extend(qualified(table, c));
                pieces.push(Piece::Sql(" = "));
                pieces.extend(qualified(&fk.ref_table, r));
            }
            prequoted(&pieces)
        };
        child.table.foreign_keys.iter().map(text).collect()
    });
    sea_query::Expr::cust(all[index].as_str())
}

fn links(child: &'static ModelMeta, parent: &'static ModelMeta) -> impl Iterator<Item = Link> {
    child
        .table
        .foreign_keys
        .iter()
        .enumerate()
        .filter(move |(_, fk)| fk.ref_table == parent.table.name)
        .map(move |(index, fk)| Link {
            fk,
            index,
            child,
            parent,
        })
}

/// The models a query reads, in query order, each with whether it is
/// left-joined.
type Models = [(&'static ModelMeta, bool)];

fn names(models: &Models) -> String {
    let names: Vec<&str> = models.iter().map(|(m, _)| m.rust_name).collect();
    names.join(", ")
}

/// Refuses a model whose table the query already reads: the same table
/// twice needs table aliases, which joins do not have.
pub(super) fn check_new(models: &Models, new: &'static ModelMeta) -> Result<(), String> {
    match models.iter().find(|(m, _)| m.table.name == new.table.name) {
        None => Ok(()),
        Some((m, _)) => Err(format!(
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
    models: &Models,
    new: &'static ModelMeta,
) -> Result<sea_query::Expr, String> {
    // Nothing is collected unless there is a choice to report.
    let mut found = models
        .iter()
        .flat_map(|&(m, _)| links(new, m).chain(links(m, new)));
    let link = match (found.next(), found.next()) {
        (Some(one), None) => one,
        (None, _) => {
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
        (Some(first), Some(second)) => {
            let list: Vec<String> = [first, second]
                .into_iter()
                .chain(found)
                .map(|link| link.describe())
                .collect();
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

#[cfg(test)]
mod tests {
    use alembix_schema::{Column, ColumnType, Dialect, ForeignKey, Table};
    use sea_query::{ExprTrait, IntoIden};

    use crate::model::ModelMeta;

    fn meta(table: Table) -> &'static ModelMeta {
        let json = serde_json::to_string(&table).unwrap();
        Box::leak(Box::new(ModelMeta::new("M", &json, None, &[])))
    }

    /// The condition sea-query renders from one column expression per
    /// column, as joins built it before.
    fn by_columns(child: &str, fk: &ForeignKey) -> sea_query::Expr {
        fk.columns
            .iter()
            .zip(&fk.ref_columns)
            .map(|(c, r)| {
                sea_query::Expr::col((child.to_string().into_iden(), c.clone().into_iden()))
                    .equals((fk.ref_table.clone().into_iden(), r.clone().into_iden()))
            })
            .reduce(|a, b| a.and(b))
            .unwrap()
    }

    #[test]
    fn a_foreign_key_condition_is_written_as_sea_query_writes_its_columns() {
        let int = |n: &str| Column::new(n, ColumnType::BigInt);
        // Names with both quote characters, and a two-column key.
        let parent = meta(
            Table::new("or`g\"s")
                .column(int("id"))
                .column(int("re\"gion`"))
                .primary_key(&["id", "re\"gion`"]),
        );
        let mut child = Table::new("team")
            .column(int("id"))
            .column(int("org_id"))
            .column(int("org_region"));
        child.foreign_keys.push(ForeignKey::new(
            "team_org_fk",
            &["org_id", "org_region"],
            "or`g\"s",
            &["id", "re\"gion`"],
        ));
        child
            .foreign_keys
            .push(ForeignKey::new("team_self_fk", &["id"], "team", &["id"]));
        let child = meta(child);
        let found = super::along_foreign_key(&[(child, false)], parent).unwrap();
        for (index, fk) in child.table.foreign_keys.iter().enumerate() {
            let select = |on: sea_query::Expr| {
                let mut stmt = sea_query::Query::select();
                stmt.expr(sea_query::Expr::cust("1"))
                    .from(child.table_ref())
                    .inner_join(parent.table_ref(), on)
                    .and_where(sea_query::Expr::col("id".into_iden()).eq(3));
                stmt
            };
            for dialect in Dialect::ALL {
                let (sql, values) =
                    dialect.build_query(&select(super::foreign_key_on(child, index)));
                let (expected, _) = dialect.build_query(&select(by_columns("team", fk)));
                assert_eq!(sql, expected, "{dialect:?}");
                assert_eq!(values.0.len(), 1);
                if index == 0 {
                    let (sql, _) = dialect.build_query(&select(found.clone()));
                    assert_eq!(sql, expected, "{dialect:?}: along_foreign_key");
                }
            }
        }
        let (sql, _) = Dialect::MySql.build_query(&{
            let mut stmt = sea_query::Query::select();
            stmt.expr(sea_query::Expr::cust("1"))
                .from(child.table_ref())
                .inner_join(parent.table_ref(), super::foreign_key_on(child, 0));
            stmt
        });
        assert_eq!(
            sql,
            "SELECT 1 FROM `team` INNER JOIN `or``g\"s` ON `team`.`org_id` = `or``g\"s`.`id` \
             AND `team`.`org_region` = `or``g\"s`.`re\"gion```"
        );
    }
}
