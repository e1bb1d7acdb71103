import CIGit
import CITestSupport
import Foundation
import Testing

/// CIGit against real repositories made with the git command line.
@Suite struct RepositoryTests {
    @Test func headNamesTheBranchAndTheCommit() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "hello\n")
        let sha = try fixture.commit("first commit\n\nwith a body")
        let head = try Repository(discovering: fixture.path).head()
        #expect(head.reference == "refs/heads/main")
        #expect(head.commit.sha == sha)
        #expect(head.commit.message == "first commit\n\nwith a body\n")
        #expect(head.commit.author.name == "Test Author")
        #expect(head.commit.author.email == "author@example.com")
        #expect(head.commit.author.time == 1_767_323_045)
    }

    @Test func aDetachedHeadHasNoReference() throws {
        let fixture = try GitFixture()
        try fixture.write("a", "1")
        let first = try fixture.commit("one")
        try fixture.write("a", "2")
        try fixture.commit("two")
        try fixture.git("checkout", "-q", first)
        let head = try Repository(discovering: fixture.path).head()
        #expect(head.reference == nil)
        #expect(head.commit.sha == first)
    }

    @Test func theRepositoryIsFoundFromASubdirectory() throws {
        let fixture = try GitFixture()
        try fixture.write("src/main.swift", "print(1)\n")
        try fixture.commit("add")
        let repository = try Repository(discovering: fixture.path + "/src")
        #expect(repository.workingDirectory?.hasSuffix(fixture.path.split(separator: "/").last.map(String.init) ?? "") == true)
    }

    @Test func outsideARepositoryTheErrorNamesTheCall() throws {
        let directory = try TemporaryDirectory()
        do {
            _ = try Repository(discovering: directory.path)
            Issue.record("opened")
        } catch {
            #expect(error.code == .notARepository)
            #expect(error.call == "git_repository_open_ext")
            #expect(error.description.hasPrefix("git_repository_open_ext failed: "))
        }
    }

    @Test func anUnbornBranchIsReported() throws {
        let fixture = try GitFixture()
        #expect(throws: GitError.self) { try Repository(discovering: fixture.path).head() }
    }

    @Test func theRemoteURLIsRead() throws {
        let fixture = try GitFixture()
        try fixture.git("remote", "add", "origin", "https://github.com/octo/hello.git")
        let repository = try Repository(discovering: fixture.path)
        #expect(repository.remoteURL() == "https://github.com/octo/hello.git")
        #expect(repository.remoteURL("upstream") == nil)
    }

    @Test func workingTreeFilesAreTrackedPlusUntrackedNotIgnored() throws {
        let fixture = try GitFixture()
        try fixture.write(".gitignore", "*.log\nbuild/\n")
        try fixture.write("tracked.txt", "t")
        try fixture.write("gone.txt", "g")
        try fixture.commit("base")
        try fixture.write("tracked.txt", "edited")
        try fixture.write("new/untracked.txt", "u")
        try fixture.write("debug.log", "ignored")
        try fixture.write("build/out.o", "ignored")
        try fixture.git("rm", "-q", "--cached", "gone.txt")
        try fixture.git("rm", "-q", "--cached", ".gitignore")
        try fixture.git("add", ".gitignore")
        #expect(
            try Repository(discovering: fixture.path).workingTreeFiles() == [".gitignore", "gone.txt", "new/untracked.txt", "tracked.txt"])
        let cli = try fixture.git("ls-files", "--cached", "--others", "--exclude-standard").split(separator: "\n").map(String.init).sorted()
        #expect(try Repository(discovering: fixture.path).workingTreeFiles() == cli)
    }
    /// The commit time as GitHub's payloads give it, checked against Foundation's formatter for
    /// times around the epoch, leap days and centuries, in zones east and west of UTC.
    @Test func signatureTimesAreISO8601InTheSignersZone() {
        #expect(Signature(name: "", email: "", time: 0, offsetMinutes: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(Signature(name: "", email: "", time: 1_714_564_989, offsetMinutes: 120).iso8601 == "2024-05-01T14:03:09+02:00")
        #expect(Signature(name: "", email: "", time: 951_782_400, offsetMinutes: -330).iso8601 == "2000-02-28T18:30:00-05:30")
        let formatter = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let time = Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator)
            let offset = Int32.random(in: -720...840, using: &generator)
            formatter.timeZone = TimeZone(secondsFromGMT: Int(offset) * 60)
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
            #expect(Signature(name: "", email: "", time: time, offsetMinutes: offset).iso8601 == expected, "\(time) \(offset)")
        }
    }
}

