import CIBasics
import CIWorkflow
import OrderedCollections
import Testing

@Suite struct MatrixExpansionTests {
    static func expand(_ yaml: String) throws -> [String] {
        let result = WorkflowLoader.load(
            "on: push\njobs:\n  j:\n    runs-on: x\n    steps: [{run: a}]\n    strategy:\n      matrix:\n" + yaml, path: "m.yml")
        #expect(result.isValid, "\(result.diagnostics)")
        let instances = try #require(result.workflow?.jobs["j"]?.matrixInstances)
        return instances.map { JSONValue.object($0.map { ($0.key, $0.value) }).serialized(.python) }
    }

    @Test func theCrossProductVariesTheFirstAxisSlowest() throws {
        #expect(
            try Self.expand("        os: [a, b]\n        v: [1, 2]\n") == [
                #"{"os": "a", "v": 1}"#, #"{"os": "a", "v": 2}"#, #"{"os": "b", "v": 1}"#, #"{"os": "b", "v": 2}"#,
            ])
    }

    /// GitHub's documented example for `include`
    /// (https://docs.github.com/actions/using-jobs/using-a-matrix-for-your-jobs#example-expanding-configurations).
    @Test func includeFollowsGitHubsDocumentedExample() throws {
        let yaml = """
                    fruit: [apple, pear]
                    animal: [cat, dog]
                    include:
                      - color: green
                      - color: pink
                        animal: cat
                      - fruit: apple
                        shape: circle
                      - fruit: banana
                      - fruit: banana
                        animal: cat

            """
        #expect(
            try Self.expand(yaml) == [
                #"{"animal": "cat", "color": "pink", "fruit": "apple", "shape": "circle"}"#,
                #"{"animal": "dog", "color": "green", "fruit": "apple", "shape": "circle"}"#,
                #"{"animal": "cat", "color": "pink", "fruit": "pear"}"#,
                #"{"animal": "dog", "color": "green", "fruit": "pear"}"#,
                #"{"fruit": "banana"}"#,
                #"{"animal": "cat", "fruit": "banana"}"#,
            ])
    }

    /// GitHub's documented example for `exclude`: a partial match removes every combination it matches.
    @Test func excludeRemovesPartialMatchesBeforeIncludeAddsBack() throws {
        let yaml = """
                    os: [macos-latest, windows-latest]
                    version: [12, 14, 16]
                    environment: [staging, production]
                    exclude:
                      - os: macos-latest
                        version: 12
                        environment: production
                      - os: windows-latest
                        version: 16
                    include:
                      - os: windows-latest
                        version: 16
                        environment: staging

            """
        let combinations = try Self.expand(yaml)
        #expect(combinations.count == 12 - 1 - 2 + 1)
        #expect(!combinations.contains(#"{"environment": "production", "os": "macos-latest", "version": 12}"#))
        #expect(combinations.last == #"{"environment": "staging", "os": "windows-latest", "version": 16}"#)
    }

    @Test func anIncludeOnlyMatrixHasOneJobPerRow() throws {
        #expect(try Self.expand("        include:\n          - a: 1\n          - a: 2\n") == [#"{"a": 1}"#, #"{"a": 2}"#])
    }

    @Test func aMatrixFromAnExpressionIsExpandedAtRunTime() {
        let result = WorkflowLoader.load(
            "on: push\njobs:\n  j:\n    runs-on: x\n    steps: [{run: a}]\n    strategy:\n      matrix: ${{ fromJSON(needs.a.outputs.m) }}\n",
            path: "m.yml")
        #expect(result.isValid)
        #expect(result.workflow?.jobs["j"]?.matrixInstances == nil)
    }

    @Test func moreThan256JobsIsAnError() {
        let values = (1...17).map(String.init).joined(separator: ", ")
        let result = WorkflowLoader.load(
            "on: push\njobs:\n  j:\n    runs-on: x\n    steps: [{run: a}]\n    strategy:\n      matrix:\n        a: [\(values)]\n        b: [\(values)]\n",
            path: "m.yml")
        #expect(result.diagnostics.map(\.message).contains("the matrix of job 'j' produces 289 jobs; GitHub allows at most 256 per matrix"))
    }
}

