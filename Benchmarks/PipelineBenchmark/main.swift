// Entry point of the pipeline benchmark; see PipelineBench.swift.
#if canImport(Glibc)
import Glibc
#endif

exit(try await PipelineBench.run())
