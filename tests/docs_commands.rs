//! The commands the documentation shows are commands of the binary: every
//! line of a `sh`, `text` or `console` code block of README.md and docs/*.md
//! that starts with `alembix ` (after an optional `$ `) names a command
//! (and subcommand) that `alembix` has, and every `--long-flag` on the line
//! (and every `-x` short flag of the command itself) appears in that
//! command's `--help`. Commands joined with `&&`, `||`, `|` or `;` are each
//! checked; flags in a trailing `# comment` are checked against the line's
//! first command. Also: the documentation's links stay inside the
//! repository and point at files that exist, and its `alembix.toml`
//! snippets are configurations the binary accepts.

#[path = "common/cli.rs"]
mod cli;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cli::alembix_bin;

/// The repository root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every Markdown file of docs/.
fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("read docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The info strings of the blocks whose lines are shell commands or their
/// output.
const SHELL_BLOCKS: &[&str] = &["sh", "text", "console", "bash", "shell"];

/// `(1-based line, text)` of each line inside a shell block of `markdown`.
fn shell_lines(markdown: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fence: Option<(String, bool)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &fence {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let lang = info.split([',', ' ']).next().unwrap_or("").trim();
                    fence = Some(("```".into(), SHELL_BLOCKS.contains(&lang)));
                }
            }
            Some((marker, shell)) => {
                if trimmed.starts_with(marker.as_str()) && trimmed.trim_end() == marker {
                    fence = None;
                } else if *shell {
                    out.push((i + 1, line.to_string()));
                }
            }
        }
    }
    out
}

/// The command of a documentation line: the text after an optional `$ `,
/// when it starts with `alembix `.
fn command_of(line: &str) -> Option<&str> {
    let t = line.trim();
    let t = t.strip_prefix("$ ").unwrap_or(t).trim_start();
    (t.starts_with("alembix ") || t == "alembix").then_some(t)
}

/// `line` split at the first ` #` outside quotes: (code, comment).
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return (&line[..i], &line[i..]),
            None => {}
        }
        prev = c;
    }
    (line, "")
}

/// The shell words of `code` split into commands at `&&`, `||`, `|` and
/// `;` outside quotes (quotes removed; good enough for documentation).
fn commands(code: &str) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = code.chars().peekable();
    let end_word = |word: &mut String, in_word: &mut bool, out: &mut Vec<Vec<String>>| {
        if *in_word {
            out.last_mut().unwrap().push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    in_word = true;
                }
                '&' | '|' | ';' => {
                    end_word(&mut word, &mut in_word, &mut out);
                    if matches!(chars.peek(), Some('&') | Some('|')) {
                        chars.next();
                    }
                    out.push(Vec::new());
                }
                c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut out),
                c => {
                    word.push(c);
                    in_word = true;
                }
            },
        }
    }
    end_word(&mut word, &mut in_word, &mut out);
    out.retain(|c| !c.is_empty());
    out
}

