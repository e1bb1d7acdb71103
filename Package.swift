// swift-tools-version:6.1
import PackageDescription

/// Set `CI_RUNNER_FUZZ=1` to add the libFuzzer targets (see docs/fuzzing.md).
/// They have no `main` of their own: libFuzzer provides it, so a normal build leaves them out.
let fuzzing = Context.environment["CI_RUNNER_FUZZ"] != nil

var targets: [Target] = [
    .target(name: "CIBasics"),
    .target(name: "CIYAML", dependencies: ["CIBasics"]),
    // libgit2 (headers from libgit2-dev) is opened with dlopen on first use, not linked: see
    // Sources/CLibGit2/shim.h. So no `pkgConfig: "libgit2"` here, whose `-lgit2` would load
    // the library and its 18 dependencies into every process at start (~2 ms each; the
    // sandbox agent and `validate` never use git). libgit2's pkg-config gives no -I flags.
    .systemLibrary(name: "CLibGit2", path: "Sources/CLibGit2", providers: [.apt(["libgit2-dev"])]),
    // Starts loading libgit2 for `ci-runner run` from a constructor, before Swift's main.
    .target(
        name: "CGitPreload", dependencies: ["CLibGit2"], cSettings: [.headerSearchPath("../CLibGit2")],
        linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
    .target(name: "CIGit", dependencies: ["CLibGit2", "CGitPreload"], linkerSettings: [.linkedLibrary("dl")]),
    .target(name: "CSpawn"),
    .target(name: "CISandbox", dependencies: ["CIBasics", "CSpawn"]),
    .target(name: "CIExpressions", dependencies: ["CIBasics", .product(name: "Crypto", package: "swift-crypto")]),
    .target(
        name: "CIWorkflow",
        dependencies: ["CIBasics", "CIYAML", "CIExpressions", .product(name: "OrderedCollections", package: "swift-collections")]
    ),
    .target(
        name: "CIEngine",
        dependencies: [
            "CIBasics", "CIExpressions", "CIWorkflow", "CISandbox", "CSpawn",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ]
    ),
    .target(
        name: "CICommands",
        dependencies: [
            "CIBasics", "CIYAML", "CIExpressions", "CIWorkflow", "CIGit", "CIEngine", "CISandbox",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "OrderedCollections", package: "swift-collections"),
        ]
    ),
    // Release builds link the Swift runtime and Foundation statically (libgit2 stays a shared
    // system library): a validate run starts in half the time (dynamic loading and relocation of
    // the Swift libraries cost ~3 ms a process).
    .executableTarget(
        name: "ci-runner", dependencies: ["CICommands"],
        swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))],
        linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))]
    ),
    // In-process timing loops for bench/ (parse throughput, expression evaluation, ...).
    .executableTarget(
        name: "ci-bench", dependencies: ["CIBasics", "CIYAML", "CIExpressions", "CIWorkflow"], path: "bench/Sources/ci-bench"),
    .target(name: "CITestSupport", dependencies: ["CIBasics"], path: "Tests/CITestSupport"),
    .testTarget(name: "CIBasicsTests", dependencies: ["CIBasics", "CITestSupport"]),
    .testTarget(name: "CIYAMLTests", dependencies: ["CIYAML", "CITestSupport"]),
    .testTarget(name: "CIGitTests", dependencies: ["CIGit", "CITestSupport"]),
    .testTarget(name: "CISandboxTests", dependencies: ["CISandbox", "CITestSupport"]),
    .testTarget(name: "CIEngineTests", dependencies: ["CIEngine", "CIWorkflow", "CITestSupport"]),
    .testTarget(name: "CIExpressionsTests", dependencies: ["CIExpressions", "CITestSupport"]),
    .testTarget(name: "CIWorkflowTests", dependencies: ["CIWorkflow", "CIYAML", "CITestSupport"]),
    .testTarget(name: "CICommandsTests", dependencies: ["CICommands", "CITestSupport"]),
]

if fuzzing {
    // Built only by scripts/fuzz.sh, which adds -sanitize=fuzzer,address.
    targets += [
        .executableTarget(name: "fuzz-yaml", dependencies: ["CIYAML"], path: "Fuzz/fuzz-yaml"),
        .executableTarget(name: "fuzz-workflow", dependencies: ["CIWorkflow"], path: "Fuzz/fuzz-workflow"),
        .executableTarget(name: "fuzz-expression", dependencies: ["CIExpressions"], path: "Fuzz/fuzz-expression"),
    ]
}

let package = Package(
    name: "ci-runner",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ci-runner", targets: ["ci-runner"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
