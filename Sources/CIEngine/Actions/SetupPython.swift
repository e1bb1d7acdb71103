import CIExpressions
import CISandbox
import CIWorkflow
import Foundation
import OrderedCollections

extension JobRun {
    /// `actions/setup-python`, built in: picks the newest installed Python that satisfies
    /// `python-version` (or `python-version-file`), makes a fresh virtual environment for this job
    /// in `RUNNER_TOOL_CACHE/Python/<version>/x64`, and puts it first on PATH with the variables and
    /// outputs the real action sets. Nothing is downloaded: the versions are the host's.
    func runSetupPython(
        _ step: Step, with: OrderedDictionary<String, String>, number: Int, env stepEnv: OrderedDictionary<String, String>,
        context: EvaluationContext, scope: StepScope
    ) async throws(StepFailure) -> StepResult {
        var requested = (with["python-version"] ?? "").split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        if requested.isEmpty {
            let file = with["python-version-file"].flatMap { $0.isEmpty ? nil : $0 } ?? ".python-version"
            let path = file.hasPrefix("/") ? file : facts.workspace + "/" + file
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                requested = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            } else if with["python-version-file"] != nil {
                return StepResult(outcome: .failure, message: "Error: The specified python version file at: \(path) doesn't exist.")
            }
        }
        let installed = PythonInstallation.discover(environment: facts.configuration.hostEnvironment)
        if requested.isEmpty {
            guard let newest = installed.first else {
                return StepResult(outcome: .failure, message: "Error: no Python is installed on this host.")
            }
            say(
                "Warning: Neither 'python-version' nor 'python-version-file' inputs were supplied; using Python \(newest.version).",
                step: number)
            requested = [newest.version.description]
        }
        if let cache = with["cache"], !cache.isEmpty {
            say("actions/setup-python: 'cache: \(cache)' is not needed here; pip keeps its cache in the job's HOME.", step: number)
        }

        var result = StepResult(outcome: .success)
        for text in requested {
            guard let spec = PythonVersionSpec(text) else {
                return StepResult(
                    outcome: .failure,
                    message:
                        "Error: '\(text)' is not a python-version ci-runner can set up: it uses the host's CPython installations (\(installed.map(\.version.description).joined(separator: ", ")))."
                )
            }
            guard let choice = spec.best(of: installed.map(\.version)), let installation = installed.first(where: { $0.version == choice })
            else {
                return StepResult(
                    outcome: .failure,
                    message:
                        "Error: The version '\(text)' with architecture 'x64' was not found on this host. The installed versions are: \(installed.map(\.version.description).joined(separator: ", ")). Install it (for example with pyenv or apt) and run again."
                )
            }
            let location = facts.toolCache + "/Python/\(choice)/x64"
            if !FileManager.default.fileExists(atPath: location + "/bin/python") {
                say("Creating a virtual environment of Python \(choice) (\(installation.executable)) in \(location)", step: number)
                var created = try await runProcess(
                    ProcessSpec(
                        executable: installation.executable, arguments: ["-m", "venv", location],
                        environment: processEnvironment(stepEnv, scope: scope), workingDirectory: facts.workspace,
                        limits: facts.configuration.stepLimits),
                    step: step, number: number, env: stepEnv, context: context)
                guard created.outcome == .success else {
                    created.message = (created.message ?? "") + " Could not create a virtual environment with \(installation.executable)."
                    return created
                }
            }
            say("Successfully set up CPython (\(choice))", step: number)
            if with["update-environment"].map({ $0.lowercased() != "false" }) ?? true {
                for name in ["pythonLocation", "Python_ROOT_DIR", "Python2_ROOT_DIR", "Python3_ROOT_DIR"] { env[name] = location }
                env["PKG_CONFIG_PATH"] = location + "/lib/pkgconfig"
                pathAdditions.insert(location + "/bin", at: 0)
            }
            result.outputs["python-version"] = choice.description
            result.outputs["python-path"] = location + "/bin/python"
        }
        return result
    }
}