@Suite struct CronTests {
    @Test(arguments: ["0 0 * * *", "*/15 9-17 * * 1-5", "0 12 1,15 JAN-JUN MON", "5 4 * * sun", "30 2 1 */2 *"])
    func validExpressionsParse(_ text: String) {
        #expect((try? CronSchedule.parse(text).get()) != nil)
    }

    @Test(arguments: [
        ("60 * * * *", "the minute field '60' has '60', which is not a number in 0-59"),
        ("* 24 * * *", "the hour field '24' has '24', which is not a number in 0-23"),
        ("* * 0 * *", "the day-of-month field '0' has '0', which is not a number in 1-31"),
        ("* * * 13 *", "the month field '13' has '13', which is not a number in 1-12"),
        ("* * * * 7", "the day-of-week field '7' has '7', which is not a number in 0-6"),
        ("*/0 * * * *", "the minute field '*/0' has a step that is not a positive number"),
        ("5-1 * * * *", "the minute field '5-1' has the range '5-1', which runs backwards"),
        ("@daily", "GitHub does not support shorthands such as '@daily'; write the five fields, such as '0 0 * * *'"),
    ])
    func invalidExpressionsSayWhichFieldIsWrong(_ text: String, _ message: String) {
        guard case .failure(let problem) = CronSchedule.parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(problem.message == message)
    }

    @Test func matchingFollowsCronsDayRule() throws {
        let weekdays = try CronSchedule.parse("0 9 * * 1-5").get()
        #expect(weekdays.matches(minute: 0, hour: 9, dayOfMonth: 3, month: 3, dayOfWeek: 1))
        #expect(!weekdays.matches(minute: 0, hour: 9, dayOfMonth: 3, month: 3, dayOfWeek: 0))
        let either = try CronSchedule.parse("0 0 13 * 5").get()
        #expect(either.matches(minute: 0, hour: 0, dayOfMonth: 13, month: 1, dayOfWeek: 2))
        #expect(either.matches(minute: 0, hour: 0, dayOfMonth: 2, month: 1, dayOfWeek: 5))
    }

    @Test func tooFrequentSchedulesGetAWarning() throws {
        #expect(try CronSchedule.parse("*/2 * * * *").get().frequencyWarning != nil)
        #expect(try CronSchedule.parse("*/5 * * * *").get().frequencyWarning == nil)
    }
}

@Suite struct WorkflowModelTests {
    static func load(_ yaml: String) throws -> Workflow {
        let result = WorkflowLoader.load(yaml, path: "w.yml")
        #expect(result.isValid, "\(result.diagnostics)")
        return try #require(result.workflow)
    }

    static let steps = "jobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n"

    @Test func onCanBeAStringAListOrAMapping() throws {
        #expect(try Self.load("on: push\n" + Self.steps).triggers.keys.elements == ["push"])
        #expect(try Self.load("on: [push, pull_request]\n" + Self.steps).triggers.keys.elements == ["push", "pull_request"])
        let workflow = try Self.load("on:\n  push:\n    branches: [main]\n    paths-ignore: ['**.md']\n  workflow_dispatch:\n" + Self.steps)
        #expect(workflow.triggers["push"]?.branches == ["main"])
        #expect(workflow.triggers["push"]?.pathsIgnore == ["**.md"])
        #expect(workflow.triggers["workflow_dispatch"] != nil)
    }

