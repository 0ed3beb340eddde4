//! One item of a `sql_objects!` block and its checks.

use proc_macro2::{Span, TokenTree};
use syn::parse::ParseStream;
use syn::{Ident, LitStr, Token};

use alembix_schema::{Dialect, ObjectKind, SqlObject};

use super::sequence::{SEQUENCE_OPTIONS, sequence_option};

/// `kind "name" (options)? (on "table")? (= "definition")? ;`
pub(super) fn parse_item(input: ParseStream) -> syn::Result<(SqlObject, Span)> {
    let kind = parse_kind(input)?;
    let name: LitStr = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("expected the {kind}'s name as a string literal"),
        )
    })?;
    let span = name.span();
    let mut object = SqlObject::new(kind, name.value(), "");
    let mut sequence = Vec::new();
    if input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        while !content.is_empty() {
            option(&content, &mut object, &mut sequence)?;
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
        }
    }
    if input.peek(Ident) && input.fork().parse::<Ident>()? == "on" {
        input.parse::<Ident>()?;
        let table: LitStr = input.parse()?;
        object.table = Some(table.value());
    }
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        let def: LitStr = input.parse().map_err(|e| {
            syn::Error::new(e.span(), "expected the definition as a string literal")
        })?;
        object.definition = def.value();
    }
    if kind == ObjectKind::Sequence {
        if !object.definition.is_empty() {
            return Err(syn::Error::new(
                span,
                "a sequence takes options, not `= \"...\"`: `sequence \"name\" (start = 1000)`",
            ));
        }
        object.definition = super::sequence_definition(&sequence);
    }
    if !input.is_empty() {
        input.parse::<Token![;]>()?;
    }
    Ok((object, span))
}

fn parse_kind(input: ParseStream) -> syn::Result<ObjectKind> {
    let word: Ident = input.parse()?;
    let kind = match word.to_string().as_str() {
        "extension" => ObjectKind::Extension,
        "sequence" => ObjectKind::Sequence,
        "view" => ObjectKind::View,
        "function" => ObjectKind::Function,
        "procedure" => ObjectKind::Procedure,
        "trigger" => ObjectKind::Trigger,
        "materialized" => {
            let next: Ident = input.parse()?;
            if next != "view" {
                return Err(syn::Error::new(next.span(), "expected `materialized view`"));
            }
            ObjectKind::MaterializedView
        }
        other => {
            return Err(syn::Error::new(
                word.span(),
                format!(
                    "unknown object kind `{other}`: expected extension, sequence, view, materialized view, function, procedure or trigger"
                ),
            ));
        }
    };
    Ok(kind)
}

/// `key = value` inside the parentheses.
fn option(
    content: ParseStream,
    object: &mut SqlObject,
    sequence: &mut Vec<(String, String)>,
) -> syn::Result<()> {
    let key: Ident = content.call(syn::ext::IdentExt::parse_any)?;
    content.parse::<Token![=]>()?;
    let k = key.to_string();
    match k.as_str() {
        "renamed_from" => {
            if object.kind == ObjectKind::Extension {
                return Err(syn::Error::new(
                    key.span(),
                    "an extension cannot be renamed",
                ));
            }
            object.renamed_from.push(content.parse::<LitStr>()?.value());
        }
        "backend" => {
            let lit: LitStr = content.parse()?;
            let d: Dialect = lit
                .value()
                .parse()
                .map_err(|e: String| syn::Error::new(lit.span(), e))?;
            object.backend = Some(d);
        }
        _ if SEQUENCE_OPTIONS.contains(&k.as_str()) => {
            if object.kind != ObjectKind::Sequence {
                return Err(syn::Error::new(
                    key.span(),
                    format!("`{k}` applies to sequences only"),
                ));
            }
            sequence.push((k.clone(), sequence_option(&k, content)?));
        }
        _ => {
            return Err(syn::Error::new(
                key.span(),
                format!(
                    "unknown option `{k}`: expected renamed_from, backend or (sequences) {}",
                    SEQUENCE_OPTIONS.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// After an error: the tokens up to and including the next `;`.
pub(super) fn skip_to_semicolon(input: ParseStream) -> syn::Result<()> {
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            rest = next;
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ';') {
                break;
            }
        }
        Ok(((), rest))
    })
}

/// What is wrong with a parsed object (every mistake).
pub(super) fn check(o: &SqlObject, span: Span) -> Result<(), Vec<syn::Error>> {
    let mut errors = Vec::new();
    let mut err = |m: String| errors.push(syn::Error::new(span, m));
    let (kind, name) = (o.kind, &o.name);
    if name.trim().is_empty() {
        err(format!("the {kind}'s name is empty"));
    }
    let def = o.definition.trim();
    let words: Vec<String> = def
        .split_whitespace()
        .take(6)
        .map(str::to_uppercase)
        .collect();
    let creates = words.first().is_some_and(|w| w == "CREATE");
    match kind {
        ObjectKind::View | ObjectKind::MaterializedView if def.is_empty() => err(format!(
            "{kind} \"{name}\" needs its query: `{kind} \"{name}\" = \"SELECT ...\"`"
        )),
        ObjectKind::View | ObjectKind::MaterializedView if creates => err(format!(
            "{kind} \"{name}\": give the query only (`= \"SELECT ...\"`), not a CREATE statement"
        )),
        ObjectKind::Function | ObjectKind::Procedure | ObjectKind::Trigger => {
            let keyword = kind.sql_keyword();
            if def.is_empty() {
                err(format!(
                    "{kind} \"{name}\" needs its definition: `{kind} \"{name}\" = \"CREATE {keyword} ...\"`"
                ));
            } else if !creates || !words.iter().any(|w| w == keyword) {
                err(format!(
                    "{kind} \"{name}\": the definition must be a `CREATE {keyword}` statement"
                ));
            }
        }
        ObjectKind::Extension if !def.is_empty() => {
            err(format!("extension \"{name}\" takes no definition"))
        }
        _ => {}
    }
    match (kind, &o.table) {
        (ObjectKind::Trigger, None) => err(format!(
            "trigger \"{name}\" needs its table: `trigger \"{name}\" on \"table\" = \"CREATE TRIGGER ...\"`"
        )),
        (k, Some(_)) if k != ObjectKind::Trigger => {
            err("`on \"table\"` applies to triggers only".to_string())
        }
        _ => {}
    }
    if let Some(d) = o.backend
        && !d.caps().object_kinds.contains(&kind)
    {
        err(format!("{} has no {kind}s", d.caps().title));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
