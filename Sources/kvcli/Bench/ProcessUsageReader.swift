#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BenchCore

/// The bench process's own CPU time and peak memory, from getrusage(2): a load generator
/// that saturates its own cores measures itself, not the server.
enum ProcessUsageReader {
    /// CPU seconds (user, system) used so far.
    static func cpuSeconds() -> (user: Double, system: Double) {
        let usage = read()
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
    }

    /// Usage since `start` (from `cpuSeconds()`) over `wallS` seconds of wall time.
    static func usage(since start: (user: Double, system: Double), wallS: Double) -> ProcessUsage {
        let now = cpuSeconds()
        let user = now.user - start.user, system = now.system - start.system
        // ru_maxrss is kilobytes on Linux (bytes on macOS).
        #if os(Linux)
        let peakMb = Double(read().ru_maxrss) / 1024
        #else
        let peakMb = Double(read().ru_maxrss) / 1_048_576
        #endif
        return ProcessUsage(cpuUserS: user, cpuSystemS: system,
                            cpuPercent: wallS > 0 ? (user + system) / wallS * 100 : 0, peakRssMb: peakMb)
    }

    private static func read() -> rusage {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return usage
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1e6
    }
}
