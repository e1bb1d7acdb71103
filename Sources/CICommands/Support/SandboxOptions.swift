import ArgumentParser
import CIEngine
import CISandbox
import Foundation

/// The command-line options that choose how jobs are isolated; shared by every command that runs
/// jobs.
struct SandboxOptions: ParsableArguments {
    /// `--sandbox`.
    enum Choice: String, ExpressibleByArgument, CaseIterable {
        case auto, bwrap, none
    }

    /// `--network`.
    enum Network: String, ExpressibleByArgument, CaseIterable {
        case shared, none
    }

    @Option(help: "How steps are isolated: bwrap (one bubblewrap sandbox per job), none (host processes), or auto (bwrap when it works).")
    var sandbox: Choice = .auto

    @Option(
        help:
            "The jobs' network: shared with the host, or none (needs bwrap; a job can also ask for none with the 'no-network' runs-on label)."
    )
    var network: Network = .shared

    @Flag(inversion: .prefixedNo, help: "Let sandboxed steps use the Docker daemon's socket (root-equivalent on this host).")
    var dockerSocket = true

    @Option(
        help: ArgumentHelp(
            "Each job's memory limit in its cgroup, e.g. 4G (default: three quarters of this machine's memory; 'none' for no limit).",
            valueName: "size"))
    var memoryLimit: String?

    @Option(help: "Each job's process limit in its cgroup (pids.max), which stops fork bombs.")
    var pidsLimit: Int = 4096

    @Option(help: ArgumentHelp("The largest file a step may write (RLIMIT_FSIZE), e.g. 10G (default: no limit).", valueName: "size"))
    var maxFileSize: String?

    @Option(help: ArgumentHelp("Seconds between SIGTERM and SIGKILL when a step is stopped.", valueName: "seconds"))
    var killGrace: Double = 7.5

    /// Why the options cannot be used.
    struct Problem: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The sandbox settings, after checking that bwrap works when it is wanted; `warn` receives
    /// the one warning `auto` gives when it falls back to host processes.
    func settings(environment: [String: String], warn: (String) -> Void) throws(Problem) -> SandboxSettings {
        var settings = SandboxSettings(network: network == .shared, dockerAccess: dockerSocket, pidsLimit: pidsLimit > 0 ? pidsLimit : nil)
        switch memoryLimit?.lowercased() {
        case nil:
            settings.memoryLimit = UInt64(Double(ProcessInfo.processInfo.physicalMemory) * 0.75)
        case "none":
            settings.memoryLimit = nil
        case let text?:
            guard let bytes = Self.bytes(text) else { throw Problem(message: "--memory-limit: '\(text)' is not a size such as 4G or 512M") }
            settings.memoryLimit = bytes
        }
        switch sandbox {
        case .none:
            settings.mode = .none
        case .bwrap, .auto:
            switch Bubblewrap.probe(environment: environment, cacheFile: RunnerHome.path(environment: environment) + "/bwrap-probe") {
            case .success(let path):
                settings.mode = .bubblewrap(path)
            case .failure(let failure):
                if sandbox == .bwrap { throw Problem(message: "--sandbox bwrap: \(failure.message)") }
                warn("warning: \(failure.message); steps run as host processes without namespaces (--sandbox none hides this warning)")
                settings.mode = .none
            }
        }
        if network == .none, settings.mode == .none {
            throw Problem(message: "--network none needs the bubblewrap sandbox, which this run does not use")
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        settings.agentCommand = [executable, "sandbox-agent"]
        // Hide the runner's home and its other runs; keep the toolchains on PATH and the agent visible.
        let home = environment["HOME"] ?? NSHomeDirectory()
        settings.hiddenPaths = [home, RunnerHome.path(environment: environment) + "/runs"]
        var visible = [executable]
        for directory in (environment["PATH"] ?? "").split(separator: ":") where directory.hasPrefix(home + "/") {
            // A toolchain's folder, not just its bin/ (its libraries are beside it).
            let parts = directory.dropFirst(home.count + 1).split(separator: "/")
            if let first = parts.first { visible.append(home + "/" + first) }
        }
        visible.append(environment["PYENV_ROOT"] ?? home + "/.pyenv")
        settings.readOnlyPaths = Array(Set(visible)).sorted()
        return settings
    }

    /// The step limits: the defaults, plus `--max-file-size`.
    func stepLimits() throws(Problem) -> [ResourceLimit] {
        var limits = RunConfiguration.defaultStepLimits
        if let text = maxFileSize {
            guard let bytes = Self.bytes(text) else { throw Problem(message: "--max-file-size: '\(text)' is not a size such as 10G") }
            limits.append(ResourceLimit(.fileSize, bytes))
        }
        return limits
    }

    /// `4G`, `512M`, `1.5g`, `64k` or a number of bytes.
    static func bytes(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("k", 1024), ("m", 1_048_576), ("g", 1_073_741_824), ("t", 1_099_511_627_776)]
        var number = trimmed
        var factor = 1.0
        for (suffix, value) in units where trimmed.hasSuffix(suffix) || trimmed.hasSuffix(suffix + "b") || trimmed.hasSuffix(suffix + "ib")
        {
            number = String(trimmed.prefix { $0.isNumber || $0 == "." })
            factor = value
        }
        guard let value = Double(number), value > 0, value.isFinite else { return nil }
        return UInt64(value * factor)
    }
}

/// `ci-runner sandbox-agent`: runs inside a job's bubblewrap sandbox and starts the job's steps
/// there on the runner's behalf (descriptor 3 is its socket). Not for direct use.
struct SandboxAgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox-agent", abstract: "Run a job's steps inside its sandbox (started by ci-runner itself).", shouldDisplay: false)

    @Option(help: "The socket's descriptor.")
    var fd: Int32 = 3

    func run() throws {
        let status = SandboxAgent.serve(socket: fd)
        if status != 0 { throw ExitCode(status) }
    }
}
