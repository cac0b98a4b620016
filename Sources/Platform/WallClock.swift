#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock helpers that work on integers, without Foundation.
public enum WallClock {
    /// Unix time now, in nanoseconds.
    public static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Unix time now, in whole seconds.
    public static var nowSeconds: Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }
}

extension Duration {
    /// The duration in whole nanoseconds (for APIs that take an integer count: NIO, AsyncHTTPClient).
    public var nanoseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}