    @Test func dispatchAndCallInputsKeepTheirTypesAndDefaults() throws {
        let yaml = """
            on:
              workflow_dispatch:
                inputs:
                  level: {type: choice, options: [low, high], default: low, required: true}
                  dry: {type: boolean, default: false}
              workflow_call:
                inputs:
                  count: {type: number, default: 3}
                secrets:
                  token: {required: true}
                outputs:
                  result: {value: '${{ jobs.a.outputs.r }}'}

            """
        let workflow = try Self.load(yaml + Self.steps)
        let dispatch = try #require(workflow.triggers["workflow_dispatch"])
        #expect(
            dispatch.inputs["level"]
                == InputDefinition(type: .choice, required: true, defaultValue: .string("low"), options: ["low", "high"]))
        #expect(dispatch.inputs["dry"]?.defaultValue == .bool(false))
        let call = try #require(workflow.triggers["workflow_call"])
        #expect(call.inputs["count"]?.type == .number)
        #expect(call.secrets["token"]?.required == true)
        #expect(call.outputs["result"]?.value == "${{ jobs.a.outputs.r }}")
    }

    @Test func runsOnAcceptsAStringAListAndAGroup() throws {
        func runsOn(_ value: String) throws -> RunsOn? {
            try Self.load("on: push\njobs:\n  a:\n    runs-on: \(value)\n    steps: [{run: a}]\n").jobs["a"]?.runsOn
        }
        #expect(try runsOn("ubuntu-latest") == RunsOn(labels: ["ubuntu-latest"]))
        #expect(try runsOn("[self-hosted, linux]") == RunsOn(labels: ["self-hosted", "linux"]))
        #expect(try runsOn("{group: big, labels: gpu}") == RunsOn(group: "big", labels: ["gpu"]))
    }

    @Test func aReusableWorkflowJobKeepsWithAndSecrets() throws {
        let workflow = try Self.load(
            "on: push\njobs:\n  call:\n    uses: octo/repo/.github/workflows/ci.yml@v1\n    with:\n      flag: true\n    secrets: inherit\n"
        )
        let job = try #require(workflow.jobs["call"])
        #expect(job.uses == "octo/repo/.github/workflows/ci.yml@v1")
        #expect(job.with == .value(["flag": .bool(true)]))
        #expect(job.secrets == .inherit)
    }

    @Test func stepsKeepEveryKey() throws {
        let yaml = """
            on: push
            defaults:
              run:
                shell: bash
            jobs:
              a:
                runs-on: x
                steps:
                  - id: build
                    name: Build
                    if: github.ref == 'refs/heads/main'
                    run: make
                    shell: sh
                    working-directory: src
                    env: {A: 1}
                    continue-on-error: true
                    timeout-minutes: 5
                  - uses: actions/setup-python@v5
                    with:
                      python-version: '3.11'

            """
        let workflow = try Self.load(yaml)
        #expect(workflow.defaults == RunDefaults(shell: "bash"))
        let steps = try #require(workflow.jobs["a"]?.steps)
        #expect(steps[0].id == "build")
        #expect(steps[0].condition?.value == "github.ref == 'refs/heads/main'")
        #expect(steps[0].env == .value(["A": "1"]))
        #expect(steps[0].continueOnError == .value(true))
        #expect(steps[0].timeoutMinutes == .value(5))
        guard case .run(let run) = steps[0].action else {
            Issue.record("not a run step")
            return
        }
        #expect(run.shell == "sh")
        #expect(run.workingDirectory == "src")
        guard case .uses(let uses) = steps[1].action else {
            Issue.record("not a uses step")
            return
        }
        #expect(uses.with == .value(["python-version": "3.11"]))
        #expect(steps[1].displayName == "Run actions/setup-python@v5")
    }

    @Test func containersAndServicesAcceptTheShortForm() throws {
        let workflow = try Self.load(
            "on: push\njobs:\n  a:\n    runs-on: x\n    container: node:20\n    services:\n      redis: redis:7\n      db:\n        image: postgres\n        ports: ['5432:5432']\n    steps: [{run: a}]\n"
        )
        let job = try #require(workflow.jobs["a"])
        #expect(job.container == .value(Container(image: "node:20")))
        guard case .value(let services) = job.services else {
            Issue.record("services are an expression")
            return
        }
        #expect(services["redis"]?.image == "redis:7")
        #expect(services["db"]?.ports == ["5432:5432"])
    }
}
