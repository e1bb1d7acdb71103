import CIBasics
import CIWorkflow
import Testing

/// Each kind of loading error, at its line and column, with its whole message.
@Suite struct LoaderDiagnosticsTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var yaml: String
        var expected: String
        var description: String { name }
    }

    static func errors(_ yaml: String) -> [String] {
        WorkflowLoader.load(yaml, path: "w.yml").diagnostics.filter { $0.severity == .error }.map(\.description)
    }

    static let job = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"

    static let cases: [Case] = [
        Case(
            name: "unknown job key with a suggestion", yaml: "on: push\njobs:\n  build:\n    runs-on: x\n    step:\n      - run: a\n",
            expected: "w.yml:3:3: error: job 'build' is missing 'steps', the commands it runs"),
        Case(
            name: "unknown step key", yaml: job + "      - run: a\n        shel: bash\n",
            expected: "w.yml:7:9: error: unknown key 'shel' in step 1 of job 'build'; did you mean 'shell'?"),
        Case(
            name: "unknown workflow key", yaml: "on: push\nenvv: {}\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:2:1: error: unknown key 'envv' in the workflow; did you mean 'env'?"),
        Case(
            name: "wrong type", yaml: job + "      - run: a\n    timeout-minutes: soon\n",
            expected:
                "w.yml:7:22: error: 'timeout-minutes' of job 'build' must be a number or a ${{ }} expression, but it is the string 'soon'"),
        Case(
            name: "boolean written as yes", yaml: job + "      - run: a\n        continue-on-error: yes\n",
            expected:
                "w.yml:7:28: error: 'continue-on-error' of step 1 of job 'build' must be true or false or a ${{ }} expression, but it is the string 'yes'; 'yes' is a string in YAML 1.2, write true or false"
        ),
        Case(
            name: "missing runs-on", yaml: "on: push\njobs:\n  build:\n    steps:\n      - run: a\n",
            expected: "w.yml:3:3: error: job 'build' is missing 'runs-on', the labels of the runner to use (for example 'ubuntu-latest')"),
        Case(
            name: "invalid job id", yaml: "on: push\njobs:\n  1build:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected:
                "w.yml:3:3: error: '1build' is not a valid job id: it must start with a letter or '_' and contain only letters, digits, '-' and '_'"
        ),
        Case(
            name: "duplicate job id ignoring case",
            yaml: "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n  A:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:6:3: error: job id 'A' repeats the job at line 3, column 3; job ids are case-insensitive"),
        Case(
            name: "duplicate step id", yaml: job + "      - id: s\n        run: a\n      - id: S\n        run: b\n",
            expected:
                "w.yml:8:13: error: step id 'S' is already used at line 6, column 13; step ids must be unique within a job (ignoring case)"),
        Case(
            name: "invalid step id", yaml: job + "      - id: my step\n        run: a\n",
            expected:
                "w.yml:6:13: error: 'my step' is not a valid step id: it must start with a letter or '_' and contain only letters, digits, '-' and '_'"
        ),
        Case(
            name: "needs an unknown job",
            yaml:
                "on: push\njobs:\n  test:\n    needs: biuld\n    runs-on: x\n    steps: [{run: a}]\n  build:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:4:12: error: job 'test' needs 'biuld', which is not a job in this workflow; did you mean 'build'?"),
        Case(
            name: "a cycle",
            yaml:
                "on: push\njobs:\n  a:\n    needs: c\n    runs-on: x\n    steps: [{run: a}]\n  b:\n    needs: a\n    runs-on: x\n    steps: [{run: a}]\n  c:\n    needs: b\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:3:3: error: the needs of these jobs form a cycle, so none of them can start: a -> c -> b -> a"),
        Case(
            name: "a job that needs itself", yaml: "on: push\njobs:\n  a:\n    needs: a\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:3:3: error: the needs of these jobs form a cycle, so none of them can start: a -> a"),
        Case(
            name: "both run and uses", yaml: job + "      - run: a\n        uses: actions/checkout@v4\n",
            expected: "w.yml:6:9: error: step 1 of job 'build' has both 'run' and 'uses'; a step either runs a script or uses an action"),
        Case(
            name: "neither run nor uses", yaml: job + "      - name: nothing\n",
            expected: "w.yml:6:9: error: step 1 of job 'build' needs 'run' (a script) or 'uses' (an action)"),
        Case(
            name: "an empty step", yaml: job + "      -\n      - run: a\n",
            expected: "w.yml:6:8: error: step 1 of job 'build' is empty; a step needs 'run' (a script) or 'uses' (an action)"),
        Case(
            name: "unknown shell", yaml: job + "      - run: a\n        shell: zsh\n",
            expected:
                "w.yml:7:16: error: unknown shell 'zsh'; use bash, sh, python, pwsh, powershell, cmd, or a command with '{0}' for the script file, such as 'perl {0}'"
        ),
        Case(
            name: "empty matrix", yaml: "on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix: {}\n    steps: [{run: a}]\n",
            expected: "w.yml:6:15: error: the matrix of job 'a' is empty; give it at least one axis or 'include' row"),
        Case(
            name: "empty matrix axis",
            yaml: "on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n        os: []\n    steps: [{run: a}]\n",
            expected: "w.yml:7:13: error: matrix axis 'os' of job 'a' has no values; give it at least one"),
        Case(
            name: "exclude naming no axis",
            yaml:
                "on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n        os: [a, b]\n        exclude:\n          - oss: a\n    steps: [{run: a}]\n",
            expected: "w.yml:9:13: error: 'oss' in 'exclude' of job 'a' is not an axis of the matrix; did you mean 'os'?"),
        Case(
            name: "invalid cron", yaml: "on:\n  schedule:\n    - cron: '61 * * * *'\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected:
                "w.yml:3:13: error: invalid cron expression '61 * * * *': the minute field '61' has '61', which is not a number in 0-59"),
        Case(
            name: "cron with four fields",
            yaml: "on:\n  schedule:\n    - cron: '* * * *'\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected:
                "w.yml:3:13: error: invalid cron expression '* * * *': it has 4 fields; cron needs 5: minute hour day-of-month month day-of-week"
        ),
        Case(
            name: "unknown event", yaml: "on: pushh\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:1:5: error: unknown event 'pushh' in 'on'; did you mean 'push'?"),
        Case(
            name: "missing on", yaml: "jobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:1:1: error: the workflow is missing 'on', the events that trigger it (for example 'on: push')"),
        Case(
            name: "an empty file", yaml: "# nothing here\n",
            expected: "w.yml:1:1: error: the workflow file is empty; a workflow needs 'on' and 'jobs'"),
        Case(
            name: "steps in a reusable workflow call",
            yaml: "on: push\njobs:\n  a:\n    uses: ./.github/workflows/x.yml\n    steps: [{run: a}]\n",
            expected:
                "w.yml:5:5: error: 'steps' is not allowed in job 'a', which calls a reusable workflow with 'uses'; such a job may only have name, uses, with, secrets, needs, if, permissions, concurrency and strategy"
        ),
        Case(
            name: "with without uses", yaml: "on: push\njobs:\n  a:\n    runs-on: x\n    with: {a: 1}\n    steps: [{run: a}]\n",
            expected: "w.yml:5:5: error: 'with' is only for a job that calls a reusable workflow with 'uses', and job 'a' has no 'uses'"),
        Case(
            name: "workflow_call input without a type",
            yaml: "on:\n  workflow_call:\n    inputs:\n      x:\n        default: 1\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:4:7: error: input 'x' of 'workflow_call' is missing 'type' (boolean, number or string)"),
        Case(
            name: "choice input without options",
            yaml:
                "on:\n  workflow_dispatch:\n    inputs:\n      x:\n        type: choice\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:4:7: error: input 'x' of 'workflow_dispatch' has type 'choice' but no 'options'"),
        Case(
            name: "remote action without a version", yaml: job + "      - uses: actions/checkout\n",
            expected:
                "w.yml:6:15: error: 'actions/checkout' is not an action reference; write '{owner}/{repo}[/{path}]@{ref}' (for example 'actions/checkout@v4'), './{local path}' or 'docker://{image}'"
        ),
        Case(
            name: "a merge key", yaml: job + "      - <<: {run: a}\n        run: b\n",
            expected:
                "w.yml:6:9: error: YAML merge keys ('<<') are not supported by GitHub Actions; write the keys out, or alias the whole mapping"
        ),
        Case(
            name: "a duplicate YAML key", yaml: "on: push\non: pull_request\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n",
            expected: "w.yml:2:1: error: duplicate key 'on'; it is already defined at line 1, column 1"),
        Case(
            name: "env names differing in case", yaml: job + "      - run: a\n        env:\n          FOO: 1\n          foo: 2\n",
            expected:
                "w.yml:9:11: error: 'foo' in 'env' of step 1 of job 'build' repeats the key at line 8, column 11; these names are case-insensitive"
        ),
        Case(
            name: "a YAML syntax error", yaml: "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: foo: bar\n",
            expected:
                "w.yml:6:17: error: mapping values are not allowed in this context; if the value contains ': ', quote it, and a key must fit on one line"
        ),
        Case(
            name: "runs-on as an empty list", yaml: "on: push\njobs:\n  a:\n    runs-on: []\n    steps: [{run: a}]\n",
            expected: "w.yml:4:14: error: 'runs-on' of job 'a' must list at least one runner label"),
        Case(
            name: "negative max-parallel",
            yaml: "on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      max-parallel: -1\n    steps: [{run: a}]\n",
            expected: "w.yml:6:21: error: 'max-parallel' of 'strategy' of job 'a' must be greater than zero, but it is -1"),
    ]

    @Test(arguments: cases)
    func eachProblemIsReportedAtItsPlace(_ item: Case) {
        let errors = Self.errors(item.yaml)
        #expect(errors.contains(item.expected), "got: \(errors)")
    }

    @Test func everyProblemIsReportedInOnePass() {
        let yaml =
            "on: push\njobs:\n  a:\n    runs-on: x\n    timeout-minutes: x\n    steps:\n      - run: a\n        shel: b\n  b:\n    needs: zz\n"
        let errors = Self.errors(yaml)
        #expect(errors.count == 4, "\(errors)")
    }

    @Test func diagnosticsInsideAnAliasedNodeAreReportedOnce() {
        let yaml = Self.job + "      - &step\n        run: a\n        with: {x: 1}\n      - *step\n      - *step\n"
        let errors = Self.errors(yaml)
        #expect(errors.filter { $0.contains("'with' is not allowed in a 'run' step") }.count == 1)
        #expect(Set(errors).count == errors.count)
    }
}
