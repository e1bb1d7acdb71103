import CIBasics
import CITestSupport
import Foundation
import Testing

@Suite struct DiagnosticRenderingTests {
    @Test func aDiagnosticRendersWithItsSourceLineAndACaret() {
        let source = SourceText(path: "ci.yml", text: "jobs:\n  build:\n    run-on: x\n")
        let diagnostic = Diagnostic.error("unknown-key", "unknown key 'run-on'", at: SourceLocation(file: "ci.yml", line: 3, column: 5))
        #expect(
            diagnostic.rendered(source: source) == """
                ci.yml:3:5: error: unknown key 'run-on'
                   3 |     run-on: x
                     |     ^
                """)
    }

    @Test func theCaretKeepsTabsSoItLinesUp() {
        let source = SourceText(path: "f", text: "\tkey: value")
        let diagnostic = Diagnostic.warning("w", "here", at: SourceLocation(file: "f", line: 1, column: 7))
        #expect(diagnostic.rendered(source: source).hasSuffix("     | \t     ^"))
    }

    @Test func colourIsOnlyAddedWhenAsked() {
        let diagnostic = Diagnostic.error("e", "bad", at: nil)
        #expect(diagnostic.rendered(source: nil) == "error: bad")
        #expect(diagnostic.rendered(source: nil, style: TextStyle(colored: true)).contains("\u{1B}[31m"))
    }

    @Test func noColorDisablesColour() {
        #expect(TextStyle.forFileDescriptor(1, environment: ["NO_COLOR": "1"]) == .plain)
        #expect(TextStyle.forFileDescriptor(1, environment: ["TERM": "dumb"]) == .plain)
    }

    @Test func sourceTextSplitsLinesOnLFCRLFAndCR() {
        let source = SourceText(path: "f", bytes: Array("\u{FEFF}a\r\nb\rc\nd".utf8))
        #expect((1...4).map { source.line($0) } == ["a", "b", "c", "d"])
        #expect(source.line(5) == nil)
    }

    @Test func locateFindsTheNthOccurrenceAfterAPosition() {
        let source = SourceText(path: "f", text: "run: |\n  echo $x\n  echo $x\n")
        let start = SourceLocation(file: "f", line: 1, column: 6)
        #expect(source.locate("$x", from: start) == SourceLocation(file: "f", line: 2, column: 8))
        #expect(source.locate("$x", from: start, occurrence: 1) == SourceLocation(file: "f", line: 3, column: 8))
    }

    @Test func sortedUniqueDropsRepeatsAndOrdersByPlace() {
        let a = Diagnostic.error("e", "a", at: SourceLocation(file: "f", line: 2, column: 1))
        let b = Diagnostic.error("e", "b", at: SourceLocation(file: "f", line: 1, column: 3))
        #expect([a, b, a].sortedUnique() == [b, a])
    }

    @Test(arguments: [
        ("run-on", ["runs-on", "steps", "needs"], "runs-on"), ("rusn-on", ["runs-on", "steps"], "runs-on"),
        ("RUNS-ON", ["runs-on"], "runs-on"), ("stpes", ["steps", "strategy"], "steps"),
    ])
    func suggestionsFindTheClosestKey(word: String, candidates: [String], expected: String) {
        #expect(Suggestion.closest(to: word, in: candidates) == expected)
    }

    @Test func unrelatedWordsGetNoSuggestion() {
        #expect(Suggestion.closest(to: "foo", in: ["runs-on", "steps"]) == nil)
    }
}

@Suite struct JSONValueTests {
    @Test(arguments: [
        (3.1, "3.1"), (1000.0, "1000.0"), (1e16, "1e+16"), (1.5e-5, "1.5e-05"), (0.0001, "0.0001"), (-2.5, "-2.5"),
        (1234567890123456.0, "1234567890123456.0"), (Double.infinity, "Infinity"), (0.1 + 0.2, "0.30000000000000004"),
    ])
    func floatsPrintAsPythonReprDoes(value: Double, expected: String) {
        #expect(JSONValue.pythonRepr(value) == expected)
    }

