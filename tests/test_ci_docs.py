"""docs/ci.md works as written: its GitHub Actions workflows' `run:` steps, executed as
bash scripts in a scratch clone on a pull-request branch, and its pre-commit hooks
(the shipped `.pre-commit-hooks.yaml` through `pre-commit try-repo`, the local
variant through a real `git commit`).

A workflow step that `uses:` an action (checkout, setup-python, upload) and the
step with `id: install` are skipped: the scratch clone is the checkout, and
failspec is installed in this test's environment.  Steps run like GitHub's
`bash` shell (`bash --noprofile --norc -eo pipefail`), with `CI=true`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
import yaml
from test_diff import WITH_SECONDARY, WITHOUT_SECONDARY, git

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "ci.md"
SCHEMAS = REPO / "tests" / "schemas"
EXAMPLE = REPO / "models" / "examples" / "atm-network.fspec"
SPOF = "the change adds a single point of failure: nw_card_a.crash"


def yaml_blocks() -> list[Any]:
    text = DOC.read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)]


def workflows() -> list[dict[str, Any]]:
    return [b for b in yaml_blocks() if isinstance(b, dict) and "jobs" in b]


def environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["CI"] = "true"
    env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "summary.md")
    env.pop("FAILSPEC_DEBUG", None)
    return env


def expand(text: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in values, f"the test does not know ${{{{ {expression} }}}}"
        return values[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def run_job(
    workflow: dict[str, Any], job: str, cwd: Path, env: dict[str, str], values: dict[str, str]
) -> dict[str, int]:
    """Run a job's `run:` steps in `cwd`; return each step's exit code by name."""
    codes = {}
    job_env = {**env, **{k: expand(str(v), values) for k, v in workflow.get("env", {}).items()}}
    for step in workflow["jobs"][job]["steps"]:
        if "uses" in step or step.get("id") == "install":
            continue
        step_env = {
            **job_env,
            **{k: expand(str(v), values) for k, v in step.get("env", {}).items()},
        }
        script = expand(step["run"], values)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        codes[step["name"]] = done.returncode
        assert "Traceback" not in done.stderr, done.stderr
    return codes


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A clone of an `origin` whose main has the redundant NW pair and a baseline, on a
    branch whose commit removes the secondary card."""
    origin = tmp_path / "origin"
    (origin / "models").mkdir(parents=True)
    git(origin, "init", "-q", "-b", "main")
    (origin / "models" / "bank.fspec").write_text(WITH_SECONDARY, encoding="utf-8")
    (origin / "models" / "atm.fspec").write_text(EXAMPLE.read_text("utf-8"), encoding="utf-8")
    # The example's flap violation is known and accepted.
    subprocess.run(
        [sys.executable, "-m", "failspec", "check", "models/bank.fspec", "models/atm.fspec"]
        + ["--write-baseline", "failspec-baseline.json", "--quiet"],
        cwd=origin,
        check=True,
        capture_output=True,
    )
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "models")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    git(work, "checkout", "-q", "-b", "save-a-card")
    (work / "models" / "bank.fspec").write_text(WITHOUT_SECONDARY, encoding="utf-8")
    git(work, "commit", "-q", "-am", "save a network card")
    return work


def test_the_docs_show_two_workflows_and_two_pre_commit_configs() -> None:
    assert [w["name"] for w in workflows()] == ["failspec", "failspec (sharded)"]
    configs = [b for b in yaml_blocks() if isinstance(b, dict) and "repos" in b]
    assert len(configs) == 2


def test_the_pull_request_workflow_fails_on_the_new_single_point_of_failure(
    pull_request: Path, tmp_path: Path
) -> None:
    workflow = workflows()[0]
    env = environment(tmp_path)
    codes = run_job(workflow, "failspec", pull_request, env, {"github.base_ref": "main"})
    assert codes == {"Check every model": 1, "What this change does to safety": 1}
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## failspec diff\n")
    assert SPOF in summary
    xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd")).validate(
        str(pull_request / "failspec-junit.xml")
    )
    junit = (pull_request / "failspec-junit.xml").read_text(encoding="utf-8")
    assert junit.count("<failure") == 1 and junit.count("<skipped") == 1  # new vs accepted
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads((pull_request / "failspec.sarif").read_text("utf-8")), schema)

    # The same workflow on main itself: nothing new is violated, nothing changed.
    git(pull_request, "checkout", "-q", "main")
    (tmp_path / "summary.md").unlink()
    codes = run_job(workflow, "failspec", pull_request, env, {"github.base_ref": "main"})
    assert codes == {"Check every model": 0, "What this change does to safety": 0}
    assert "No model file changed." in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_the_sharded_workflow_merges_into_the_whole_run(pull_request: Path, tmp_path: Path) -> None:
    workflow = workflows()[1]
    env = environment(tmp_path)
    matrix = workflow["jobs"]["check"]["strategy"]["matrix"]["shard"]
    assert matrix == [1, 2, 3]
    for shard in matrix:
        codes = run_job(workflow, "check", pull_request, env, {"matrix.shard": str(shard)})
        assert codes == {"Check one shard": 0}
    codes = run_job(workflow, "report", pull_request, env, {})
    assert codes == {"Merge the shards": 1}
    merged = json.loads((pull_request / "failspec-report.json").read_text(encoding="utf-8"))
    whole = subprocess.run(
        ["failspec", "check", "models/atm.fspec", "models/bank.fspec", "--format", "json"],
        cwd=pull_request,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    expected = json.loads(whole.stdout)
    for document in (merged, expected):
        for result in document["results"]:
            result["seconds"] = 0
    assert merged == expected
    xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd")).validate(
        str(pull_request / "failspec-junit.xml")
    )


def test_the_shipped_hooks_through_pre_commit_try_repo(pull_request: Path, tmp_path: Path) -> None:
    # Undo the branch's commit but keep its change staged: what a commit would check.
    git(pull_request, "reset", "-q", "--soft", "HEAD~1")
    env = environment(tmp_path)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    done = subprocess.run(
        ["pre-commit", "try-repo", str(REPO), "--files", "models/bank.fspec"],
        cwd=pull_request,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(r"^failspec check\.+Failed$", output, re.MULTILINE), output
    assert re.search(r"^failspec diff\.+Failed$", output, re.MULTILINE), output
    assert SPOF in output


def test_the_local_hooks_refuse_the_commit(pull_request: Path, tmp_path: Path) -> None:
    (local,) = [
        b
        for b in yaml_blocks()
        if isinstance(b, dict) and b.get("repos", [{}])[0].get("repo") == "local"
    ]
    config = pull_request / ".pre-commit-config.yaml"
    config.write_text(yaml.safe_dump(local), encoding="utf-8")
    env = environment(tmp_path)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    git(pull_request, "add", ".pre-commit-config.yaml")
    git(pull_request, "commit", "-q", "-m", "pre-commit")
    subprocess.run(
        ["pre-commit", "install"], cwd=pull_request, env=env, check=True, capture_output=True
    )
    # Put the secondary card back: the commit is accepted.
    (pull_request / "models" / "bank.fspec").write_text(WITH_SECONDARY, encoding="utf-8")
    commit = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam"]
    done = subprocess.run(
        [*commit, "card back"],
        cwd=pull_request,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Remove it again: the diff hook refuses the commit and names the single point of failure.
    (pull_request / "models" / "bank.fspec").write_text(WITHOUT_SECONDARY, encoding="utf-8")
    done = subprocess.run(
        [*commit, "card gone"],
        cwd=pull_request,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert SPOF in done.stdout + done.stderr
    assert git(pull_request, "log", "-1", "--format=%s").strip() == "card back"
