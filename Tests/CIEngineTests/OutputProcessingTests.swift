import CIBasics
import CITestSupport
import Foundation
import Synchronization
import Testing

@testable import CIEngine

/// Collects what a `StepOutput` passes on.
final class OutputCollector: Sendable {
    final class Received: Sendable {
        let state = Mutex<(text: [UInt8], commands: [WorkflowCommand])>(([], []))
    }
    let received = Received()
    let output: StepOutput

    init(secrets: [String] = []) {
        let masks = MaskRegistry(secrets)
        let received = self.received
        self.output = StepOutput(
            masks: masks, onOutput: { bytes in received.state.withLock { $0.text += bytes } },
            onCommand: { command in
                received.state.withLock { $0.commands.append(command) }
                if command.name == "add-mask" { masks.add(command.message) }
            })
    }

    /// Feeds `chunks` and finishes.
    func feed(_ chunks: [String]) -> (text: String, commands: [WorkflowCommand]) {
        for chunk in chunks { Array(chunk.utf8).withUnsafeBytes { output.consume($0) } }
        output.finish()
        return received.state.withLock { (String(decoding: $0.text, as: UTF8.self), $0.commands) }
    }
}

@Suite struct SecretMaskingTests {
    @Test func masksEveryOccurrenceOnALine() {
        #expect(SecretMasker(["hunter2"]).mask("a hunter2 b hunter2\n") == "a *** b ***\n")
    }

    @Test func theLongestSecretWinsWhereTwoOverlap() {
        #expect(SecretMasker(["abc", "abcdef"]).mask("xabcdefx abcx") == "x***x ***x")
        // Overlapping and touching secrets become one `***`, as on GitHub: no piece of either shows.
        #expect(SecretMasker(["abc", "cde"]).mask("xabcdex") == "x***x")
        #expect(SecretMasker(["abc", "def"]).mask("xabcdefx abc def") == "x***x *** ***")
        #expect(SecretMasker(["aba"]).mask("xababax") == "x***x")
    }

    @Test func aMultiLineSecretIsMaskedLineByLine() {
        let masker = SecretMasker(["first line\nsecond line"])
        #expect(masker.mask("first line\nsecond line\n") == "***\n***\n")
        #expect(masker.mask("only second line here") == "only *** here")
    }

    @Test func blankValuesAreNotSecrets() {
        #expect(SecretMasker([" ", "", "\t\n"]).isEmpty)
    }

    @Test func aSecretSplitAcrossChunksIsStillMasked() {
        // Every split point of the line, including inside the secret.
        let line = "token=s3cr3t-value!\n"
        let bytes = Array(line.utf8)
        for cut in 1..<bytes.count {
            let collector = OutputCollector(secrets: ["s3cr3t-value"])
            let first = String(decoding: bytes[..<cut], as: UTF8.self)
            let second = String(decoding: bytes[cut...], as: UTF8.self)
            #expect(collector.feed([first, second]).text == "token=***!\n", "cut at \(cut)")
        }
    }

    @Test func aSecretWrittenOneByteAtATimeIsMasked() {
        let collector = OutputCollector(secrets: ["abcdef"])
        #expect(collector.feed("xx abcdef yy\n".map { String($0) }).text == "xx *** yy\n")
    }

