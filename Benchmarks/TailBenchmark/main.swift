// Entry point of the file-reading benchmark; see TailBench.swift.
#if canImport(Glibc)
import Glibc
#endif

exit(try await TailBench.run())
