// swift-tools-version:6.0
import PackageDescription

/// Release builds optimise across module boundaries: the hot path crosses FileSource, Process, Relabel and LogCore.
let optimize: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "Tributary",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tributary", targets: ["tributary"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // ── The configuration language: knows nothing of logs ──
        // Byte-level codecs every module shares, each written once: JSON, Go quoting, base64, Go durations,
        // base-2 byte sizes, RFC 3339, UTF-8 checks. Depends on nothing.
        .target(name: "Codecs", swiftSettings: optimize),
        // Alloy configuration syntax: scanner, parser, AST, printer, diagnostics.
        .target(name: "Syntax", dependencies: ["Codecs"], swiftSettings: optimize),
        // The value language: values, expression evaluation, the standard library, decoding a block's body into
        // typed arguments.
        .target(name: "Evaluation", dependencies: ["Codecs", "Syntax", .product(name: "Yams", package: "Yams")],
                swiftSettings: optimize),
        // The component runtime: component protocols and registry, the configuration graph, the controller that
        // runs, updates, reloads and stops components.
        .target(name: "Runtime", dependencies: ["Codecs", "Syntax", "Evaluation", "Platform", .product(name: "Logging", package: "swift-log")],
                swiftSettings: optimize),

        // ── Log handling: a small core, then one module per capability ──
        // What the agent needs from the system beyond the standard library: wall clock, whole-file I/O, an async
        // wake signal and semaphore.
        .target(name: "Platform", swiftSettings: optimize),
        // Shared log types: entries, label sets, batches, receivers, acknowledgements.
        .target(name: "LogCore", dependencies: ["Codecs"], swiftSettings: optimize),
        // RE2 (the regex syntax Go, Prometheus and Alloy accept) behind a small C shim.
        .target(name: "CRE2", cxxSettings: [.unsafeFlags(["-std=c++17"])], linkerSettings: [.linkedLibrary("re2")]),
        .target(name: "RE2", dependencies: ["CRE2"], swiftSettings: optimize),
        // Prometheus relabel rules and their application.
        .target(name: "Relabel", dependencies: ["LogCore", "RE2"], swiftSettings: optimize),
        // libmaxminddb, for stage.geoip.
        .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb", providers: [.apt(["libmaxminddb-dev"])]),
        // JMESPath (Community edition, as go-jmespath): lexer, parser, interpreter, functions. Used by stage.json.
        .target(name: "JMESPath", dependencies: ["Codecs"], swiftSettings: optimize),
        // loki.process: the pipeline and one file per stage.
        .target(name: "Process", dependencies: [
            "Codecs", "JMESPath", "LogCore", "Platform", "RE2", "CMaxMindDB",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),
        // zlib, for reading rotated .gz files.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libbz2, for reading rotated .bz2 files.
        .systemLibrary(name: "CBzip2", providers: [.apt(["libbz2-dev"])]),
        // local.file_match and loki.source.file.
        .target(name: "FileSource", dependencies: [
            "Codecs", "LogCore", "Platform", "CZlib", "CBzip2",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),
        // libsystemd's sd-journal API, for loki.source.journal.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // loki.source.journal: reads the systemd journal on a thread of its own, cursor saved after acknowledgement.
        .target(name: "JournalSource", dependencies: [
            "Codecs", "LogCore", "Platform", "CSystemd",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),
        // The HTTP client arguments Alloy shares between components: auth, TLS, proxy, headers.
        .target(name: "HTTPClientSupport", dependencies: [
            "Codecs", "LogCore", "Platform",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: optimize),
        // discovery.kubernetes: list/watch of pods and nodes, targets labelled as Prometheus' Kubernetes SD does.
        .target(name: "KubeDiscovery", dependencies: [
            "Codecs", "LogCore", "Platform", "HTTPClientSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: optimize),
        // ISA-L's igzip: the fastest deflate for the default (level 1) push bodies on x86-64 and arm64.
        .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        // libdeflate: whole-buffer gzip of push bodies.
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // loki.write: JSON push bodies, gzip, the write-ahead log.
        .target(name: "LokiWrite", dependencies: [
            "Codecs", "LogCore", "Platform", "CDeflate", "CISAL", "HTTPClientSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),

        // ── Wiring: only these see both the language and the log modules ──
        // One adapter per Alloy component, turning a module into a component (Components/Support: shared code).
        .target(name: "Components", dependencies: [
            "Codecs", "Evaluation", "Runtime", "LogCore", "Platform", "FileSource", "Relabel", "Process", "LokiWrite",
            "HTTPClientSupport", "KubeDiscovery", "JournalSource",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),
        .executableTarget(name: "tributary", dependencies: [
            "Codecs", "Syntax", "Evaluation", "Runtime", "Components", "LogCore", "Platform", "Process", "LokiWrite",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: optimize),

        // ── Test support (TestSupport/): stand-ins for the parts that cannot run here, never in the agent ──
        // A Loki-compatible push receiver for tests, benchmarks and the local demo (`swift run fake-loki`).
        .target(name: "FakeLoki", dependencies: [
            "LokiWrite", "LogCore",
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], path: "TestSupport/FakeLoki"),
        .executableTarget(name: "fake-loki", dependencies: ["FakeLoki"], path: "TestSupport/fake-loki"),
        // A Kubernetes API server stand-in (list/watch, TLS, tokens, injected failures) for tests and benchmarks.
        .target(name: "FakeKubeAPI", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ], path: "TestSupport/FakeKubeAPI"),
        // HTTP stand-ins written by hand on loopback sockets: a CONNECT proxy and an OAuth2 token endpoint.
        .target(name: "LoopbackServers", path: "TestSupport/LoopbackServers"),
        // A throw-away CA and server certificate (openssl) for the TLS tests and benchmarks.
        .target(name: "TestTLS", path: "TestSupport/TestTLS"),
        // Real journal files for the journal tests and benchmark, written by systemd-journal-remote.
        .target(name: "JournalFixtures", path: "TestSupport/JournalFixtures"),

        // ── Benchmarks (Benchmarks/): separate executables, figures in the README ──
        // What the benchmarks share: a counting receiver and resource usage.
        .target(name: "BenchmarkSupport", dependencies: ["LogCore"], path: "Benchmarks/BenchmarkSupport"),
        // The file reading path.
        .executableTarget(name: "TailBenchmark", dependencies: [
            "BenchmarkSupport", "FileSource", "LogCore", .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/TailBenchmark", swiftSettings: optimize),
        // File reading plus a typical loki.process pipeline.
        .executableTarget(name: "PipelineBenchmark", dependencies: [
            "BenchmarkSupport", "Components", "Evaluation", "FileSource", "LogCore", "Platform", "Runtime", "Syntax",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/PipelineBenchmark", swiftSettings: optimize),
        // loki.source.journal: a 1,000,000-entry journal read, labelled and forwarded.
        .executableTarget(name: "JournalBenchmark", dependencies: [
            "BenchmarkSupport", "Components", "Evaluation", "JournalSource", "JournalFixtures", "LogCore", "Relabel", "Runtime",
            "Syntax", .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/JournalBenchmark", swiftSettings: optimize),
        // End to end: the real binary shipping to a local Loki-compatible receiver.
        .executableTarget(name: "ShipBenchmark", dependencies: ["FakeLoki"], path: "Benchmarks/ShipBenchmark"),
        // discovery.kubernetes against 5,000 pods served by the API stand-in.
        .executableTarget(name: "DiscoveryBenchmark", dependencies: [
            "KubeDiscovery", "LogCore", "FakeKubeAPI", "HTTPClientSupport", "TestTLS",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/DiscoveryBenchmark", swiftSettings: optimize),

        // ── Tests: one target per module ──
        .testTarget(name: "CodecsTests", dependencies: ["Codecs"]),
        .testTarget(name: "SyntaxTests", dependencies: ["Syntax"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Syntax"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Evaluation", "Syntax"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(name: "LogCoreTests", dependencies: ["LogCore"]),
        .testTarget(name: "RelabelTests", dependencies: ["Relabel", "RE2", "LogCore"]),
        .testTarget(name: "JMESPathTests", dependencies: ["JMESPath", "Codecs"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ProcessTests", dependencies: ["Process", "RE2", "LogCore", "Platform", "Components", "Evaluation", "Runtime", "Syntax"]),
        .testTarget(name: "FileSourceTests", dependencies: ["FileSource", "LogCore"]),
        .testTarget(name: "JournalSourceTests", dependencies: [
            "JournalSource", "JournalFixtures", "LogCore", "Relabel", "Components", "Evaluation", "Runtime", "Syntax",
        ]),
        .testTarget(name: "KubeDiscoveryTests", dependencies: [
            "KubeDiscovery", "LogCore", "FakeKubeAPI", "TestTLS", "HTTPClientSupport", "LoopbackServers", "Components", "Evaluation", "Runtime", "Syntax",
        ], resources: [.copy("Fixtures")]),
        .testTarget(name: "HTTPClientSupportTests", dependencies: [
            "HTTPClientSupport", "LoopbackServers", "Platform",
            .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "LokiWriteTests", dependencies: [
            "LokiWrite", "LogCore", "Platform", "FakeLoki", "HTTPClientSupport", "LoopbackServers", "TestTLS",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "ComponentsTests", dependencies: ["Components", "Runtime", "Evaluation", "Syntax", "LogCore"]),
        .testTarget(name: "IntegrationTests", dependencies: ["FakeLoki", "FakeKubeAPI", "TestTLS", "JournalFixtures", "LoopbackServers", .product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v6]
)
