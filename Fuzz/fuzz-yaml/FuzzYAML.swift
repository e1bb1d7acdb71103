import CIBasics
import CIYAML

/// libFuzzer entry point: parse arbitrary bytes as YAML, then serialise the value.
///
/// Any crash, hang or sanitizer report is a bug; errors are expected results.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = YAMLLimits(maxInputBytes: 1 << 20, maxDepth: 256, maxNodes: 100_000)
    if let document = try? YAML.parse(bytes, limits: limits) {
        _ = document.jsonValue.serialized(.python)
    }
    return 0
}
