// ci-bench: in-process timing loops for the scripts in bench/ (see bench/README.md).
//
//   ci-bench parse FILE...   YAML.parse on every file, repeatedly
//   ci-bench load FILE...    WorkflowLoader.load (YAML + workflow validation + lints), repeatedly
//   ci-bench check FILE...   prints the files YAML.parse throws on, one per line (nothing timed)
//   ci-bench expr EVENT.json ns per expression evaluation, parse+evaluate and toJSON(github)
//                            (ExpressionBench.swift)
//
// Every file is read into memory before timing starts. After a warm-up, whole passes over all
// files run until at least `--seconds` (default 2) have passed; nothing is cached between passes,
// and each result is folded into a checksum so the work cannot be optimised away. The result is
// one JSON line on stdout.

import CIWorkflow
import CIYAML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes `ci-bench: message` to standard error.
private func printError(_ message: String) {
    let line = Array("ci-bench: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    printError(message)
    exit(2)
}

private let usage = """
    usage: ci-bench parse|load [--seconds S] [--warmup N] FILE...
           ci-bench check FILE...
           ci-bench expr [--seconds S] [--warmup N] [--only NAME] EVENT.json
      parse   time YAML.parse on the files' bytes
      load    time WorkflowLoader.load (YAML, workflow validation and lints)
      check   print the files YAML.parse throws on, one per line, and why on stderr
      expr    time CIExpressions on a push event's contexts: a 3-operand condition parsed
              once (eval_ns, eval_mixed_ns, condition_ns), parsed every time (parse_eval_ns),
              and toJSON(github) with EVENT.json as github.event (tojson_ns); --only NAME
              (eval, eval_mixed, condition, parse_eval, tojson) runs one, for profiling
    Prints one JSON line: mode, files, bytes, iterations, seconds, mb_per_s, files_per_s
    (expr: the ns per operation of each measurement; --seconds is per measurement).
    """

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count == 0 { break }
        bytes += chunk[0..<count]
    }
    if ferror(file) != 0 { fail("cannot read \(path)") }
    return bytes
}

private enum Mode: String {
    case parse
    case load
}

/// One pass over every file; returns a number that depends on every result.
private func pass(_ mode: Mode, _ inputs: [(path: String, bytes: [UInt8])]) -> Int {
    var checksum = 0
    switch mode {
    case .parse:
        for input in inputs {
            do {
                let document = try YAML.parse(input.bytes)
                checksum &+= (document.root == nil ? 1 : 2) &+ document.warnings.count &+ document.errors.count
            } catch {
                checksum &+= 3
            }
        }
    case .load:
        for input in inputs {
            let result = WorkflowLoader.load(input.bytes, path: input.path)
            checksum &+= (result.isValid ? 1 : 2) &+ result.diagnostics.count
        }
    }
    return checksum
}

/// Prints each file that `YAML.parse` rejects; the scripts leave them out of the timed set.
private func check(_ paths: [String]) {
    for path in paths {
        do {
            _ = try YAML.parse(readFile(path))
        } catch {
            print(path)
            printError("\(path): \(error)")
        }
    }
}

private func run(_ arguments: [String]) {
    if arguments.first == "check" { return check(Array(arguments.dropFirst())) }
    guard let first = arguments.first, first == "expr" || Mode(rawValue: first) != nil else { fail("\n" + usage) }
    var minimumSeconds = 2.0
    var warmupPasses = 3
    var only: String?
    var paths: [String] = []
    var rest = arguments.dropFirst()
    while let argument = rest.popFirst() {
        switch argument {
        case "--seconds":
            guard let value = rest.popFirst().flatMap(Double.init), value > 0 else { fail("--seconds needs a positive number") }
            minimumSeconds = value
        case "--warmup":
            guard let value = rest.popFirst().flatMap(Int.init), value >= 0 else { fail("--warmup needs a count") }
            warmupPasses = value
        case "--only":
            guard let value = rest.popFirst() else { fail("--only needs a measurement name") }
            only = value
        default:
            paths.append(argument)
        }
    }
    if paths.isEmpty { fail("no files\n" + usage) }
    if first == "expr" {
        guard paths.count == 1 else { fail("expr takes one event file\n" + usage) }
        return expressionBench(seconds: minimumSeconds, warmup: warmupPasses, only: only, eventPath: paths[0])
    }
    guard let mode = Mode(rawValue: first) else { fail("\n" + usage) }

    let inputs = paths.map { (path: $0, bytes: readFile($0)) }
    let totalBytes = inputs.reduce(0) { $0 + $1.bytes.count }

    var checksum = 0
    for _ in 0..<warmupPasses { checksum &+= pass(mode, inputs) }

    var iterations = 0
    let start = monotonicSeconds()
    var elapsed = 0.0
    repeat {
        checksum &+= pass(mode, inputs)
        iterations += 1
        elapsed = monotonicSeconds() - start
    } while elapsed < minimumSeconds

    let megabytes = Double(totalBytes) * Double(iterations) / 1e6
    let fields: [(String, String)] = [
        ("mode", "\"\(mode.rawValue)\""),
        ("files", "\(inputs.count)"),
        ("bytes", "\(totalBytes)"),
        ("iterations", "\(iterations)"),
        ("seconds", "\(elapsed)"),
        ("mb_per_s", "\(megabytes / elapsed)"),
        ("files_per_s", "\(Double(inputs.count * iterations) / elapsed)"),
        ("checksum", "\(checksum)"),
    ]
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
}

run(Array(CommandLine.arguments.dropFirst()))
