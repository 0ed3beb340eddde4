//! `--with-relations`: for each single-column foreign key, a function on
//! the child model giving the runtime's `parent::<P>()` relation and one on
//! the parent giving `children::<C>()`, for `.with(...)` loads. The runtime
//! follows the child's first foreign key to the parent's table, so a child
//! with several keys to one table gets none (write `.with(...)` by hand).

use alembix_schema::Table;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::Cx;
use super::model::lit;

/// The relation functions of child table `t`, and the structs they name.
pub fn relation_items(cx: &Cx<'_>, t: &Table) -> (Vec<TokenStream>, Vec<Ident>) {
    let child = cx.struct_ident(&t.name);
    let mut items = Vec::new();
    let mut uses = Vec::new();
    for fk in &t.foreign_keys {
        let to_same = t
            .foreign_keys
            .iter()
            .filter(|f| f.ref_table == fk.ref_table)
            .count();
        let Some(parent) = cx.structs.get(&fk.ref_table) else {
            continue;
        };
        if fk.columns.len() != 1 || to_same != 1 {
            continue;
        }
        let parent_fn = format_ident!("parent_{}", cx.fn_word(&fk.ref_table));
        let children_fn = format_ident!("children_{}", cx.fn_word(&t.name));
        let parent_doc = lit(&format!(
            " The `{}` row each row refers to by `{}`.",
            fk.ref_table, fk.columns[0]
        ));
        let children_doc = lit(&format!(
            " The `{}` rows that refer to each row by `{}`.",
            t.name, fk.columns[0]
        ));
        items.push(quote! {
            impl #child {
                #[doc = #parent_doc]
                pub fn #parent_fn() -> alembix::relations::Parent<#parent> {
                    alembix::relations::parent::<#parent>()
                }
            }
            impl #parent {
                #[doc = #children_doc]
                pub fn #children_fn() -> alembix::relations::Children<#child> {
                    alembix::relations::children::<#child>()
                }
            }
        });
        if parent != child {
            uses.push(parent.clone());
        }
    }
    (items, uses)
}
