// Entry point of the journal benchmark; see JournalBench.swift.
#if canImport(Glibc)
import Glibc
#endif

exit(try await JournalBench.run())
