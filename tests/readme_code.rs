//! The Rust code of the README's "Models" and "Queries" sections is code
//! that compiles and runs: every `rust` block there (other than
//! `rust,ignore` fragments) is, line for line, a region of
//! `examples/queries.rs` (between `// readme: <name>` and `// readme: end`,
//! indentation and `#[rustfmt::skip]` lines removed), and that example's `run` passes on PostgreSQL,
//! MariaDB and SQLite.

mod common;

#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../examples/queries.rs"]
mod queries;

use alembix::Db;

const README: &str = include_str!("../README.md");
const EXAMPLE: &str = include_str!("../examples/queries.rs");

/// The `rust` blocks (not `rust,ignore`) of the README sections whose
/// level-2 heading is one of `sections`, with their first line number.
fn readme_blocks(sections: &[&str]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_section = false;
    let mut block: Option<(usize, Vec<&str>)> = None;
    for (i, line) in README.lines().enumerate() {
        if let Some((start, lines)) = &mut block {
            if line.trim_end() == "```" {
                out.push((*start, lines.join("\n")));
                block = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        if let Some(h) = line.strip_prefix("## ") {
            in_section = sections.contains(&h.trim());
        } else if in_section && line.trim_end() == "```rust" {
            block = Some((i + 2, Vec::new()));
        }
    }
    out
}

/// The `// readme:` regions of the example, dedented.
fn example_regions() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in EXAMPLE.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("// readme: ") {
            if name == "end" {
                let (name, lines) = current.take().expect("`// readme: end` without a start");
                out.push((name, dedent(&lines)));
            } else {
                assert!(current.is_none(), "region `{name}` starts inside another");
                current = Some((name.to_string(), Vec::new()));
            }
        } else if let Some((_, lines)) = &mut current {
            // The example keeps rustfmt off the README's hand-aligned code.
            if t != "#[rustfmt::skip]" {
                lines.push(line);
            }
        }
    }
    assert!(current.is_none(), "a `// readme:` region is not closed");
    out
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn readme_query_code_is_the_example() {
    let blocks = readme_blocks(&["Models", "Queries"]);
    let regions = example_regions();
    assert!(
        blocks.len() >= 2,
        "the README's Models and Queries sections lost their code"
    );
    for (line, block) in &blocks {
        let block = dedent(&block.lines().collect::<Vec<_>>());
        assert!(
            regions.iter().any(|(_, r)| *r == block),
            "README.md:{line}: this rust block is not a `// readme:` region of examples/queries.rs \
             (copy it there, or the region here, so the README shows code that runs):\n{block}"
        );
    }
    for (name, region) in &regions {
        assert!(
            blocks
                .iter()
                .any(|(_, b)| dedent(&b.lines().collect::<Vec<_>>()) == *region),
            "examples/queries.rs: region `{name}` is not in the README's Models/Queries sections"
        );
    }
}

async fn readme_queries_run(db: Db) {
    queries::run(&db).await.expect("the README's queries run");
}

backend_tests!(readme_queries_run);