    /// The sampling scan masks what GitHub's runner masks (every occurrence, merged), for secrets
    /// of every length (one byte too; shortest secrets below, at and above the four-byte pieces it
    /// samples) sharing prefixes and pieces, in random text made of their bytes.
    @Test func theSamplingScanMasksWhatANaiveScanMasks() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcxy\n".utf8)
        /// GitHub's runner: every occurrence of every secret, sorted by start; ranges that overlap
        /// or touch merge; each merged range becomes `***`.
        func naive(_ text: [UInt8], _ secrets: [[UInt8]]) -> [UInt8] {
            var ranges: [(start: Int, end: Int)] = []
            for secret in Set(secrets) where !secret.isEmpty && secret.count <= text.count {
                for start in 0...(text.count - secret.count) where Array(text[start..<start + secret.count]) == secret {
                    ranges.append((start, start + secret.count))
                }
            }
            var merged: [(start: Int, end: Int)] = []
            for range in ranges.sorted(by: { $0.start < $1.start }) {
                if let last = merged.last, range.start <= last.end {
                    merged[merged.count - 1].end = max(last.end, range.end)
                } else {
                    merged.append(range)
                }
            }
            var out: [UInt8] = []
            var copied = 0
            for range in merged {
                out += text[copied..<range.start] + Array("***".utf8)
                copied = range.end
            }
            return out + text[copied...]
        }
        for round in 0..<900 {
            let count = Int.random(in: 1...5, using: &generator)
            // Lengths 1–6 in two rounds of three, 4–16 in the third (only pieces of four bytes are sampled).
            let lengths = [1...6, 2...6, 4...16][round % 3]
            let secrets = (0..<count).map { _ in
                String(
                    decoding: (0..<Int.random(in: lengths, using: &generator)).map { _ in
                        alphabet[Int.random(in: 0..<5, using: &generator)]
                    }, as: UTF8.self)
            }
            // Text made of the secrets' bytes, with pieces of the secrets themselves in it.
            var text: [UInt8] = []
            let length = Int.random(in: 0...300, using: &generator)
            while text.count < length {
                if Bool.random(using: &generator), let secret = secrets.randomElement(using: &generator) {
                    let bytes = Array(secret.utf8)
                    text += bytes[0..<Int.random(in: 1...bytes.count, using: &generator)]
                } else {
                    text.append(alphabet.randomElement(using: &generator) ?? 0x61)
                }
            }
            let masked = SecretMasker(secrets).mask(String(decoding: text, as: UTF8.self))
            let expected = String(
                decoding: naive(text, secrets.flatMap { [Array($0.utf8)] + SecretEncodings.variants(of: $0) }), as: UTF8.self)
            #expect(masked == expected, "secrets \(secrets) in \(String(decoding: text, as: UTF8.self).debugDescription)")
        }
    }

    /// Masks added one at a time (as `::add-mask::` does), thousands of them, longer and shorter
    /// than the ones before, are all found.
    @Test func thousandsOfMasksAddedOneByOneAreAllFound() {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<3000).map { index in "tok\(index)-" + String(repeating: "x", count: Int.random(in: 0...12, using: &generator)) }
        var masker = SecretMasker()
        for value in values.shuffled(using: &generator) { masker.add(value) }
        let sample = (0..<50).compactMap { _ in values.randomElement(using: &generator) }
        let text = sample.map { "[" + $0 + "]" }.joined(separator: " ") + " tok-not-a-secret\n"
        #expect(masker.mask(text) == sample.map { _ in "[***]" }.joined(separator: " ") + " tok-not-a-secret\n")
    }

    /// The encodings GitHub's runner masks too, with the cases of its own test
    /// (actions/runner, HostContextL0.DefaultSecretMaskers).
    @Test func encodingsOfASecretAreMaskedAsOnGitHub() {
        let masker = SecretMasker([
            "Password123!", "Pass\"word\"123!", "Pass word 123!", "Pass<word>123!", "Pass'word'123!", "\"Password123!!\"", "\"short\"",
        ])
        func base64(_ text: String) -> String { String(decoding: SecretEncodings.base64(Array(text.utf8)[...]), as: UTF8.self) }
        let cases: [(String, String)] = [
            ("123Password123!123", "123***123"),
            ("password123", "password123"),
            ("123Pass\\\"word\\\"123!123", "123***123"),  // JSON
            ("123Pass%20word%20123%21123", "123***123"),  // URI
            ("123Pass&lt;word&gt;123!123", "123***123"),  // XML
            ("123Pass''word''123!123", "123***123"),  // expression string
            (base64(":Password123!"), "OlBh***"),
            (base64("a:Password123!"), "YTpQ***"),
            (base64("ab:Password123!"), "YWI6***"),
            (base64("abc:Password123!"), "YWJjOlBh***"),
            (base64("abcd:Password123!"), "YWJjZDpQ***"),
            (base64("abcde:Password123!"), "YWJjZGU6***"),
            ("123Password123!!123", "123***123"),  // quotes trimmed
            ("123short123", "123short123"),  // too short to trim
            ("123\"short\"123", "123***123"),
        ]
        for (text, expected) in cases { #expect(masker.mask(text) == expected, "\(text)") }
        #expect(base64("Password123!") == "UGFzc3dvcmQxMjMh" && base64("ab") == "YWI=" && base64("a") == "YQ==")
    }

    @Test func fiftySecretsStreamThroughALargeBlock() {
        var secrets: [String] = []
        for index in 0..<50 { secrets.append("secret-\(index)-\(String(repeating: "z", count: index % 7 + 10))") }
        let masker = SecretMasker(secrets)
        let text = String(repeating: "y\n", count: 100_000) + secrets[17] + "\n"
        let masked = masker.mask(text)
        #expect(masked.hasSuffix("y\n***\n"))
        #expect(masked.utf8.count == text.utf8.count - secrets[17].utf8.count + 3)
    }
}

