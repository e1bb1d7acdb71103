import CIBasics
import CIWorkflow
import CIYAML

/// libFuzzer entry point: load arbitrary bytes as a workflow, render its diagnostics and, when it
/// loads, its inspection JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkflow(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let options = LoadOptions(limits: YAMLLimits(maxInputBytes: 1 << 20, maxDepth: 256, maxNodes: 100_000))
    let result = WorkflowLoader.load(bytes, path: "fuzz.yml", options: options)
    for diagnostic in result.diagnostics { _ = diagnostic.rendered(source: result.source) }
    if let workflow = result.workflow { _ = workflow.inspectionJSON().serialized(.pretty) }
    return 0
}
