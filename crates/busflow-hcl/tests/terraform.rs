//! The reader's verdict (parses or not) against `terraform fmt -`, which
//! parses with hclsyntax and needs no providers: on HCL's spec suite, the
//! reference modules of `examples/infra` and generated HCL (heredocs of both
//! kinds inside conditionals, parentheses, lists and calls, template
//! directives, `for` expressions, splats, `optional()` types), with
//! mutations that break the syntax beside them so both verdicts are met.
//! terraform must be on PATH: the test fails, it never skips.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use busflow_hcl::TfFile;

/// terraform's verdict: exit 0 is a file it parses, exit 2 one it refuses.
fn terraform_accepts(text: &str) -> bool {
    let mut child = Command::new("terraform")
        .args(["fmt", "-no-color", "-"])
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("terraform is not on PATH (these differential tests need terraform 1.11 or later)");
    let mut stdin = child.stdin.take().expect("stdin");
    // A refused file may be answered before it is read whole.
    let _ = stdin.write_all(text.as_bytes());
    drop(stdin);
    let out = child.wait_with_output().expect("terraform fmt");
    match out.status.code() {
        Some(0) => true,
        Some(2) => false,
        other => panic!(
            "terraform fmt ended with {other:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

fn reader_accepts(text: &str) -> Result<(), String> {
    match TfFile::parse(Path::new("x.tf"), text.to_owned()) {
        (_, None) => Ok(()),
        (_, Some(e)) => Err(format!("{}:{}: {}", e.pos.line, e.pos.column, e.message)),
    }
}

/// Runs every case through both on two threads; panics listing each
/// disagreement with its text.
fn agree(cases: &[(String, String)]) -> (usize, usize) {
    let verdicts: Vec<(bool, Result<(), String>)> = std::thread::scope(|s| {
        let half = cases.len().div_ceil(2);
        let parts: Vec<_> = cases
            .chunks(half.max(1))
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|(_, text)| (terraform_accepts(text), reader_accepts(text)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    let mut differ = String::new();
    let (mut accepted, mut refused) = (0, 0);
    for ((name, text), (tf, ours)) in cases.iter().zip(&verdicts) {
        match (tf, ours) {
            (true, Ok(())) => accepted += 1,
            (false, Err(_)) => refused += 1,
            (true, Err(e)) => {
                let _ = write!(
                    differ,
                    "\n--- {name}: terraform parses it, the reader refuses it ({e}):\n{text}"
                );
            }
            (false, Ok(())) => {
                let _ = write!(
                    differ,
                    "\n--- {name}: terraform refuses it, the reader parses it:\n{text}"
                );
            }
        }
    }
    assert!(differ.is_empty(), "verdicts differ:{differ}");
    (accepted, refused)
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn read_cases(root: &Path, ext: &str) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    files_under(root, ext, &mut paths);
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no .{ext} files under {}",
        root.display()
    );
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read");
            (p.display().to_string(), text)
        })
        .collect()
}

#[test]
fn swarmx_001_the_reader_agrees_with_terraform_on_hcls_spec_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata/hcl-specsuite");
    let cases = read_cases(&root, "hcl");
    let (accepted, refused) = agree(&cases);
    println!("hcl-specsuite: {accepted} parsed by both, {refused} refused by both");
    assert!(refused > 0, "the suite holds files with syntax errors");
}

#[test]
fn swarmx_001_the_reader_agrees_with_terraform_on_the_reference_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/infra/terraform");
    let cases = read_cases(&root, "tf");
    let (accepted, _) = agree(&cases);
    assert_eq!(accepted, cases.len(), "the reference modules parse");
    println!("reference modules: {accepted} files parsed by both");
}

#[test]
fn swarmx_001_heredocs_in_conditionals_and_parentheses_parse_as_terraform_reads_them() {
    // The reproducer: an empty heredoc closed by an indented marker,
    // then a heredoc in parentheses with the conditional going on after it.
    let text = "locals {\n  b = var.y != \"\" ? var.y : <<EOT\n  EOT\n  a = (local.z ? <<EOT\nhello\nEOT\n  : \"\")\n}\n";
    assert_eq!(reader_accepts(text), Ok(()));
    // What terraform refuses: a marker glued to more text, a marker at the
    // end of the input without a line ending, an expression going on after
    // the newline that follows a bracketed term.
    let refused = [
        "a = <<EOT\nhello\nEOT)\n",
        "a = [<<EOT\nhello\nEOT]\n",
        "a = <<EOT\nhello\nEOT",
        // After a call or a list a newline ends the expression again.
        "a = f(1)\n  + 2\n",
        "a = length(var.l) > 0 ? <<EOF\nhello\nEOF  \n : [1]\n",
    ];
    for text in refused {
        assert!(reader_accepts(text).is_err(), "{text:?} is refused");
    }
    let cases: Vec<_> = std::iter::once(text)
        .chain(refused)
        .enumerate()
        .map(|(k, t)| (format!("case {k}"), t.to_owned()))
        .collect();
    agree(&cases);
}

#[test]
fn swarmx_001_the_reader_agrees_with_terraform_on_generated_hcl() {
    let mut g = Gen {
        state: 0x5eed_b05f_1a7e,
    };
    let cases: Vec<(String, String)> = (0..600)
        .map(|k| {
            let mut text = g.document();
            let mutated = g.below(4) == 0;
            if mutated {
                g.mutate(&mut text);
            }
            (
                format!("generated {k}{}", if mutated { " (mutated)" } else { "" }),
                text,
            )
        })
        .collect();
    let (accepted, refused) = agree(&cases);
    println!("generated: {accepted} parsed by both, {refused} refused by both");
    assert!(
        accepted > 300 && refused > 50,
        "both verdicts are exercised"
    );
}

/// A small deterministic generator of Terraform-shaped HCL.
struct Gen {
    state: u64,
}

impl Gen {
    /// `SplitMix64`.
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).expect("index")]
    }

    fn document(&mut self) -> String {
        let mut out = String::new();
        for _ in 0..=self.below(3) {
            match self.below(4) {
                0 => {
                    let name = self.pick(&["a", "b", "c"]);
                    let value = self.expr(2);
                    let _ = writeln!(out, "{name} = {value}");
                }
                1 => {
                    out.push_str("variable \"v\" {\n  type = ");
                    out.push_str(self.pick(&[
                        "object({\n    a = optional(string)\n    b = optional(number, 1)\n  })",
                        "list(map(string))",
                        "map(object({ name = string, tags = optional(list(string), []) }))",
                        "string",
                    ]));
                    let default = self.expr(1);
                    let _ = writeln!(out, "\n  default = {default}\n}}");
                }
                _ => {
                    out.push_str("locals {\n");
                    for _ in 0..=self.below(3) {
                        let name = self.pick(&["x", "y", "z"]);
                        let value = self.expr(3);
                        let _ = writeln!(out, "  {name} = {value}");
                    }
                    out.push_str("}\n");
                }
            }
        }
        out
    }

    fn expr(&mut self, depth: u32) -> String {
        if depth == 0 {
            return self.leaf();
        }
        let d = depth - 1;
        match self.below(12) {
            0 | 1 => self.heredoc(),
            2 => format!("{} ? {} : {}", self.cond(), self.expr(d), self.expr(d)),
            3 => format!("({} ? {}\n  : {})", self.cond(), self.expr(d), self.expr(d)),
            4 => format!("({})", self.expr(d)),
            5 => format!("[{}, {}]", self.expr(d), self.expr(d)),
            6 => format!(
                "{{\n    k = {}\n    \"q\" = {}\n  }}",
                self.expr(d),
                self.expr(d)
            ),
            7 => format!(
                "{}({}, {})",
                self.pick(&["coalesce", "join", "format", "provider::p::f"]),
                self.expr(d),
                self.expr(d)
            ),
            8 => format!("[for s in {} : upper(s) if s != \"\"]", self.expr(d)),
            9 => format!("{{ for k, v in {} : k => v... }}", self.expr(d)),
            10 => format!("{} != \"\"", self.expr(d)),
            _ => self.leaf(),
        }
    }

    fn cond(&mut self) -> String {
        self.pick(&[
            "var.c",
            "local.z",
            "var.y != \"\"",
            "!var.c",
            "length(var.l) > 0",
        ])
        .to_owned()
    }

    fn leaf(&mut self) -> String {
        self.pick(&[
            "1",
            "-2.5e3",
            "true",
            "null",
            "\"plain\"",
            "\"a ${var.x} b\"",
            "\"%{ if var.c }yes%{ else }no%{ endif }\"",
            "\"%{ for s in var.l }${s},%{ endfor }\"",
            "\"$${literal} %%{literal}\"",
            "var.y",
            "local.z",
            "aws_instance.a[*].id",
            "aws_instance.a.*.id",
            "var.m[\"k\"][0]",
            "tolist(var.l)[0]",
        ])
        .to_owned()
    }

    /// A heredoc and the line ending after its marker (the caller goes on
    /// with the next token, on the next line, as hclsyntax expects).
    fn heredoc(&mut self) -> String {
        let marker = self.pick(&["EOT", "EOF", "END_OF_TEXT"]);
        let dash = if self.below(2) == 0 { "-" } else { "" };
        let mut out = format!("<<{dash}{marker}\n");
        for _ in 0..self.below(4) {
            let line = match self.below(8) {
                0 => format!("{marker} is not alone on this line"),
                1 => format!("{marker}X"),
                2 => "${var.x} and %{ if var.c }y%{ endif }".to_owned(),
                3 => "%{ for s in var.l }\n  ${s}\n%{ endfor }".to_owned(),
                4 => String::new(),
                5 => "  indented text".to_owned(),
                6 => format!("  text then {marker}"),
                _ => "hello, world".to_owned(),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(self.pick(&["", "  ", "    ", "\t"]));
        out.push_str(marker);
        out.push_str(self.pick(&["", "", "  "]));
        out.push('\n');
        out
    }

    /// Breaks or bends the text: drops a closing bracket or quote, glues
    /// text to a closing marker, ends the input without a line ending, or
    /// adds a stray token.
    fn mutate(&mut self, text: &mut String) {
        match self.below(5) {
            0 | 1 => {
                let closers: Vec<usize> = text
                    .char_indices()
                    .filter(|(_, c)| matches!(c, '}' | ')' | ']' | '"'))
                    .map(|(i, _)| i)
                    .collect();
                if !closers.is_empty() {
                    let at =
                        closers[usize::try_from(self.below(closers.len() as u64)).expect("index")];
                    text.remove(at);
                }
            }
            2 => {
                // `EOT` + `)` on the closing line, if there is one.
                for marker in ["EOT\n", "EOF\n", "END_OF_TEXT\n"] {
                    if let Some(at) = text.rfind(marker) {
                        text.insert(at + marker.len() - 1, ')');
                        break;
                    }
                }
            }
            3 => {
                while text.ends_with('\n') || text.ends_with(' ') {
                    text.pop();
                }
            }
            _ => {
                let at = text.find('\n').unwrap_or(text.len());
                text.insert_str(at, self.pick(&[" +", " ?", " = 1", " ]"]));
            }
        }
    }
}