@Suite struct WorkflowCommandTests {
    @Test func commandsAreReadOnlyAtTheStartOfALine() {
        let result = OutputCollector().feed(["::warning file=a.txt,line=3::careful\n", "  ::error::indented is text\n"])
        #expect(result.commands.map(\.name) == ["warning"])
        #expect(result.commands.first?.properties == ["file": "a.txt", "line": "3"])
        #expect(result.text == "  ::error::indented is text\n")
    }

    @Test func aCommandInsideABlockOfLinesIsFound() {
        let result = OutputCollector().feed(["a: b\nx::y\n::notice::found\nafter: c\n"])
        #expect(result.commands.map(\.name) == ["notice"])
        #expect(result.text == "a: b\nx::y\nafter: c\n")
    }

    @Test func unknownCommandsArePrintedAsText() {
        let result = OutputCollector().feed(["::not-a-command::hello\n"])
        #expect(result.commands.isEmpty)
        #expect(result.text == "::not-a-command::hello\n")
    }

    @Test func addMaskHidesTheValueFromTheNextLineOn() {
        let result = OutputCollector().feed(["::add-mask::p4ss\nthe p4ss is hidden\n"])
        #expect(result.text == "the *** is hidden\n")
    }

    @Test func stopCommandsPrintsCommandsUntilItsToken() {
        let result = OutputCollector().feed([
            "::stop-commands::pause-token\n", "::warning::not a command now\n", "::pause-token::\n", "::notice::a command again\n",
        ])
        #expect(result.text == "::warning::not a command now\n")
        #expect(result.commands.map(\.name) == ["stop-commands", "notice"])
    }

    @Test func escapesInDataAndProperties() throws {
        let command = try #require(WorkflowCommand.parse("::error title=a%3Ab%2Cc::line1%0Aline2%25"))
        #expect(command.properties["title"] == "a:b,c")
        #expect(command.message == "line1\nline2%")
    }

    @Test func aLastLineWithoutLineBreakIsKept() {
        #expect(OutputCollector().feed(["no newline at the end"]).text == "no newline at the end")
    }
}

@Suite struct EnvironmentFileTests {
    @Test func pairsAndHeredocs() throws {
        let pairs = try EnvironmentFile.parsePairs("A=1\nB=x=y\nMULTI<<EOF\nline one\nline=two\nEOF\r\nC=\n")
        #expect(pairs.map(\.name) == ["A", "B", "MULTI", "C"])
        #expect(pairs.map(\.value) == ["1", "x=y", "line one\nline=two", ""])
    }

