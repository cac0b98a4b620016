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
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // Byte-level codecs every module shares, each written once: JSON, Go quoting, base64, Go durations,
        // base-2 byte sizes, RFC 3339, UTF-8 checks. Depends on nothing.
        .target(name: "Codecs", swiftSettings: optimize),
        // Alloy configuration syntax: scanner, parser, AST, printer, diagnostics. Knows nothing of logs.
        .target(name: "Syntax", dependencies: ["Codecs"], swiftSettings: optimize),
        // Values, evaluation, standard library, component registry and graph.
        .target(name: "Runtime", dependencies: ["Codecs", "Syntax", .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams")],
                swiftSettings: optimize),
        // Shared log types: entries, label sets, batches, receivers, acknowledgements.
        .target(name: "LogCore", dependencies: ["Codecs"], swiftSettings: optimize),
        // local.file_match and loki.source.file.
        .target(name: "FileSource", dependencies: [
            "Codecs", "LogCore", "CZlib",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),
        // RE2 (the regex syntax Go, Prometheus and Alloy accept) behind a small C shim.
        .target(name: "CRE2", cxxSettings: [.unsafeFlags(["-std=c++17"])], linkerSettings: [.linkedLibrary("re2")]),
        // Prometheus relabel rules and the regex type every component uses.
        .target(name: "Relabel", dependencies: ["CRE2", "LogCore"], swiftSettings: optimize),
        // loki.process stages, one file per stage.
        .target(name: "Process", dependencies: [
            "Codecs", "LogCore", "Relabel",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),
        // ISA-L's igzip: the fastest deflate for the default (level 1) push bodies on x86-64 and arm64.
        .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        // libdeflate: whole-buffer gzip of push bodies.
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // The HTTP client arguments Alloy shares between components: auth, TLS, proxy, headers.
        .target(name: "HTTPClientSupport", dependencies: [
            "Codecs", "LogCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: optimize),
        // discovery.kubernetes: list/watch of pods and nodes, targets labelled as Prometheus' Kubernetes SD does.
        .target(name: "KubeDiscovery", dependencies: [
            "Codecs", "LogCore", "HTTPClientSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: optimize),
        // loki.write: JSON push bodies, gzip, the write-ahead log.
        .target(name: "LokiWrite", dependencies: [
            "Codecs", "LogCore", "CDeflate", "CISAL", "HTTPClientSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),
        // A Loki-compatible push receiver for tests and the local demo.
        .target(name: "FakeLoki", dependencies: [
            "LokiWrite", "LogCore",
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .executableTarget(name: "fake-loki", dependencies: ["FakeLoki"]),
        .executableTarget(name: "DiscoveryBenchmark", dependencies: [
            "KubeDiscovery", "LogCore", "FakeKubeAPI", "HTTPClientSupport", "TestTLS",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/DiscoveryBenchmark", swiftSettings: optimize),
        // Real journal files for the journal tests and benchmark, written by systemd-journal-remote.
        .target(name: "JournalFixtures"),
        // A throw-away CA and server certificate (openssl) for the TLS tests and benchmarks.
        .target(name: "TestTLS"),
        // A Kubernetes API server stand-in (list/watch, TLS, tokens, injected failures) for tests and benchmarks.
        .target(name: "FakeKubeAPI", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // libsystemd's sd-journal API, for loki.source.journal.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // loki.source.journal: reads the systemd journal on a thread of its own, cursor saved after acknowledgement.
        .target(name: "JournalSource", dependencies: [
            "Codecs", "LogCore", "CSystemd",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),
        // zlib, for reading rotated .gz files.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Adapters that turn each module into an Alloy component.
        .target(name: "Components", dependencies: [
            "Codecs", "Runtime", "LogCore", "FileSource", "Relabel", "Process", "LokiWrite", "HTTPClientSupport", "KubeDiscovery",
            "JournalSource",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: optimize),
        .executableTarget(name: "tributary", dependencies: [
            "Codecs", "Syntax", "Runtime", "Components", "LogCore", "Process", "LokiWrite",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: optimize),
        // What the benchmarks share: a counting receiver and resource usage.
        .target(name: "BenchmarkSupport", dependencies: ["LogCore"], path: "Benchmarks/BenchmarkSupport"),
        // Benchmark of the file reading path (a separate executable; figures in the README).
        .executableTarget(name: "TailBenchmark", dependencies: [
            "BenchmarkSupport", "FileSource", "LogCore", .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/TailBenchmark", swiftSettings: optimize),
        // Benchmark of file reading plus a typical loki.process pipeline.
        .executableTarget(name: "PipelineBenchmark", dependencies: [
            "BenchmarkSupport", "Components", "FileSource", "LogCore", "Runtime", "Syntax", .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/PipelineBenchmark", swiftSettings: optimize),
        // Benchmark of loki.source.journal: a 1,000,000-entry journal read, labelled and forwarded.
        .executableTarget(name: "JournalBenchmark", dependencies: [
            "BenchmarkSupport", "Components", "JournalSource", "JournalFixtures", "LogCore", "Relabel", "Runtime", "Syntax",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/JournalBenchmark", swiftSettings: optimize),
        // End-to-end benchmark: the real binary shipping to a local Loki-compatible receiver.
        .executableTarget(name: "ShipBenchmark", dependencies: ["FakeLoki"], path: "Benchmarks/ShipBenchmark"),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs"]),
        .testTarget(name: "SyntaxTests", dependencies: ["Syntax"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Syntax", "Components", "LogCore"]),
        .testTarget(name: "FileSourceTests", dependencies: ["FileSource", "LogCore"]),
        .testTarget(name: "LogCoreTests", dependencies: ["LogCore"]),
        .testTarget(name: "LokiWriteTests", dependencies: [
            "LokiWrite", "LogCore", "FakeLoki", "HTTPClientSupport", "TestTLS",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "RelabelTests", dependencies: ["Relabel", "LogCore"]),
        .testTarget(name: "ProcessTests", dependencies: ["Process", "Relabel", "LogCore", "Components", "Runtime", "Syntax"]),
        .testTarget(name: "KubeDiscoveryTests", dependencies: ["KubeDiscovery", "LogCore", "FakeKubeAPI", "TestTLS", "HTTPClientSupport", "Components", "Runtime", "Syntax"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "JournalSourceTests", dependencies: ["JournalSource", "JournalFixtures", "LogCore", "Components", "Runtime", "Syntax"]),
        .testTarget(name: "IntegrationTests", dependencies: ["FakeLoki", "FakeKubeAPI", "TestTLS", "JournalFixtures", .product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v6]
)
