import CISandbox
import CITestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Spawning real processes: output, exit codes, sessions, signals, limits.
@Suite struct ChildProcessTests {
    static func run(_ script: String, environment: [String: String] = ["PATH": "/usr/bin:/bin"], limits: [ResourceLimit] = []) throws -> (
        status: Int32, output: String, pid: pid_t
    ) {
        let child = try ChildProcess.spawn(
            ProcessSpec(executable: "bash", arguments: ["-c", script], environment: environment, workingDirectory: "/tmp", limits: limits))
        var output: [UInt8] = []
        let status = child.pump { output.append(contentsOf: $0) }
        return (status, String(decoding: output, as: UTF8.self), child.pid)
    }

    @Test func outputAndErrorAreCapturedInOrderWithTheExitCode() throws {
        let result = try Self.run("echo one; echo two >&2; printf three; exit 3")
        #expect(result.status == 3)
        #expect(result.output == "one\ntwo\nthree")
    }

    @Test func theEnvironmentIsExactlyWhatWasGiven() throws {
        let result = try Self.run("env | sort", environment: ["PATH": "/usr/bin:/bin", "ONLY": "this"])
        let names = result.output.split(separator: "\n").map { $0.split(separator: "=").first.map(String.init) ?? "" }
        #expect(!names.contains("HOME"))
        #expect(names.contains("ONLY"))
    }

    @Test func theChildLeadsItsOwnSession() throws {
        let result = try Self.run("ps -o sid= -p $$; echo $$")
        let fields = result.output.split(whereSeparator: \.isWhitespace)
        #expect(fields.count == 2)
        #expect(fields.first == fields.last)
        #expect(fields.last.map(String.init) == String(result.pid))
    }

    @Test func aKillingSignalIsReportedAs128PlusIt() throws {
        #expect(try Self.run("kill -TERM $$").status == 128 + SIGTERM)
    }

    @Test func aBackgroundProcessHoldingTheOutputDoesNotHoldTheStep() throws {
        let started = Date()
        let result = try Self.run("(sleep 30; echo late) & echo done")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.output == "done\n")
        _ = kill(-result.pid, SIGKILL)
    }

    @Test func signallingTheGroupStopsItsChildrenToo() throws {
        let child = try ChildProcess.spawn(
            ProcessSpec(
                executable: "bash", arguments: ["-c", "sleep 300 & sleep 300 & wait"], environment: ["PATH": "/usr/bin:/bin"],
                workingDirectory: "/tmp"))
        Thread.sleep(forTimeInterval: 0.2)
        #expect(child.groupIsAlive)
        child.signalGroup(SIGKILL)
        let status = child.pump { _ in }
        #expect(status == 128 + SIGKILL)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(!child.groupIsAlive)
    }

    @Test func resourceLimitsApplyInTheChild() throws {
        let result = try Self.run("ulimit -n; ulimit -c", limits: [ResourceLimit(.openFiles, 64), ResourceLimit(.coreSize, 0)])
        #expect(result.output == "64\n0\n")
    }

    @Test func aMissingProgramIsAClearError() {
        #expect(throws: SpawnError.self) {
            _ = try ChildProcess.spawn(
                ProcessSpec(executable: "no-such-program-xyz", environment: ["PATH": "/usr/bin"], workingDirectory: "/tmp"))
        }
    }

    @Test func aMissingDirectoryIsAClearError() {
        do {
            _ = try ChildProcess.spawn(ProcessSpec(executable: "/bin/true", workingDirectory: "/nonexistent/dir"))
            Issue.record("spawned")
        } catch {
            #expect(error.message == "the working directory /nonexistent/dir does not exist")
        }
    }

    @Test func largeOutputStreamsThrough() throws {
        var total = 0
        let child = try ChildProcess.spawn(
            ProcessSpec(
                executable: "bash", arguments: ["-c", "head -c 50000000 /dev/zero"], environment: ["PATH": "/usr/bin:/bin"],
                workingDirectory: "/tmp"))
        let status = child.pump { total += $0.count }
        #expect(status == 0)
        #expect(total == 50_000_000)
    }
}
