//! `--tables GLOB` / `--exclude GLOB`: which tables are generated. A table
//! outside PostgreSQL's `public` schema is matched as `schema.table`.

use alembix_schema::Schema;
use glob::Pattern;

use super::CodegenError;

/// Compiled `--tables` and `--exclude` patterns.
#[derive(Debug, Clone, Default)]
pub struct TableFilter {
    include: Vec<Pattern>,
    exclude: Vec<Pattern>,
}

impl TableFilter {
    /// Compiles the patterns; a malformed one is an error naming it.
    ///
    /// ```
    /// use alembix_autogen::codegen::TableFilter;
    /// let f = TableFilter::new(&["shop_*".into()], &["*_old".into()]).unwrap();
    /// assert!(f.keeps("shop_orders") && !f.keeps("shop_orders_old") && !f.keeps("users"));
    /// assert!(TableFilter::new(&["[".into()], &[]).is_err());
    /// ```
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, CodegenError> {
        let compile = |globs: &[String]| -> Result<Vec<Pattern>, CodegenError> {
            globs
                .iter()
                .map(|g| {
                    if g.trim().is_empty() {
                        return Err(CodegenError::BadGlob {
                            pattern: g.clone(),
                            why: "it is empty".into(),
                        });
                    }
                    Pattern::new(g).map_err(|e| CodegenError::BadGlob {
                        pattern: g.clone(),
                        why: e.msg.to_string(),
                    })
                })
                .collect()
        };
        Ok(TableFilter {
            include: compile(include)?,
            exclude: compile(exclude)?,
        })
    }

    /// Whether table `name` is generated.
    pub fn keeps(&self, name: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|p| p.matches(name)))
            && !self.exclude.iter().any(|p| p.matches(name))
    }
}

/// `schema` with only the tables `filter` keeps (enums all stay); an error
/// when none is left.
pub fn select_tables(schema: &Schema, filter: &TableFilter) -> Result<Schema, CodegenError> {
    if schema.tables.is_empty() {
        return Err(CodegenError::NoTables(
            "the database holds no table: nothing to generate; create tables first, or point --database-url at the database to adopt".into(),
        ));
    }
    let mut out = schema.clone();
    out.tables.retain(|t| filter.keeps(&t.name));
    if out.tables.is_empty() {
        return Err(CodegenError::NoTables(
            "no table matches --tables/--exclude: nothing to generate; check the patterns (tables outside `public` are matched as `schema.table`)".into(),
        ));
    }
    Ok(out)
}