/// libgit2 is loaded when first used, not when a process starts.
@Suite struct LibraryLoadingTests {
    @Test func aProcessThatDoesNotUseGitNeverLoadsLibgit2() throws {
        try #require(Binary.isBuilt, "build ci-runner first")
        // The dynamic loader lists every library it loads.
        let version = try Binary.run(["--version"], environment: ["LD_DEBUG": "libs"])
        #expect(version.status == 0)
        #expect(version.error.contains("libc.so"), "LD_DEBUG lists the libraries")
        #expect(!version.error.contains("libgit2"))
        // `run -l` reads the repository, and loads it then.
        let fixture = try GitFixture()
        try fixture.write(
            ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n")
        _ = try fixture.commit("workflow")
        let list = try Binary.run(["run", "-l"], in: fixture.path, environment: ["LD_DEBUG": "libs"])
        #expect(list.status == 0, "\(list.output)")
        #expect(list.error.contains("libgit2.so"))
        // `run` starts loading it from a constructor (CGitPreload), but not for `run --help`.
        let help = try Binary.run(["run", "--help"], in: fixture.path, environment: ["LD_DEBUG": "libs"])
        #expect(help.status == 0 && help.output.contains("USAGE"), "\(help.output)")
        #expect(!help.error.contains("libgit2"))
    }

    /// `run` exiting at once (a bad option) while libgit2 is still starting on its thread waits
    /// for it: exiting under it cleaned up OpenSSL mid-start and crashed ~1% of such runs.
    @Test func aRunThatEndsWhileLibgit2StartsExitsCleanly() throws {
        try #require(Binary.isBuilt)
        var statuses: [Int32: Int] = [:]
        for _ in 0..<150 { statuses[try Binary.run(["run", "--no-such-option"]).status, default: 0] += 1 }
        #expect(statuses == [64: 150], "exit statuses: \(statuses)")
    }

    @Test func withoutLibgit2RunStopsWithTheLibrarysNameAndValidateStillWorks() throws {
        try #require(Binary.isBuilt)
        let fixture = try GitFixture()
        try fixture.write(
            ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n")
        _ = try fixture.commit("workflow")
        let missing = ["CI_RUNNER_LIBGIT2": fixture.path + "/no/libgit2.so.1.5"]
        let run = try Binary.run(["run", "-l"], in: fixture.path, environment: missing)
        #expect(run.status == 2, "\(run.output)")
        #expect(run.error.contains("cannot load \(fixture.path)/no/libgit2.so.1.5"), "\(run.error)")
        let validate = try Binary.run(["validate", ".github/workflows/ci.yml"], in: fixture.path, environment: missing)
        #expect(validate.status == 0, "\(validate.output) \(validate.error)")
        // A library that is not libgit2: named, not called.
        let wrong = try Binary.run(["run", "-l"], in: fixture.path, environment: ["CI_RUNNER_LIBGIT2": "libc.so.6"])
        #expect(wrong.status == 2)
        #expect(wrong.error.contains("libc.so.6 has no git_libgit2_init"), "\(wrong.error)")
        // The real library under another file name works.
        let linked = "/usr/lib/x86_64-linux-gnu/libgit2.so.1.5"
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: linked) {
            let real = target.hasPrefix("/") ? target : "/usr/lib/x86_64-linux-gnu/" + target
            let other = try Binary.run(["run", "-l"], in: fixture.path, environment: ["CI_RUNNER_LIBGIT2": real])
            #expect(other.status == 0, "\(real): \(other.error)")
        }
    }
}