    @Test(arguments: [
        (3.1, "3.1"), (1000.0, "1000"), (1e21, "1E+21"), (1e14, "100000000000000"), (1e15, "1E+15"), (1e-7, "1E-07"), (-0.5, "-0.5"),
        (0.1 + 0.2, "0.3"), (12345678901234567890.0, "1.23456789012346E+19"), (0.0001, "0.0001"), (0.00001, "1E-05"), (-0.0, "0"),
        (123456789.123456789, "123456789.123457"),
    ])
    func numbersPrintAsGitHubDoes(value: Double, expected: String) {
        #expect(GitHubNumber.string(value) == expected)
    }

    @Test func pythonFormatSortsKeysAndEscapesNonASCII() {
        let value = JSONValue.object([("b", .string("é\n")), ("a", .array([.int(1), .null, .bool(true)]))])
        #expect(value.serialized(.python) == #"{"a": [1, null, true], "b": "\u00e9\n"}"#)
    }

    @Test func astralCharactersBecomeSurrogatePairs() {
        #expect(JSONValue.string("😀").serialized(.python) == #""\ud83d\ude00""#)
    }

    @Test func parsingRoundTrips() throws {
        let text = #"{"a": [1, 2.5, "x\u00e9\ud83d\ude00", null, true], "b": {"c": -3}}"#
        let value = try JSONValue.parse(text)
        #expect(value["b"]?["c"] == .int(-3))
        #expect(try JSONValue.parse(value.serialized(.compact)) == value)
    }

    /// Compact strings (steps' output in `--json`) escape every control character, quote and
    /// backslash, pass other UTF-8 through, and parse back to the same text, whatever its length.
    @Test func compactStringsEscapeWhatJSONNeedsAndRoundTrip() throws {
        #expect(JSONValue.string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}é😀").serialized() == #""a\"b\\c\n\r\t\b\f\u0001\u001fé😀""#)
        var generator = SystemRandomNumberGenerator()
        let pieces = ["y", "\n", "\"", "\\", "\u{00}", "\u{07}", "é", "😀", "abcdefgh", "\t", "~", "\u{7F}"]
        for _ in 0..<200 {
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            let serialized = JSONValue.string(text).serialized()
            #expect(!serialized.utf8.contains { $0 < 0x20 }, "no raw control character in \(serialized)")
            #expect(try JSONValue.parse(serialized) == .string(text))
        }
    }

    @Test func parseErrorsNameTheLineAndColumn() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\n  \"a\": ]") }
        do {
            _ = try JSONValue.parse("{\n  \"a\": ]")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 8)
        }
    }
}

@Suite struct DirectoriesTests {
    @Test func createMakesMissingParentsAcceptsAnExistingDirectoryAndRefusesAFile() throws {
        let scratch = try TemporaryDirectory()
        let nested = scratch.path + "/a/b/c"
        try Directories.create(nested, mode: 0o700)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: nested, isDirectory: &isDirectory) && isDirectory.boolValue)
        let mode = try FileManager.default.attributesOfItem(atPath: nested)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        try Directories.create(nested)
        _ = try scratch.write("file", "x")
        #expect(throws: Directories.Failure.self) { try Directories.create(scratch.path + "/file") }
        #expect(throws: Directories.Failure.self) { try Directories.create(scratch.path + "/file/below") }
    }
}

