import Testing

@testable import CIEngine

/// actions/setup-python's `python-version` ranges, against a fixed list of installed versions.
@Suite struct PythonVersionTests {
    static let installed = ["2.7.18", "3.8.18", "3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.13.0"].compactMap { PythonVersion($0) }

    @Test(arguments: [
        ("3.11", "3.11.7"), ("3.x", "3.13.0"), ("3", "3.13.0"), ("3.12.1", "3.12.1"), ("3.10.x", "3.10.13"), ("3.11.*", "3.11.7"),
        (">=3.9 <3.11", "3.10.13"), (">3.11", "3.13.0"), ("<=3.10", "3.10.13"), ("~3.9", "3.9.18"), ("^3.8", "3.13.0"),
        ("2.7 || 3.8", "3.8.18"), ("=3.9", "3.9.18"), ("v3.12", "3.12.1"),
    ])
    func picksTheNewestMatch(spec: String, expected: String) throws {
        let parsed = try #require(PythonVersionSpec(spec))
        #expect(parsed.best(of: Self.installed)?.description == expected)
    }

    @Test(arguments: ["3.14", "2.6", "3.11.99"])
    func nothingMatches(spec: String) throws {
        #expect(try #require(PythonVersionSpec(spec)).best(of: Self.installed) == nil)
    }

    @Test(arguments: ["pypy3.10", "graalpy-24", "", "three", "3..1"])
    func notAVersion(spec: String) {
        #expect(PythonVersionSpec(spec) == nil)
    }

    @Test func versionsCompareNumerically() throws {
        #expect(try #require(PythonVersion("3.9.18")) < #require(PythonVersion("3.10.1")))
        #expect(PythonInstallation.isVersionedName("python3.11") && !PythonInstallation.isVersionedName("python3.11-config"))
    }

    @Test func discoversTheHostsPython() {
        let found = PythonInstallation.discover(environment: ["PATH": "/usr/bin:/bin"])
        #expect(!found.isEmpty, "python3 is installed on this machine (scripts/setup.sh)")
        #expect(found.allSatisfy { $0.version.parts.count == 3 })
    }
}
