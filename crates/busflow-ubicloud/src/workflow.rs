//! UBI-CUT-007: production Terraform applies run under the workflow
//! concurrency group `terraform-prod` with `cancel-in-progress: false`, so
//! two pipelines never write the remote state at once and a queued apply
//! never kills a running one.

use crate::Rule;
use crate::catalog::UBI_CUT_007;
use std::path::Path;

use busflow_yaml::Node;

use crate::Finding;

const RULE: &Rule = &UBI_CUT_007;
const HELP: &str = "add `concurrency: { group: terraform-prod, cancel-in-progress: false }` to the workflow (or to the job that applies)";

fn pos(n: &Node) -> busflow_hcl::Pos {
    busflow_hcl::Pos {
        line: n.pos.line,
        column: n.pos.column,
    }
}

/// Whether a `concurrency` value is the right one.
fn guarded(c: &Node) -> Result<(), String> {
    let group = c.as_str().or_else(|| c.get("group").and_then(Node::as_str));
    if group != Some("terraform-prod") {
        return Err(format!(
            "the concurrency group is {}, not `terraform-prod`",
            group.map_or("missing".into(), |g| format!("`{g}`"))
        ));
    }
    match c.get("cancel-in-progress").and_then(Node::as_str) {
        Some("false") => Ok(()),
        Some(other) => Err(format!(
            "`cancel-in-progress` is `{other}`: a new run would kill an apply holding the state lock"
        )),
        // A bare string group, or no key: GitHub's default is false, but the clause wants it written.
        None => Err("`cancel-in-progress: false` is not written".into()),
    }
}

/// Checks a GitHub Actions workflow that runs a production `terraform
/// apply`; other workflows give nothing. A file that is not YAML gives one
/// finding at the syntax error.
pub fn check_workflow(path: &Path, text: &str) -> Vec<Finding> {
    let applies = text.contains("terraform apply")
        || text.contains("terraform -chdir") && text.contains(" apply");
    if !applies || !text.contains("production") {
        return Vec::new();
    }
    let docs = match busflow_yaml::parse(text) {
        Ok(d) => d,
        Err(e) => {
            return vec![
                Finding::new(
                    RULE,
                    path,
                    busflow_hcl::Pos {
                        line: e.pos.line,
                        column: e.pos.column,
                    },
                    format!("the workflow is not YAML: {}", e.message),
                )
                .with_help(HELP),
            ];
        }
    };
    let Some(root) = docs.first() else {
        return Vec::new();
    };
    if let Some(c) = root.get("concurrency") {
        return guarded(c)
            .err()
            .map(|why| Finding::new(RULE, path, pos(c), why).with_help(HELP))
            .into_iter()
            .collect();
    }
    // Otherwise every job that applies must carry it.
    let mut out = Vec::new();
    for (name, job) in root.get("jobs").and_then(Node::as_map).unwrap_or_default() {
        let steps_apply = job
            .get("steps")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.get("run").and_then(Node::as_str))
            .any(|run| run.contains("terraform") && run.contains("apply"));
        if !steps_apply {
            continue;
        }
        match job.get("concurrency") {
            Some(c) => out.extend(
                guarded(c)
                    .err()
                    .map(|why| Finding::new(RULE, path, pos(c), why).with_help(HELP)),
            ),
            None => out.push(
                Finding::new(
                    RULE,
                    path,
                    pos(name),
                    format!(
                        "job `{}` applies Terraform without a concurrency group",
                        name.as_str().unwrap_or_default()
                    ),
                )
                .with_help(HELP),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "name: terraform-production\non:\n  workflow_dispatch:\nconcurrency:\n  group: terraform-prod\n  cancel-in-progress: false\njobs:\n  apply:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: terraform -chdir=terraform/environments/production apply -auto-approve\n";

    #[test]
    fn ubi_cut_007_the_workflow_group_holds_and_its_absence_is_found_at_the_job() {
        let p = Path::new(".github/workflows/terraform-production.yml");
        assert!(check_workflow(p, GOOD).is_empty());
        let cancelling = GOOD.replace("cancel-in-progress: false", "cancel-in-progress: true");
        let f = check_workflow(p, &cancelling);
        assert_eq!(
            (f.len(), f[0].rule_id, f[0].start.line),
            (1, "UBI-CUT-007", 5)
        );
        assert!(f[0].message.contains("kill an apply"));
        let none = GOOD.replace(
            "concurrency:\n  group: terraform-prod\n  cancel-in-progress: false\n",
            "",
        );
        let f = check_workflow(p, &none);
        assert_eq!((f.len(), f[0].start.line), (1, 5), "{f:#?}");
        assert!(f[0].message.contains("job `apply`"));
        let other = GOOD.replace("terraform-prod", "tf");
        assert!(
            check_workflow(p, &other)[0]
                .message
                .contains("not `terraform-prod`")
        );
        // A workflow that does not apply to production is not this clause's.
        assert!(
            check_workflow(
                p,
                "on: push\njobs:\n  test:\n    steps:\n      - run: cargo test\n"
            )
            .is_empty()
        );
    }
}