@Suite struct FileTreeTests {
    @Test func removeDeletesATreeWithoutFollowingLinksAndAcceptsAMissingPath() throws {
        let scratch = try TemporaryDirectory()
        let outside = try scratch.write("outside/keep.txt", "kept")
        let tree = scratch.path + "/tree"
        try Directories.create(tree + "/a/b/c")
        for name in ["a/one", "a/b/two", "a/b/c/three", "top"] { try Files.write(tree + "/" + name, text: name) }
        // A link to a file and one to a folder outside: removed as links, their targets kept.
        try FileManager.default.createSymbolicLink(atPath: tree + "/a/file-link", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: tree + "/a/b/dir-link", withDestinationPath: scratch.path + "/outside")
        try Directories.remove(tree)
        #expect(!FileManager.default.fileExists(atPath: tree))
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "kept")
        try Directories.remove(tree)  // already gone: fine
        try Files.write(scratch.path + "/file", text: "x")
        try Directories.remove(scratch.path + "/file")  // a file works too
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/file"))
    }

    @Test func removeEmptiesAFolderAStepMadeReadOnly() throws {
        let scratch = try TemporaryDirectory()
        let tree = scratch.path + "/cache"
        try Directories.create(tree + "/module/pkg")
        try Files.write(tree + "/module/pkg/go.mod", text: "module x\n")
        // As Go's module cache leaves its folders: no write permission.
        chmod(tree + "/module/pkg", 0o555)
        chmod(tree + "/module", 0o555)
        try Directories.remove(tree)
        #expect(!FileManager.default.fileExists(atPath: tree))
    }

    @Test func copyKeepsBytesAndPermissionsCopiesLinksAsLinksAndReportsFoldersAndMissingFiles() throws {
        let scratch = try TemporaryDirectory()
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Files.write(scratch.path + "/run.sh", bytes)
        chmod(scratch.path + "/run.sh", 0o775)  // group write, which the usual umask (022) takes away, and execute bits
        try Files.write(scratch.path + "/private", text: "p")
        chmod(scratch.path + "/private", 0o600)
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/link", withDestinationPath: "../elsewhere/none")
        try Directories.create(scratch.path + "/folder")
        try Directories.create(scratch.path + "/copy")
        #expect(try Files.copy(scratch.path + "/run.sh", to: scratch.path + "/copy/run.sh") == .copied)
        #expect(FileManager.default.contents(atPath: scratch.path + "/copy/run.sh") == Data(bytes))
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.path + "/copy/run.sh")[.posixPermissions] as? Int
        #expect(mode == 0o775, "the source's bits, whatever the umask")
        #expect(try Files.copy(scratch.path + "/private", to: scratch.path + "/copy/private") == .copied)
        #expect(try FileManager.default.attributesOfItem(atPath: scratch.path + "/copy/private")[.posixPermissions] as? Int == 0o600)
        #expect(try Files.copy(scratch.path + "/link", to: scratch.path + "/copy/link") == .copied)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.path + "/copy/link") == "../elsewhere/none")
        #expect(try Files.copy(scratch.path + "/folder", to: scratch.path + "/copy/folder") == .directory)
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/copy/folder"))
        #expect(try Files.copy(scratch.path + "/gone", to: scratch.path + "/copy/gone") == .missing)
        // The target must be new.
        #expect(throws: Directories.Failure.self) { try Files.copy(scratch.path + "/private", to: scratch.path + "/copy/private") }
    }

    @Test func writeCreatesTruncatesAndMakesTheFolderWhenAsked() throws {
        let scratch = try TemporaryDirectory()
        let file = scratch.path + "/f.txt"
        try Files.write(file, text: "a longer first text")
        try Files.write(file, text: "short")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "short")
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o600 == 0o600 && $0 & 0o7111 == 0 } == true, "rw for the owner, no execute bits")
        let nested = scratch.path + "/new/folder/f.txt"
        #expect(throws: Directories.Failure.self) { try Files.write(nested, text: "x") }
        try Files.write(nested, Array("bytes".utf8), makingDirectory: true)
        #expect(try String(contentsOfFile: nested, encoding: .utf8) == "bytes")
        do {
            try Files.write(scratch.path + "/missing/f.txt", text: "x")
            Issue.record("expected a failure")
        } catch {
            #expect(error.description.hasPrefix("cannot create \(scratch.path)/missing/f.txt: No such file or directory"))
        }
    }
}