    @Test func anUnclosedHeredocIsAnError() {
        #expect(throws: EnvironmentFile.Problem.self) { try EnvironmentFile.parsePairs("X<<END\nvalue\n") }
    }

    @Test func aLineWithoutEqualsIsAnErrorWithItsLine() {
        #expect(throws: EnvironmentFile.Problem(message: "'garbage' is neither NAME=value nor NAME<<DELIMITER", line: 2)) {
            try EnvironmentFile.parsePairs("A=1\ngarbage\n")
        }
    }

    @Test func pathsInOrder() {
        #expect(EnvironmentFile.parsePaths("/a\n\n/b\r\n") == ["/a", "/b"])
    }
}

@Suite struct ShellCommandTests {
    @Test func githubsDefaultInvocations() {
        let implicit = ShellCommand.make(shell: nil, bashAvailable: true)
        #expect(ShellCommand.from(template: implicit.template, name: implicit.name, scriptPath: "/s.sh").arguments == ["-e", "/s.sh"])
        let explicit = ShellCommand.make(shell: "bash", bashAvailable: true)
        let command = ShellCommand.from(template: explicit.template, name: explicit.name, scriptPath: "/s.sh")
        #expect([command.executable] + command.arguments == ["bash", "--noprofile", "--norc", "-eo", "pipefail", "/s.sh"])
        #expect(ShellCommand.make(shell: nil, bashAvailable: false).template == "sh -e {0}")
    }

    @Test func pythonAndCustomShells() {
        let python = ShellCommand.make(shell: "Python", bashAvailable: true)
        let command = ShellCommand.from(template: python.template, name: python.name, scriptPath: "/s")
        #expect(command.executable == "python" && command.fileExtension == ".py")
        let custom = ShellCommand.make(shell: "perl -w {0}", bashAvailable: true)
        let perl = ShellCommand.from(template: custom.template, name: custom.name, scriptPath: "/tmp/x")
        #expect([perl.executable] + perl.arguments == ["perl", "-w", "/tmp/x"])
    }

    /// act's TestStep_ShellCommand table: the same templates, up to how the words are spelled
    /// (act writes `-e -o pipefail` where GitHub writes `-eo pipefail`).
    @Test func actShellCommandCases() throws {
        try #require(Corpus.isAvailable)
        let json = try JSONValue.parse(bytes: try Corpus.bytes("act/shell_command_cases.json"))
        for item in json["cases"]?.arrayValue ?? [] {
            let shell = item["shell"]?.stringValue ?? ""
            let explicit = !(item["workflow_shell"]?.stringValue ?? "").isEmpty
            let made = ShellCommand.make(shell: explicit || shell != "bash" ? shell : nil, bashAvailable: true)
            let ours = ShellCommand.from(template: made.template, name: made.name, scriptPath: "S")
            let theirs = (item["want"]?.stringValue ?? "").replacing("-e -o pipefail", with: "-eo pipefail")
            let act = ShellCommand.from(template: theirs, name: made.name, scriptPath: "S")
            // pwsh: GitHub's template passes ". 'S'" as one argument; act splits it. Same command.
            let words = { (command: ShellCommand) in
                ([command.executable] + command.arguments).joined(separator: " ").replacing("'", with: "")
            }
            #expect(words(ours) == words(act), "\(shell)")
        }
    }
}

@Suite struct TerminalReporterTests {
    /// Durations print to the nearest tenth of a second below a minute (as "%.1f" does, ties
    /// aside), then as minutes and seconds.
    @Test func durationsPrintInTenthsThenMinutes() {
        for seconds in [0, 0.04, 0.06, 0.149, 0.151, 1.0, 2.44, 9.99, 12.34, 59.94] {
            #expect(TerminalReporter.duration(seconds) == String(format: "%.1fs", seconds), "\(seconds)")
        }
        #expect(TerminalReporter.duration(0.25) == "0.3s")
        #expect(TerminalReporter.duration(61.2) == "1m1s")
        #expect(TerminalReporter.duration(3725) == "62m5s")
    }
}