/// Every `--long-flag` in free text (the part before any `=`).
fn long_flags_in(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < b.len() {
        let starts = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-');
        if starts && b[i] == b'-' && b[i + 1] == b'-' && b[i + 2].is_ascii_lowercase() {
            let mut j = i + 2;
            while j < b.len()
                && (b[j].is_ascii_lowercase() || b[j].is_ascii_digit() || b[j] == b'-')
            {
                j += 1;
            }
            out.push(text[i..j].trim_end_matches('-').to_string());
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// What `alembix ... --help` lists.
#[derive(Debug, Clone, Default)]
struct Help {
    long: BTreeSet<String>,
    short: BTreeSet<char>,
    subcommands: Vec<String>,
}

impl Help {
    /// The options of the option lines (`  -c, --config <CONFIG>   The ...`:
    /// the part before the description) and the subcommands of the
    /// `Commands:` section.
    fn parse(text: &str) -> Help {
        let mut help = Help::default();
        let mut in_commands = false;
        for line in text.lines() {
            if line.starts_with("Commands:") {
                in_commands = true;
                continue;
            }
            if in_commands {
                match line.split_whitespace().next() {
                    Some(name) if line.starts_with("  ") => help.subcommands.push(name.into()),
                    _ => in_commands = false,
                }
                continue;
            }
            let t = line.trim_start();
            if !t.starts_with('-') {
                continue;
            }
            let head = t.split("  ").next().unwrap_or(t);
            help.long.extend(long_flags_in(head));
            let b = head.as_bytes();
            if b.len() >= 2 && b[0] == b'-' && b[1].is_ascii_alphabetic() {
                help.short.insert(b[1] as char);
            }
        }
        help
    }
}

/// The binary's help, by command path, run once each.
#[derive(Default)]
struct Helps {
    cache: HashMap<Vec<String>, Option<Help>>,
}

impl Helps {
    /// `alembix PATH... --help`, or `None` when the binary refuses the path.
    fn get(&mut self, path: &[String]) -> Option<Help> {
        if let Some(h) = self.cache.get(path) {
            return h.clone();
        }
        let out = Command::new(alembix_bin())
            .args(path)
            .arg("--help")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run alembix --help");
        let help = out
            .status
            .success()
            .then(|| Help::parse(&String::from_utf8_lossy(&out.stdout)));
        self.cache.insert(path.to_vec(), help.clone());
        help
    }
}

/// The options every command takes, with a value.
const GLOBAL_WITH_VALUE: &[&str] = &["-c", "--config", "--database-url"];

/// The problems of one `alembix ...` command (its words, `alembix` first):
/// an unknown command or subcommand, or a flag its help does not list.
/// Returns the help of the command when it exists.
fn check_command(words: &[String], helps: &mut Helps, problems: &mut Vec<String>) -> Option<Help> {
    // Global options before the command.
    let mut i = 1;
    while i < words.len() && words[i].starts_with('-') {
        let w = words[i].as_str();
        let name = w.split('=').next().unwrap_or(w);
        if GLOBAL_WITH_VALUE.contains(&name) {
            i += if w.contains('=') { 1 } else { 2 };
        } else {
            i += 1;
        }
    }
    let Some(command) = words.get(i) else {
        return helps.get(&[]);
    };
    let mut path = vec![command.clone()];
    let mut rest = &words[i + 1..];
    if command == "help" {
        // `alembix help targets`: the help of the command named.
        path = rest
            .iter()
            .take_while(|w| !w.starts_with('-'))
            .cloned()
            .collect();
        rest = &[];
    }
    let Some(mut help) = helps.get(&path) else {
        problems.push(format!("`alembix {}` is no command", path.join(" ")));
        return None;
    };
    // A command with subcommands (`database create`): the next word names one.
    while !help.subcommands.is_empty() {
        let Some(pos) = rest.iter().position(|w| !w.starts_with('-')) else {
            break;
        };
        let sub = rest[pos].clone();
        if !help.subcommands.contains(&sub) {
            problems.push(format!(
                "`alembix {} {sub}`: no such subcommand (there are {})",
                path.join(" "),
                help.subcommands.join(", ")
            ));
            return None;
        }
        path.push(sub);
        rest = &rest[pos + 1..];
        help = helps.get(&path)?;
    }
    for w in &words[1..] {
        for flag in long_flags_in(w).into_iter().take(1) {
            if w.starts_with("--") && !help.long.contains(&flag) {
                problems.push(format!("`alembix {}` has no option {flag}", path.join(" ")));
            }
        }
        // `-v`, `-y`: one lowercase letter (`-1`, `-N` are targets).
        let b = w.as_bytes();
        if b.len() == 2
            && b[0] == b'-'
            && b[1].is_ascii_lowercase()
            && !help.short.contains(&(b[1] as char))
        {
            problems.push(format!("`alembix {}` has no option {w}", path.join(" ")));
        }
    }
    Some(help)
}

/// The problems of one documentation line (empty: it is true).
fn check_line(line: &str, helps: &mut Helps) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(text) = command_of(line) else {
        return problems;
    };
    let (code, comment) = split_comment(text);
    let mut first: Option<(Vec<String>, Help)> = None;
    for words in commands(code) {
        if words.first().map(String::as_str) != Some("alembix") {
            continue;
        }
        let help = check_command(&words, helps, &mut problems);
        if first.is_none()
            && let Some(h) = help
        {
            first = Some((words, h));
        }
    }
    if let Some((words, help)) = first {
        for flag in long_flags_in(comment) {
            if !help.long.contains(&flag) {
                problems.push(format!(
                    "the comment names {flag}, which `{}` does not take",
                    words[..2.min(words.len())].join(" ")
                ));
            }
        }
    }
    problems
}

#[test]
fn every_documented_command_and_flag_exists() {
    let mut helps = Helps::default();
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in doc_files() {
        let text = std::fs::read_to_string(&file).expect("read a doc file");
        let shown = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        for (n, line) in shell_lines(&text) {
            if command_of(&line).is_none() {
                continue;
            }
            checked += 1;
            for p in check_line(&line, &mut helps) {
                problems.push(format!("{shown}:{n}: {p}\n    {}", line.trim()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "commands in the documentation that the binary does not have:\n{}",
        problems.join("\n")
    );
    // The guides and the README show many commands: finding few means the
    // scan broke, not that the documentation is right.
    assert!(checked >= 60, "only {checked} command lines found");
}

/// The matcher itself: a made-up flag, a prefix of a real flag, an unknown
/// command or subcommand and a wrong flag in a comment are rejected; real
/// lines pass.
#[test]
fn the_matcher_rejects_what_does_not_exist() {
    let mut helps = Helps::default();
    for bad in [
        "alembix upgrade --no-such-flag",
        "$ alembix upgrade --sq",
        "alembix upgrade --sql --purge",
        "alembix upgrad head",
        "alembix database truncate",
        "alembix database drop --sql",
        "alembix upgrade -v",
        "alembix check  # --format json lists the findings",
        "alembix upgrade && alembix check --verbose",
        "alembix --database-url postgres://localhost/app history --graphs",
        "alembix help no-such-command",
    ] {
        assert!(
            !check_line(bad, &mut helps).is_empty(),
            "{bad} was accepted"
        );
    }
    for good in [
        "alembix upgrade --sql",
        "$ alembix upgrade 1a2b:3f2a --sql    # offline script",
        "alembix downgrade -1",
        "alembix --database-url postgres://localhost/app lint --format json",
        "alembix -c other.toml current --check-heads -v",
        "alembix database drop -y",
        "alembix help targets",
        "alembix history --graph -i",
        "alembix autogen -m \"a message with --dashes in it\" --head billing@head",
        "alembix upgrade && alembix check",
        "alembix erd --format dot | dot -Tsvg > erd.svg",
        "alembix upgrade   # to head; --sql prints the script instead",
        "not a command: alembix upgrade --no-such-flag",
    ] {
        assert_eq!(check_line(good, &mut helps), Vec::<String>::new(), "{good}");
    }
}

/// Only lines of shell blocks count, and a fence closes its block.
#[test]
fn only_shell_blocks_are_read() {
    let md = "alembix upgrade --no\n```rust\nalembix upgrade --no\n```\n```sh\nalembix upgrade --sql\n```\n```console\n$ alembix check\n```\n```toml\nalembix = 1\n```\n";
    let lines: Vec<String> = shell_lines(md).into_iter().map(|(_, l)| l).collect();
    assert_eq!(lines, ["alembix upgrade --sql", "$ alembix check"]);
}

/// Markdown links (outside code) of `text`: their targets.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        // Drop inline code spans.
        let plain: String = line
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join(" ");
        let mut rest = plain.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

/// The README and the guides send readers to files of the repository only,
/// and every file they link exists.
#[test]
fn links_stay_in_the_repository() {
    let mut problems = Vec::new();
    for file in doc_files() {
        let text = std::fs::read_to_string(&file).expect("read a doc file");
        let dir = file.parent().expect("a doc file has a directory");
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                problems.push(format!("{}: links outside: {target}", file.display()));
                continue;
            }
            let path = target.split('#').next().unwrap_or("");
            if !path.is_empty() && !dir.join(path).exists() {
                problems.push(format!("{}: no such file: {target}", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The `toml` code blocks of README.md and docs/*.md that are
/// `alembix.toml` snippets (not Cargo manifests): `(file, 1-based line,
/// text)`.
fn config_snippets() -> Vec<(PathBuf, usize, String)> {
    let mut out = Vec::new();
    for file in doc_files() {
        let text = std::fs::read_to_string(&file).expect("read a doc file");
        let mut block: Option<(usize, String)> = None;
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            match block.take() {
                None if t.starts_with("```toml") => block = Some((i + 1, String::new())),
                None => {}
                Some((start, body)) if t.starts_with("```") => {
                    let cargo = body
                        .lines()
                        .any(|l| l.starts_with("alembix =") || l.starts_with("[dependencies]"));
                    if !cargo {
                        out.push((file.clone(), start, body));
                    }
                }
                Some((start, mut body)) => {
                    body.push_str(t);
                    body.push('\n');
                    block = Some((start, body));
                }
            }
        }
    }
    out
}

/// The quoted strings of the config line that sets `key` (`migrations`,
/// `version_locations`): the directories a snippet names.
fn dirs_named(snippet: &str, key: &str) -> Vec<String> {
    snippet
        .lines()
        .filter(|l| l.split('=').next().is_some_and(|k| k.trim() == key))
        .flat_map(|l| {
            let value = l.split_once('=').map_or("", |(_, v)| v);
            let value = value.split('#').next().unwrap_or(value);
            value
                .split('"')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, s)| s.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every `alembix.toml` snippet of the guides is a configuration the binary
/// accepts: no misspelt key, no bad duration, no unknown lint rule.
#[test]
fn config_snippets_are_accepted() {
    let snippets = config_snippets();
    assert!(
        snippets.len() >= 5,
        "only {} config snippets found",
        snippets.len()
    );
    let mut problems = Vec::new();
    for (file, line, body) in snippets {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut dirs = dirs_named(&body, "migrations");
        dirs.extend(dirs_named(&body, "version_locations"));
        if dirs_named(&body, "migrations").is_empty() {
            dirs.push("migrations".into());
        }
        for d in dirs {
            std::fs::create_dir_all(dir.path().join(d)).expect("create a script directory");
        }
        let config = dir.path().join("alembix.toml");
        std::fs::write(&config, &body).expect("write alembix.toml");
        let out = Command::new(alembix_bin())
            .arg("-c")
            .arg(&config)
            .arg("heads")
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .output()
            .expect("run alembix heads");
        if !out.status.success() {
            problems.push(format!(
                "{}:{line}: {}",
                file.strip_prefix(root()).unwrap_or(&file).display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
