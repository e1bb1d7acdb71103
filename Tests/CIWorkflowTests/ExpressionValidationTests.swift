import CIBasics
import CIWorkflow
import Testing

/// Every `${{ }}` is parsed when the workflow loads, and checked against GitHub's context availability.
@Suite struct ExpressionValidationTests {
    static func diagnostics(_ yaml: String) -> [String] {
        WorkflowLoader.load(yaml, path: "w.yml").diagnostics.map(\.description)
    }

    static let step = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"

    @Test func aSyntaxErrorPointsInsideTheString() {
        #expect(
            Self.diagnostics(Self.step + "      - run: echo '${{ 1 + 1 }}'\n") == [
                "w.yml:6:26: error: invalid expression: Unexpected symbol: '+'. Located at position 3 within expression: 1 + 1"
            ])
    }

    @Test func aSyntaxErrorInABlockScalarPointsAtItsLine() {
        let yaml = Self.step + "      - run: |\n          echo one\n          echo ${{ github.sha ) }}\n"
        #expect(
            Self.diagnostics(yaml) == [
                "w.yml:8:31: error: invalid expression: Unexpected symbol: ')'. Located at position 12 within expression: github.sha )"
            ])
    }

    @Test func anUnclosedExpressionIsAnError() {
        #expect(
            Self.diagnostics(Self.step + "      - run: echo ${{ github.sha\n") == [
                "w.yml:6:19: error: The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found."
            ])
    }

    @Test func anUnknownContextIsAnErrorWithASuggestion() {
        #expect(
            Self.diagnostics(Self.step + "      - run: echo ${{ gihtub.sha }}\n") == [
                "w.yml:6:23: error: unknown context 'gihtub'; did you mean 'github'?"
            ])
    }

    @Test func anUnknownFunctionIsAnError() {
        #expect(
            Self.diagnostics(Self.step + "      - run: echo ${{ tojsonn(github) }}\n") == [
                "w.yml:6:23: error: unknown function 'tojsonn'; did you mean 'tojson'?"
            ])
    }

    @Test func aWrongArgumentCountIsAnError() {
        #expect(
            Self.diagnostics(Self.step + "      - run: echo ${{ contains('a') }}\n") == [
                "w.yml:6:23: error: invalid expression: Too few parameters supplied: 'contains'. Located at position 1 within expression: contains('a')"
            ])
    }

    @Test func runsOnCannotReadSteps() {
        let yaml = "on: push\njobs:\n  build:\n    runs-on: ${{ steps.x.outputs.os }}\n    steps:\n      - run: echo\n"
        #expect(
            Self.diagnostics(yaml) == [
                "w.yml:4:18: error: the 'steps' context is not available in 'jobs.build.runs-on'; only github, inputs, vars, needs, strategy, matrix are"
            ])
    }

    @Test func workflowEnvCannotReadEnvOrMatrix() {
        let yaml = "on: push\nenv:\n  A: ${{ matrix.os }}\njobs:\n  build:\n    runs-on: x\n    steps: [{run: echo}]\n"
        #expect(
            Self.diagnostics(yaml) == [
                "w.yml:3:10: error: the 'matrix' context is not available in 'env.A'; only github, inputs, vars, secrets are"
            ])
    }

    @Test func stepIfCannotReadSecrets() {
        let yaml = Self.step + "      - run: echo\n        if: secrets.TOKEN != ''\n"
        #expect(
            Self.diagnostics(yaml) == [
                "w.yml:7:13: error: the 'secrets' context is not available in 'jobs.build.steps[1].if'; only github, inputs, vars, needs, strategy, matrix, steps, job, runner, env are"
            ])
    }

    @Test func statusFunctionsOnlyWorkInIf() {
        let yaml = Self.step + "      - run: echo ${{ success() }}\n"
        #expect(
            Self.diagnostics(yaml) == [
                "w.yml:6:23: error: success() is not available in 'jobs.build.steps[1].run'; status functions only work in 'if'"
            ])
    }

    @Test func hashFilesOnlyWorksInSteps() {
        let yaml = "on: push\njobs:\n  build:\n    runs-on: ${{ hashFiles('x') }}\n    steps: [{run: echo}]\n"
        #expect(
            Self.diagnostics(yaml) == ["w.yml:4:18: error: hashFiles() is not available in 'jobs.build.runs-on'; it only works in steps"])
    }

    @Test func anIfWithTextOutsideTheBracesIsAlwaysTrue() {
        let yaml = Self.step + "      - run: echo\n        if: ${{ github.ref == 'refs/heads/main' }} && false\n"
        #expect(
            Self.diagnostics(yaml) == [
                "w.yml:7:13: warning: this condition is always true: the text outside ${{ }} makes it a non-empty string; put the whole condition inside ${{ }}, or write it without ${{ }}"
            ])
    }

    @Test func validExpressionsEverywhereLoadCleanly() {
        let yaml = """
            on:
              workflow_call:
                inputs:
                  level: {type: string, default: '${{ github.ref_name }}'}
                outputs:
                  out: {value: '${{ jobs.build.outputs.x }}'}
            env:
              TOKEN: ${{ secrets.TOKEN }}
            jobs:
              build:
                if: ${{ always() }}
                runs-on: ${{ matrix.os }}
                strategy:
                  matrix:
                    os: ${{ fromJSON(inputs.level) }}
                outputs:
                  x: ${{ steps.a.outputs.x }}
                steps:
                  - id: a
                    if: success() && hashFiles('**/*.lock') != ''
                    run: echo "${{ '}}' }} ${{ env.TOKEN }} ${{ matrix.os }}"
                    env:
                      KEY: ${{ hashFiles('**/requirements.txt') }}

            """
        #expect(Self.diagnostics(yaml).isEmpty)
    }
}
