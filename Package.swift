// swift-tools-version:6.1
import PackageDescription

/// Set `CI_RUNNER_FUZZ=1` to add the libFuzzer targets (see docs/fuzzing.md).
/// They have no `main` of their own: libFuzzer provides it, so a normal build leaves them out.
let fuzzing = Context.environment["CI_RUNNER_FUZZ"] != nil

var targets: [Target] = [
    .target(name: "CIBasics"),
    .target(name: "CIYAML", dependencies: ["CIBasics"]),
    .target(
        name: "CIWorkflow",
        dependencies: ["CIBasics", "CIYAML", .product(name: "OrderedCollections", package: "swift-collections")]
    ),
    .target(
        name: "CICommands",
        dependencies: [
            "CIBasics", "CIYAML", "CIWorkflow",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "OrderedCollections", package: "swift-collections"),
        ]
    ),
    .executableTarget(name: "ci-runner", dependencies: ["CICommands"]),
    .target(name: "CITestSupport", dependencies: ["CIBasics"], path: "Tests/CITestSupport"),
    .testTarget(name: "CIBasicsTests", dependencies: ["CIBasics", "CITestSupport"]),
    .testTarget(name: "CIYAMLTests", dependencies: ["CIYAML", "CITestSupport"]),
    .testTarget(name: "CIWorkflowTests", dependencies: ["CIWorkflow", "CIYAML", "CITestSupport"]),
    .testTarget(name: "CICommandsTests", dependencies: ["CICommands", "CITestSupport"]),
]

if fuzzing {
    targets += [
        .executableTarget(
            name: "fuzz-yaml", dependencies: ["CIYAML"], path: "Fuzz/fuzz-yaml",
            swiftSettings: [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ),
        .executableTarget(
            name: "fuzz-workflow", dependencies: ["CIWorkflow"], path: "Fuzz/fuzz-workflow",
            swiftSettings: [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ),
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
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
